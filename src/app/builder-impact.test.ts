import { describe, expect, it } from 'vitest';
import type { BuilderStatus } from '../api/index.ts';
import type { BuildpackRecord, LifecycleRecord, StackRecord } from '../cnb/index.ts';
import { builderImpact } from './builder-impact.ts';
import type { BuilderLookup, BuilderResource, Supplier, SupplierKind } from './builder-inputs.ts';
import { namedKeychain } from './testdata/fakes.ts';

const record = (id: string, version: string): BuildpackRecord => ({
  id,
  version,
  api: '0.10',
  storeImage: { image: `r.test/store/${id}:${version}` },
  diffId: `sha256:${'1'.repeat(64)}`,
  digest: `sha256:${'2'.repeat(64)}`,
  size: 10,
  stacks: [{ id: 'io.test.stack' }],
});

const stack: StackRecord = {
  id: 'io.test.stack',
  buildImage: { image: 'r.test/build:1', latestImage: `r.test/build@sha256:${'b'.repeat(64)}` },
  runImage: { image: 'r.test/run:1', latestImage: `r.test/run@sha256:${'a'.repeat(64)}` },
  userId: 1000,
  groupId: 1000,
};

const lifecycle: LifecycleRecord = {
  image: { image: 'r.test/lifecycle:1', latestImage: `r.test/lifecycle@sha256:${'c'.repeat(64)}` },
  version: '0.21.17',
  api: {},
  apis: { buildpack: { supported: ['0.10'] }, platform: { supported: ['0.13'] } },
};

function supplier<K extends SupplierKind>(kind: K, name: string, value: Supplier<K>['resolved']): Supplier<K> {
  return { kind, metadata: { name }, observedGeneration: 1, resolved: value };
}

/** A cluster of one store (holding `buildpacks`), one stack and the default lifecycle. */
function lookupWith(buildpacks: BuildpackRecord[]): BuilderLookup {
  const stores = [supplier('ClusterStore', 'default', { ok: true, value: buildpacks })];
  const stacks = [supplier('ClusterStack', 'base', { ok: true, value: stack })];
  const lifecycles = [supplier('ClusterLifecycle', 'default-lifecycle', { ok: true, value: lifecycle })];
  const all: { [K in SupplierKind]: Supplier<K>[] } = {
    ClusterStore: stores,
    ClusterStack: stacks,
    ClusterLifecycle: lifecycles,
    Buildpack: [],
    ClusterBuildpack: [],
  };
  return {
    get: (kind, name) => all[kind].find((s) => s.metadata.name === name),
    list: (kind) => all[kind],
    keychainFor: () => Promise.resolve(namedKeychain('unused')),
  };
}

const builder: BuilderResource = {
  kind: 'Builder',
  metadata: { name: 'web', namespace: 'team' },
  spec: {
    tag: 'r.test/builders/web',
    stack: { kind: 'ClusterStack', name: 'base' },
    store: { kind: 'ClusterStore', name: 'default' },
    order: [{ group: [{ id: 'test/node' }, { id: 'test/ruby' }] }],
  },
};

const built: BuilderStatus = {
  latestImage: `r.test/builders/web@sha256:${'d'.repeat(64)}`,
  builderMetadata: [
    { id: 'test/node', version: '1.0.0' },
    { id: 'test/ruby', version: '1.0.0' },
  ],
  order: [
    {
      group: [
        { id: 'test/node', version: '1.0.0' },
        { id: 'test/ruby', version: '1.0.0' },
      ],
    },
  ],
  stack: { id: 'io.test.stack', runImage: `r.test/builders/web-run-image@sha256:${'a'.repeat(64)}` },
  lifecycle: { version: '0.21.17' },
};

describe('builderImpact', () => {
  it('is unchanged when the store still resolves to what the builder was built with', async () => {
    const impact = await builderImpact(builder, lookupWith([record('test/node', '1.0.0'), record('test/ruby', '1.0.0')]), built);
    expect(impact).toMatchObject({ action: 'unchanged', changes: [] });
  });

  it('is a rebuild naming the version that a newer buildpack in the store moves', async () => {
    const lookup = lookupWith([record('test/node', '1.0.0'), record('test/ruby', '1.0.0'), record('test/ruby', '1.1.0')]);
    const impact = await builderImpact(builder, lookup, built);
    expect(impact.action).toBe('rebuild');
    expect(impact.changes).toEqual(['test/ruby 1.0.0 → 1.1.0']);
  });

  it('fails, with the field and the reason, when the store loses a buildpack the order needs', async () => {
    const impact = await builderImpact(builder, lookupWith([record('test/node', '1.0.0')]), built);
    expect(impact.action).toBe('fail');
    expect(impact.reason).toMatch(/^spec\.order\[0\]\.group\[1\]: could not find buildpack with id 'test\/ruby'/);
  });

  it('is a first build for a builder that has no image yet', async () => {
    const impact = await builderImpact(builder, lookupWith([record('test/node', '1.0.0'), record('test/ruby', '1.0.0')]), undefined);
    expect(impact.action).toBe('create');
  });
});
