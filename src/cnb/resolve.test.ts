import { describe, expect, it } from 'vitest';
import { lookupBuildpack, rootBuildpacks, type BuildpackCatalog, type BuildpackSource } from './buildpack-lookup.ts';
import type { BuildpackRecord } from './records.ts';
import { resolveOrder } from './resolve.ts';

function record(id: string, version: string, extra: Partial<BuildpackRecord> = {}): BuildpackRecord {
  return {
    id,
    version,
    api: '0.10',
    storeImage: { image: `registry.test/${id}` },
    diffId: `sha256:${'1'.repeat(64)}`,
    digest: `sha256:${'2'.repeat(64)}`,
    size: 10,
    ...extra,
  };
}

const engine = record('io.buildpack.engine', '1.0.0');
const packageManager = record('io.buildpack.package-manager', '1.0.0');
const meta = record('io.buildpack.meta', '1.0.0', {
  order: [
    {
      group: [
        { id: 'io.buildpack.engine', version: '1.0.0' },
        { id: 'io.buildpack.package-manager', version: '1.0.0', optional: true },
      ],
    },
  ],
});
const multi8 = record('io.buildpack.multi', '8.0.0');
const multi9 = record('io.buildpack.multi', '9.0.0');

const store: BuildpackSource = { kind: 'ClusterStore', name: 'default', buildpacks: [engine, packageManager, meta, multi8, multi9] };
const storeOnly: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store };

const source = (kind: 'Buildpack' | 'ClusterBuildpack', name: string, buildpacks: BuildpackRecord[]): BuildpackSource =>
  kind === 'Buildpack' ? { kind, name, namespace: 'ns', buildpacks } : { kind, name, buildpacks };

describe('lookupBuildpack against a ClusterStore', () => {
  it('finds by id, taking the highest version', () => {
    const found = lookupBuildpack(storeOnly, { id: 'io.buildpack.multi' });
    expect(found.ok && found.found.record).toEqual(multi9);
  });
  it('finds an exact version', () => {
    const found = lookupBuildpack(storeOnly, { id: 'io.buildpack.multi', version: '8.0.0' });
    expect(found.ok && found.found.record).toEqual(multi8);
  });
  it('explains an unknown id and an unknown version', () => {
    expect(lookupBuildpack(storeOnly, { id: 'fake-buildpack' })).toEqual({ ok: false, message: "could not find buildpack with id 'fake-buildpack'" });
    expect(lookupBuildpack(storeOnly, { id: 'io.buildpack.multi', version: '8.0.1' })).toEqual({
      ok: false,
      message: "could not find buildpack with id 'io.buildpack.multi' and version '8.0.1'",
    });
  });
  it('refuses version-less resolution when any candidate is not semver', () => {
    const odd: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store: { ...store, buildpacks: [multi8, record('io.buildpack.multi', 'latest')] } };
    expect(lookupBuildpack(odd, { id: 'io.buildpack.multi' })).toEqual({
      ok: false,
      message: "cannot find buildpack 'io.buildpack.multi' with latest version due to invalid semver 'latest'",
    });
  });
  it('rejects image references and empty references', () => {
    expect(lookupBuildpack(storeOnly, { image: 'registry.test/bp' })).toMatchObject({ message: 'using images in builders not currently supported' });
    expect(lookupBuildpack(storeOnly, {})).toMatchObject({ message: 'invalid buildpack reference' });
  });
});

