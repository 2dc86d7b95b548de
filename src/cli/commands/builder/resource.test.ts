// The objects builder/clusterbuilder create and patch write, and the list table.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { renderBuilderList } from './read.ts';
import { newBuilderObject, patchedBuilderObject } from './resource.ts';
import { builderScope, clusterBuilderScope } from './scope.ts';

describe('create', () => {
  it('writes a Builder as kp does: ClusterStack reference, store only when named, service account', () => {
    expect(newBuilderObject(builderScope, { name: 'app', namespace: 'team' }, { tag: 'r/app', order: [{ group: [{ id: 'test/web' }] }] })).toEqual({
      metadata: { name: 'app', namespace: 'team' },
      spec: { tag: 'r/app', stack: { name: 'default', kind: 'ClusterStack' }, order: [{ group: [{ id: 'test/web' }] }], serviceAccountName: 'default' },
    });
    const withStore = newBuilderObject(
      builderScope,
      { name: 'app', namespace: 'team' },
      { tag: 'r/app', stack: 'base', store: 'default', serviceAccount: 'pusher' },
    );
    expect(withStore.spec).toEqual({
      tag: 'r/app',
      stack: { name: 'base', kind: 'ClusterStack' },
      store: { name: 'default', kind: 'ClusterStore' },
      serviceAccountName: 'pusher',
    });
  });

  it("writes a ClusterBuilder with kp-config's service account and no namespace", () => {
    const object = newBuilderObject(
      clusterBuilderScope,
      { name: 'base', serviceAccountRef: { name: 'kp-sa', namespace: 'kpack' } },
      { tag: 'r/kp:clusterbuilder-base', serviceAccount: 'ignored' },
    );
    expect(object).toEqual({
      metadata: { name: 'base' },
      spec: { tag: 'r/kp:clusterbuilder-base', stack: { name: 'default', kind: 'ClusterStack' }, serviceAccountRef: { name: 'kp-sa', namespace: 'kpack' } },
    });
  });
});

describe('patch', () => {
  const current: KubeObject = {
    metadata: { name: 'app', namespace: 'team', resourceVersion: '7' },
    spec: { tag: 'r/app', stack: { name: 'default', kind: 'ClusterStack' }, serviceAccountName: 'default', order: [{ group: [{ id: 'a' }] }] },
    status: { latestImage: 'r/app@sha256:1' },
  };

  it('changes only the fields given and replaces the order as a whole', () => {
    const patched = patchedBuilderObject(current, { order: [{ group: [{ id: 'b' }] }, { group: [{ id: 'c' }] }] });
    expect(patched.spec).toEqual({
      tag: 'r/app',
      stack: { name: 'default', kind: 'ClusterStack' },
      serviceAccountName: 'default',
      order: [{ group: [{ id: 'b' }] }, { group: [{ id: 'c' }] }],
    });
    expect(patched.metadata).toBe(current.metadata);
    expect(patchedBuilderObject(current, {}).spec).toEqual(current.spec);
  });

  it('renames references, adding the kind when there is none yet', () => {
    const patched = patchedBuilderObject(current, { stack: 'base', store: 'other', tag: 'r/app2', serviceAccount: 'sa' });
    expect(patched.spec).toMatchObject({
      tag: 'r/app2',
      stack: { name: 'base', kind: 'ClusterStack' },
      store: { name: 'other', kind: 'ClusterStore' },
      serviceAccountName: 'sa',
    });
  });
});

describe('list', () => {
  it('prints NAME READY STACK IMAGE sorted by name, with true/false/unknown', () => {
    const builders: KubeObject[] = [
      {
        metadata: { name: 'web' },
        status: { conditions: [{ type: 'Ready', status: 'True' }], stack: { id: 'io.packsmith.test.stack' }, latestImage: 'r/web@sha256:1' },
      },
      { metadata: { name: 'broken' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
      { metadata: { name: 'new' } },
    ];
    expect(renderBuilderList(builders)).toBe(
      [
        'NAME      READY      STACK                      IMAGE',
        'broken    false                                 ',
        'new       unknown                               ',
        'web       true       io.packsmith.test.stack    r/web@sha256:1',
        '',
        '',
      ].join('\n'),
    );
  });
});
