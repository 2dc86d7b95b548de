import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { renderLifecycleList, renderLifecycleStatus } from './lifecycle-render.ts';

const lifecycle = (conditions: object[] = []): KubeObject => ({
  metadata: { name: 'my-lifecycle' },
  status: {
    conditions,
    image: { latestImage: 'registry.io/repo/lifecycle@sha256:abc123', image: 'registry.io/repo/lifecycle@sha256:abc123' },
    version: '0.17.0',
    apis: { buildpack: { supported: ['0.2', '0.3', '0.10'], deprecated: ['0.2'] }, platform: { supported: ['0.13'], deprecated: null } },
  },
});

describe('clusterlifecycle status', () => {
  it('prints Status, Image and Version', () => {
    expect(renderLifecycleStatus(lifecycle(), false)).toBe(`Status:     Unknown
Image:      registry.io/repo/lifecycle@sha256:abc123
Version:    0.17.0

`);
  });

  it('adds the supported and deprecated buildpack APIs with --verbose', () => {
    expect(renderLifecycleStatus(lifecycle([{ type: 'Ready', status: 'True' }]), true)).toBe(`Status:                       Ready
Image:                        registry.io/repo/lifecycle@sha256:abc123
Version:                      0.17.0
Supported Buildpack APIs:     0.2, 0.3, 0.10
Deprecated Buildpack APIs:    0.2

`);
  });

  it('shows the Ready message when not ready', () => {
    expect(renderLifecycleStatus(lifecycle([{ type: 'Ready', status: 'False', message: 'some sample message' }]), false))
      .toBe(`Status:     Not Ready - some sample message
Image:      registry.io/repo/lifecycle@sha256:abc123
Version:    0.17.0

`);
  });
});

describe('clusterlifecycle list', () => {
  it('prints NAME READY VERSION IMAGE', () => {
    const lifecycles = [lifecycle([{ type: 'Ready', status: 'True' }]), { metadata: { name: 'pending' } }];
    expect(renderLifecycleList(lifecycles)).toBe(`NAME            READY      VERSION    IMAGE
my-lifecycle    True       0.17.0     registry.io/repo/lifecycle@sha256:abc123
pending         Unknown               

`);
  });
});