describe.each(['Buildpack', 'ClusterBuildpack'] as const)('lookupBuildpack against %s resources', (kind) => {
  const catalogFor = (sources: BuildpackSource[]): BuildpackCatalog =>
    kind === 'Buildpack' ? { buildpacks: sources, clusterBuildpacks: [] } : { buildpacks: [], clusterBuildpacks: sources };
  const catalog = catalogFor([
    source(kind, 'meta', [meta, engine, packageManager]),
    source(kind, 'multi-8', [multi8]),
    source(kind, 'multi-9', [multi9]),
    source(kind, 'multi', [multi8, multi9]),
  ]);
  const label = kind === 'Buildpack' ? 'buildpack' : 'cluster buildpack';

  it('finds by id, nested id and id with version', () => {
    expect(lookupBuildpack(catalog, { id: 'io.buildpack.meta' })).toMatchObject({ ok: true, found: { record: meta } });
    expect(lookupBuildpack(catalog, { id: 'io.buildpack.engine' })).toMatchObject({ ok: true, found: { record: engine } });
    expect(lookupBuildpack(catalog, { id: 'io.buildpack.multi', version: '8.0.0' })).toMatchObject({ ok: true, found: { record: multi8 } });
  });
  it('finds the root of an object reference', () => {
    expect(lookupBuildpack(catalog, { kind, name: 'meta' })).toMatchObject({ ok: true, found: { record: meta, source: { kind, name: 'meta' } } });
  });
  it('reports an invalid kind and an unknown name', () => {
    expect(lookupBuildpack(catalog, { kind: 'Image', name: 'meta' })).toMatchObject({ message: 'kind must be either Buildpack or ClusterBuildpack' });
    expect(lookupBuildpack(catalog, { kind, name: 'fake-buildpack' })).toMatchObject({ message: `no ${label} with name 'fake-buildpack'` });
  });
  it('combines an object reference with an id', () => {
    expect(lookupBuildpack(catalog, { kind, name: 'meta', id: 'io.buildpack.engine' })).toMatchObject({ found: { record: engine } });
    expect(lookupBuildpack(catalog, { kind, name: 'multi', id: 'io.buildpack.multi', version: '8.0.0' })).toMatchObject({ found: { record: multi8 } });
    expect(lookupBuildpack(catalog, { kind, name: 'multi', id: 'io.buildpack.nope' })).toMatchObject({
      message: "could not find buildpack with id 'io.buildpack.nope'",
    });
  });
  it('refuses an object with several roots', () => {
    expect(lookupBuildpack(catalog, { kind, name: 'multi' })).toMatchObject({ message: 'unexpected number of root buildpacks: 2' });
  });
});

describe('source priority', () => {
  const catalog: BuildpackCatalog = {
    buildpacks: [source('Buildpack', 'ns-multi', [multi8])],
    clusterBuildpacks: [source('ClusterBuildpack', 'c8', [multi8]), source('ClusterBuildpack', 'c9', [multi9])],
    store: { kind: 'ClusterStore', name: 'default', buildpacks: [meta, multi8] },
  };
  it('takes an explicit version from the first source in priority order (Buildpack first)', () => {
    expect(lookupBuildpack(catalog, { id: 'io.buildpack.multi', version: '8.0.0' })).toMatchObject({
      found: { source: { kind: 'Buildpack', name: 'ns-multi' } },
    });
  });
  it('takes the highest version from wherever it is, and the last source on ties', () => {
    expect(lookupBuildpack(catalog, { id: 'io.buildpack.multi' })).toMatchObject({
      found: { record: multi9, source: { kind: 'ClusterBuildpack', name: 'c9' } },
    });
    const tie: BuildpackCatalog = { ...catalog, clusterBuildpacks: [source('ClusterBuildpack', 'c8', [multi8])] };
    expect(lookupBuildpack(tie, { id: 'io.buildpack.multi' })).toMatchObject({ found: { source: { kind: 'ClusterStore', name: 'default' } } });
  });
});

describe('rootBuildpacks (dependency trees)', () => {
  it('finds one root for a parent with children over two groups, and two for independent parents', () => {
    const parent = record('p', '1', { order: [{ group: [{ id: 'a' }, { id: 'b' }] }, { group: [{ id: 'c' }] }] });
    const one: BuildpackSource = { kind: 'ClusterStore', name: 's', buildpacks: [parent, record('a', '1'), record('b', '1'), record('c', '1')] };
    expect(rootBuildpacks(one).map((c) => c.record.id)).toEqual(['p']);
    const two: BuildpackSource = { ...one, buildpacks: [...one.buildpacks, record('q', '1')] };
    expect(rootBuildpacks(two).map((c) => c.record.id)).toEqual(['p', 'q']);
  });
});

