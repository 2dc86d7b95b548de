import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { renderStackList, renderStackStatus } from './stack-render.ts';

const ready = (status: string, message?: string): { conditions: object[] } => ({ conditions: [{ type: 'Ready', status, ...(message ? { message } : {}) }] });

const stack: KubeObject = {
  metadata: { name: 'some-stack' },
  status: {
    id: 'some-stack-id',
    buildImage: { latestImage: 'registry.test/kp@sha256:build', image: 'registry.test/kp@sha256:build' },
    runImage: { latestImage: 'registry.test/kp@sha256:run', image: 'registry.test/kp@sha256:run' },
    mixins: ['mixin1', 'mixin2'],
  },
};

describe('clusterstack status', () => {
  it('prints Status, Id, Run Image and Build Image aligned as kp does', () => {
    expect(renderStackStatus(stack, false)).toBe(`Status:         Unknown
Id:             some-stack-id
Run Image:      registry.test/kp@sha256:run
Build Image:    registry.test/kp@sha256:build

`);
  });

  it('adds the mixins, comma-joined, with --verbose', () => {
    expect(renderStackStatus({ ...stack, status: { ...(stack.status as object), ...ready('True') } }, true)).toBe(`Status:         Ready
Id:             some-stack-id
Run Image:      registry.test/kp@sha256:run
Build Image:    registry.test/kp@sha256:build
Mixins:         mixin1, mixin2

`);
  });

  it('shows the Ready message when not ready, and -- for what was never resolved', () => {
    const failed: KubeObject = {
      metadata: { name: 'broken' },
      status: ready('False', 'invalid stack images. expected stack: a, build image stack: a, run image stack: b'),
    };
    expect(renderStackStatus(failed, true)).toBe(`Status:         Not Ready - invalid stack images. expected stack: a, build image stack: a, run image stack: b
Id:             --
Run Image:      --
Build Image:    --
Mixins:         --

`);
  });
});

describe('clusterstack list', () => {
  it('prints NAME READY ID with the condition status or Unknown', () => {
    const stacks: KubeObject[] = [
      { metadata: { name: 'test-stack-1' }, status: { ...ready('False'), id: 'stack-id-1' } },
      { metadata: { name: 'test-stack-2' }, status: { ...ready('True'), id: 'stack-id-2' } },
      { metadata: { name: 'test-stack-3' }, status: { ...ready('Unknown'), id: 'stack-id-3' } },
      { metadata: { name: 'new' } },
    ];
    expect(renderStackList(stacks)).toBe(`NAME            READY      ID
test-stack-1    False      stack-id-1
test-stack-2    True       stack-id-2
test-stack-3    Unknown    stack-id-3
new             Unknown    

`);
  });
});
