import { describe, expect, it } from 'vitest';
import { builderInUseOf, buildersUsing, declaredDependencies, type BuilderInUse } from './builder-dependencies.ts';

const builder = (name: string, namespace: string | undefined, spec: BuilderInUse['spec'], builtBuildpackIds?: string[]): BuilderInUse => ({
  kind: namespace === undefined ? 'ClusterBuilder' : 'Builder',
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
  spec,
  ...(builtBuildpackIds ? { builtBuildpackIds } : {}),
});

const base = { tag: 'r.test/b', stack: { name: 'base' }, store: { name: 'default' } };
const app = builder('app', 'team-a', { ...base, order: [{ group: [{ kind: 'Buildpack', name: 'node' }, { id: 'paketo/java' }] }] });
const web = builder('web', 'team-b', { ...base, lifecycle: { name: 'lc-1' }, order: [{ group: [{ kind: 'ClusterBuildpack', name: 'go' }] }] });
const shared = builder('shared', undefined, { tag: 'r.test/c', stack: { name: 'other' }, order: [{ group: [{ id: 'paketo/ruby' }] }] }, [
  'paketo/ruby',
  'paketo/go',
]);
const all = [app, web, shared];

describe('declaredDependencies', () => {
  it('names stack, lifecycle (default-lifecycle when unset), store and buildpack objects, and keeps id-only refs apart', () => {
    expect(declaredDependencies(app)).toEqual({
      objects: [
        { kind: 'ClusterStack', name: 'base' },
        { kind: 'ClusterLifecycle', name: 'default-lifecycle' },
        { kind: 'ClusterStore', name: 'default' },
        { kind: 'Buildpack', namespace: 'team-a', name: 'node' },
      ],
      buildpackIds: ['paketo/java'],
    });
  });
});

describe('buildersUsing', () => {
  it('finds the cluster kinds by name across namespaces and cluster builders', () => {
    expect(buildersUsing({ kind: 'ClusterStack', name: 'base' }, all)).toEqual([
      { kind: 'Builder', namespace: 'team-a', name: 'app' },
      { kind: 'Builder', namespace: 'team-b', name: 'web' },
    ]);
    expect(buildersUsing({ kind: 'ClusterLifecycle', name: 'default-lifecycle' }, all).map((b) => b.name)).toEqual(['app', 'shared']);
    expect(buildersUsing({ kind: 'ClusterStore', name: 'default' }, all).map((b) => b.name)).toEqual(['app', 'web']);
    expect(buildersUsing({ kind: 'ClusterStack', name: 'unused' }, all)).toEqual([]);
  });

  it('finds a namespaced Buildpack only from Builders of its namespace', () => {
    expect(buildersUsing({ kind: 'Buildpack', namespace: 'team-a', name: 'node' }, all).map((b) => b.name)).toEqual(['app']);
    expect(buildersUsing({ kind: 'Buildpack', namespace: 'team-b', name: 'node' }, all)).toEqual([]);
    // An id the Buildpack provides counts only in its own namespace, never for a ClusterBuilder.
    expect(buildersUsing({ kind: 'Buildpack', namespace: 'team-a', name: 'x', buildpackIds: ['paketo/java'] }, all).map((b) => b.name)).toEqual(['app']);
    expect(buildersUsing({ kind: 'Buildpack', namespace: 'team-c', name: 'x', buildpackIds: ['paketo/ruby'] }, all)).toEqual([]);
  });

  it('finds a ClusterBuildpack by name, by an id-only ref and by an id in the last built image', () => {
    expect(buildersUsing({ kind: 'ClusterBuildpack', name: 'go' }, all).map((b) => b.name)).toEqual(['web']);
    expect(buildersUsing({ kind: 'ClusterBuildpack', name: 'any', buildpackIds: ['paketo/ruby'] }, all).map((b) => b.name)).toEqual(['shared']);
    expect(buildersUsing({ kind: 'ClusterBuildpack', name: 'any', buildpackIds: ['paketo/go'] }, all).map((b) => b.name)).toEqual(['shared']);
    expect(buildersUsing({ kind: 'ClusterBuildpack', name: 'any', buildpackIds: ['paketo/php'] }, all)).toEqual([]);
  });
});

describe('builderInUseOf', () => {
  const object = {
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'Builder',
    metadata: { name: 'app', namespace: 'team' },
    spec: { tag: 'r.test/b', stack: { name: 'base' }, order: [{ group: [{ id: 'paketo/go' }] }] },
    status: { builderMetadata: [{ id: 'paketo/go', version: '1.0.0' }] },
  };

  it('reads the defaulted spec and the ids of the last built image', () => {
    const builder = builderInUseOf('Builder', object);
    expect(builder?.builtBuildpackIds).toEqual(['paketo/go']);
    expect(buildersUsing({ kind: 'ClusterLifecycle', name: 'default-lifecycle' }, [builder!])).toEqual([{ kind: 'Builder', namespace: 'team', name: 'app' }]);
  });

  it('leaves out a builder being deleted and one whose spec is invalid: they use nothing', () => {
    expect(builderInUseOf('Builder', { ...object, metadata: { ...object.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } })).toBeUndefined();
    expect(builderInUseOf('Builder', { ...object, spec: { tag: 7 } })).toBeUndefined();
  });
});