describe('resolveOrder', () => {
  it('resolves versions, keeps optional and lays out children before their meta-buildpack', () => {
    const result = resolveOrder([{ group: [{ id: 'io.buildpack.meta' }, { id: 'io.buildpack.multi', optional: true }] }], storeOnly);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.order).toEqual([
      {
        group: [
          { id: 'io.buildpack.meta', version: '1.0.0' },
          { id: 'io.buildpack.multi', version: '9.0.0', optional: true },
        ],
      },
    ]);
    expect(result.value.buildpacks.map((c) => `${c.record.id}@${c.record.version}`)).toEqual([
      'io.buildpack.engine@1.0.0',
      'io.buildpack.package-manager@1.0.0',
      'io.buildpack.meta@1.0.0',
      'io.buildpack.multi@9.0.0',
    ]);
    expect(result.value.sources).toEqual([{ kind: 'ClusterStore', name: 'default' }]);
  });

  it('includes a buildpack used in two groups once', () => {
    const result = resolveOrder([{ group: [{ id: 'io.buildpack.engine' }] }, { group: [{ id: 'io.buildpack.meta' }] }], storeOnly);
    expect(result.ok && result.value.buildpacks.map((c) => c.record.id)).toEqual(['io.buildpack.engine', 'io.buildpack.package-manager', 'io.buildpack.meta']);
  });

  it('reports every problem at once, each with its path', () => {
    const result = resolveOrder(
      [
        { group: [{ id: 'nope' }, { id: 'io.buildpack.engine' }, { id: 'io.buildpack.engine', version: '1.0.0' }] },
        { group: [{ id: 'io.buildpack.multi', version: '7' }] },
      ],
      storeOnly,
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: 'spec.order[0].group[0]', message: "could not find buildpack with id 'nope'" },
        {
          path: 'spec.order[0].group[2]',
          message: "buildpack 'io.buildpack.engine' is already in this group at spec.order[0].group[1]; list each id at most once per group",
        },
        { path: 'spec.order[1].group[0]', message: "could not find buildpack with id 'io.buildpack.multi' and version '7'" },
      ],
    });
  });

  it('detects a cycle in meta-buildpack orders and names it', () => {
    const a = record('a', '1', { order: [{ group: [{ id: 'b', version: '1' }] }] });
    const b = record('b', '1', { order: [{ group: [{ id: 'c', version: '1' }] }] });
    const c = record('c', '1', { order: [{ group: [{ id: 'a', version: '1' }] }] });
    const catalog: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store: { kind: 'ClusterStore', name: 's', buildpacks: [a, b, c] } };
    expect(resolveOrder([{ group: [{ id: 'a' }] }], catalog)).toEqual({
      ok: false,
      issues: [{ path: 'spec.order[0].group[0]', message: 'meta-buildpack order contains a cycle: a@1 -> b@1 -> c@1 -> a@1' }],
    });
  });

  it('names the parent when a child of a meta-buildpack is missing', () => {
    const parent = record('parent', '2', { order: [{ group: [{ id: 'child', version: '3' }] }] });
    const catalog: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store: { kind: 'ClusterStore', name: 's', buildpacks: [parent] } };
    expect(resolveOrder([{ group: [{ id: 'parent' }] }], catalog)).toEqual({
      ok: false,
      issues: [{ path: 'spec.order[0].group[0]', message: "buildpack parent@2 lists child@3 in its order: could not find buildpack with id 'child'" }],
    });
  });

  it('resolves children globally, not only within the parent resource', () => {
    const catalog: BuildpackCatalog = {
      buildpacks: [],
      clusterBuildpacks: [source('ClusterBuildpack', 'just-meta', [meta])],
      store: { kind: 'ClusterStore', name: 'default', buildpacks: [engine, packageManager] },
    };
    const result = resolveOrder([{ group: [{ kind: 'ClusterBuildpack', name: 'just-meta' }] }], catalog);
    expect(result.ok && result.value.sources).toEqual([
      { kind: 'ClusterStore', name: 'default' },
      { kind: 'ClusterBuildpack', name: 'just-meta' },
    ]);
  });
});
