import { describe, expect, it } from 'vitest';
import { createTracker, type InformerEvent, type KubeObject } from '../k8s/index.ts';
import { keysForEvent, parseQueueKey } from './enqueue.ts';

const object = (name: string, extra: { namespace?: string; generation?: number; status?: unknown } = {}): KubeObject => ({
  metadata: { name, generation: extra.generation ?? 1, ...(extra.namespace ? { namespace: extra.namespace } : {}) },
  ...(extra.status ? { status: extra.status } : {}),
});
const ready = (time: string, ids: string[]): unknown => ({
  conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: time }],
  buildpacks: ids.map((id) => ({ id })),
});

function tracker(): ReturnType<typeof createTracker> {
  const t = createTracker();
  t.setDependencies({ kind: 'Builder', namespace: 'team', name: 'web' }, { objects: [{ kind: 'ClusterStore', name: 'default' }], buildpackIds: ['io.a'] });
  t.setDependencies({ kind: 'ClusterBuilder', name: 'shared' }, { objects: [{ kind: 'ClusterStore', name: 'other' }], buildpackIds: ['io.b'] });
  return t;
}

describe('keysForEvent (D-e)', () => {
  it('enqueues the dependents of a store whose status changed, and the store itself only when its spec did', () => {
    const event: InformerEvent = {
      type: 'update',
      key: 'default',
      object: object('default', { status: ready('t2', ['io.a', 'io.z']) }),
      oldObject: object('default', { status: ready('t1', ['io.a']) }),
    };
    expect(keysForEvent('ClusterStore', event, tracker())).toEqual(['Builder:team/web']);
    const specChange = { ...event, object: object('default', { generation: 2, status: ready('t1', ['io.a']) }) };
    expect(keysForEvent('ClusterStore', specChange, tracker())).toEqual(['ClusterStore:default']);
  });

  it('enqueues an object whose resync annotation changed, and not for other metadata changes', () => {
    const annotated = (annotations: Record<string, string>): KubeObject => ({ metadata: { name: 'default', generation: 1, annotations } });
    const event = (before: Record<string, string>, after: Record<string, string>): InformerEvent => ({
      type: 'update',
      key: 'default',
      object: annotated(after),
      oldObject: annotated(before),
    });
    const resync = 'packsmith.kpack.io/resync';
    expect(keysForEvent('ClusterStore', event({}, { [resync]: '2026-12-03T18:00:00.000Z' }), tracker())).toEqual(['ClusterStore:default']);
    expect(keysForEvent('ClusterStore', event({ [resync]: 'a' }, { [resync]: 'b' }), tracker())).toEqual(['ClusterStore:default']);
    expect(keysForEvent('ClusterStore', event({ [resync]: 'a' }, { [resync]: 'a', note: 'x' }), tracker())).toEqual([]);
  });

  it('ignores a status that differs only in transition times', () => {
    const event: InformerEvent = {
      type: 'update',
      key: 'default',
      object: object('default', { status: ready('t2', ['io.a']) }),
      oldObject: object('default', { status: ready('t1', ['io.a']) }),
    };
    expect(keysForEvent('ClusterStore', event, tracker())).toEqual([]);
  });

  it('a ClusterBuildpack providing an id-only reference enqueues the builders using that id, and only them', () => {
    const event: InformerEvent = { type: 'add', key: 'b', object: object('b', { status: ready('t', ['io.b']) }) };
    expect(keysForEvent('ClusterBuildpack', event, tracker())).toEqual(['ClusterBuildpack:b', 'ClusterBuilder:shared']);
  });

  it('a Buildpack serves only builders in its own namespace', () => {
    const elsewhere: InformerEvent = { type: 'add', key: 'other/a', object: object('a', { namespace: 'other', status: ready('t', ['io.a']) }) };
    expect(keysForEvent('Buildpack', elsewhere, tracker())).toEqual(['Buildpack:other/a']);
    const same: InformerEvent = { type: 'add', key: 'team/a', object: object('a', { namespace: 'team', status: ready('t', ['io.a']) }) };
    expect(keysForEvent('Buildpack', same, tracker())).toEqual(['Buildpack:team/a', 'Builder:team/web']);
  });

  it('a builder is enqueued on resync but not on its own status write', () => {
    const status = {
      type: 'update' as const,
      key: 'team/web',
      object: object('web', { namespace: 'team', status: { latestImage: 'x' } }),
      oldObject: object('web', { namespace: 'team' }),
    };
    expect(keysForEvent('Builder', status, tracker())).toEqual([]);
    expect(keysForEvent('Builder', { ...status, type: 'sync' }, tracker())).toEqual(['Builder:team/web']);
    expect(parseQueueKey('Builder:team/web')).toEqual({ kind: 'Builder', key: 'team/web' });
  });

  it('enqueues a followed resource whose digests in use or held changed, not for a new check time', () => {
    const followed = (digest: string, checkedAt: string, to?: string): KubeObject =>
      object('default', {
        status: {
          resolvedImages: [{ image: 'r.test/a:1', digest, checkedAt }],
          ...(to ? { pendingUpdates: [{ image: 'r.test/a:1', from: digest, to }] } : {}),
        },
      });
    const event = (before: KubeObject, after: KubeObject): InformerEvent => ({ type: 'update', key: 'default', object: after, oldObject: before });
    expect(keysForEvent('ClusterStore', event(followed('sha256:1', 't1'), followed('sha256:1', 't2')), tracker())).toEqual([]);
    expect(keysForEvent('ClusterStore', event(followed('sha256:1', 't1'), followed('sha256:2', 't2')), tracker())).toEqual(['ClusterStore:default']);
    expect(keysForEvent('ClusterStore', event(followed('sha256:1', 't1'), followed('sha256:1', 't2', 'sha256:2')), tracker())).toEqual([
      'ClusterStore:default',
    ]);
  });
});
