import { describe, expect, it } from 'vitest';
import { FakeImageAccess } from '../app/testdata/fakes.ts';
import { cacheLookup } from './builder-inputs.ts';
import { FakeCluster } from './testdata/fakes.ts';

const image = 'r.test/store/a:1';
const buildpack = (version: string): Record<string, unknown> => ({
  id: 'io.test.a',
  version,
  diffId: `sha256:${'d'.repeat(64)}`,
  digest: `sha256:${'e'.repeat(64)}`,
  size: 1,
  storeImage: { image },
});

describe('cacheLookup under a canary policy', () => {
  const cluster = new FakeCluster().put('ClusterStore', {
    name: 'default',
    spec: { sources: [{ image }], updatePolicy: { rollout: 'canary', canary: { kind: 'Builder', name: 'web', namespace: 'team' } } },
    status: {
      buildpacks: [buildpack('1.0.0')],
      canary: { buildpacks: [buildpack('2.0.0')] },
      resolvedImages: [{ image, tag: '1', digest: 'sha256:1' }],
      pendingUpdates: [{ image, tag: '1', from: 'sha256:1', to: 'sha256:2' }],
    },
  });
  const deps = cluster.deps(new FakeImageAccess());
  const versionFor = (builder: Parameters<typeof cacheLookup>[2]): string | undefined => {
    const found = cacheLookup(deps.cache, deps.keychains, builder).get('ClusterStore', 'default');
    return found?.resolved.ok ? found.resolved.value[0]?.version : undefined;
  };

  it('gives the canary builder the canary view, and records the held updates it read', () => {
    const lookup = cacheLookup(deps.cache, deps.keychains, { kind: 'Builder', name: 'web', namespace: 'team' });
    const found = lookup.get('ClusterStore', 'default');
    expect(found?.resolved.ok && found.resolved.value.map((b) => b.version)).toEqual(['2.0.0']);
    expect(lookup.canaryUpdates()).toEqual([{ kind: 'ClusterStore', name: 'default', image, digest: 'sha256:2' }]);
  });

  it('gives every other builder what is in use', () => {
    expect(versionFor({ kind: 'Builder', name: 'other', namespace: 'team' })).toBe('1.0.0');
    expect(versionFor({ kind: 'ClusterBuilder', name: 'web' })).toBe('1.0.0');
    expect(versionFor(undefined)).toBe('1.0.0');
  });

  it('keeps a canary on the digests in use when its canary view is compact, recording nothing', () => {
    const compact = new FakeCluster().put('ClusterStore', {
      name: 'default',
      spec: { sources: [{ image }], updatePolicy: { rollout: 'canary', canary: { kind: 'Builder', name: 'web', namespace: 'team' } } },
      status: {
        buildpacks: [buildpack('1.0.0')],
        canary: {
          buildpacks: [{ id: 'io.test.a', version: '2.0.0', storeImage: { image } }],
          compacted: { sources: [{ image, latestImage: `${image}@sha256:2` }] },
        },
        pendingUpdates: [{ image, tag: '1', from: 'sha256:1', to: 'sha256:2' }],
      },
    });
    const compactDeps = compact.deps(new FakeImageAccess());
    const lookup = cacheLookup(compactDeps.cache, compactDeps.keychains, { kind: 'Builder', name: 'web', namespace: 'team' });
    const found = lookup.get('ClusterStore', 'default');
    expect(found?.resolved.ok && found.resolved.value.map((b) => b.version)).toEqual(['1.0.0']);
    expect(lookup.canaryUpdates()).toEqual([]);
  });
});
