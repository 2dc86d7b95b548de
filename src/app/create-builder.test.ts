import { beforeEach, describe, expect, it } from 'vitest';
import type { BuildpackCatalog, LifecycleRecord, SourceRef, StackRecord } from '../cnb/index.ts';
import { labelKeys, readBuildpackRecords } from '../cnb/index.ts';
import { ValidationError } from '../shared/index.ts';
import { createBuilder, type BuilderKeychains, type CreateBuilderInput } from './create-builder.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { resolveStack } from './resolve-stack.ts';
import { FakeImageAccess, buildpackTree, buildpackage, fixedClock, lifecycleImage, namedKeychain, stackImage } from './testdata/fakes.ts';

const clock = fixedClock(new Date(2024, 0, 2, 3, 4, 5));
const stackKeychain = namedKeychain('stack');
const keychains: BuilderKeychains = {
  builder: namedKeychain('builder'),
  stack: stackKeychain,
  lifecycle: namedKeychain('lifecycle'),
  source: (ref: SourceRef) => namedKeychain(`${ref.kind}/${ref.name}`),
};

interface World {
  images: FakeImageAccess;
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  catalog: BuildpackCatalog;
}

async function world(): Promise<World> {
  const images = new FakeImageAccess()
    .add('r.test/stack/build:1', stackImage('io.test.stack'))
    .add('r.test/stack/run:1', stackImage('io.test.stack'))
    .add('r.test/lifecycle:0.20', lifecycleImage())
    .add(
      'r.test/store/main:1',
      await buildpackage([
        buildpackTree('io.test.meta', '1.0.0', {
          order: [
            {
              group: [
                { id: 'io.test.a', version: '1.0.0' },
                { id: 'io.test.b', version: '2.0.0', optional: true },
              ],
            },
          ],
          stacks: undefined,
        }),
        buildpackTree('io.test.a', '1.0.0'),
        buildpackTree('io.test.b', '2.0.0'),
      ]),
    )
    .add('r.test/cbp/c:1', await buildpackage([buildpackTree('io.test.c', '3.0.0', { stacks: [{ id: 'other.stack' }] })]));
  const stack = await resolveStack(
    { id: 'io.test.stack', buildImage: 'r.test/stack/build:1', runImage: 'r.test/stack/run:1', keychain: stackKeychain },
    { images },
  );
  const lifecycle = await readLifecycle({ image: 'r.test/lifecycle:0.20', keychain: keychains.lifecycle }, { images });
  // Records come from the same images, as a store reconcile would have produced them.
  const storeRecords = await readBuildpackRecords((await images.readImage('r.test/store/main:1', { keychain: stackKeychain })).image, 'r.test/store/main:1');
  const cbpRecords = await readBuildpackRecords((await images.readImage('r.test/cbp/c:1', { keychain: stackKeychain })).image, 'r.test/cbp/c:1');
  images.calls.length = 0;
  return {
    images,
    stack,
    lifecycle,
    catalog: {
      buildpacks: [],
      clusterBuildpacks: [{ kind: 'ClusterBuildpack', name: 'c', buildpacks: cbpRecords }],
      store: { kind: 'ClusterStore', name: 'default', buildpacks: storeRecords },
    },
  };
}

function input(w: World, order: CreateBuilderInput['spec']['order'], tag = 'r.test/team/builder'): CreateBuilderInput {
  return {
    builder: { kind: 'Builder', name: 'my-builder', namespace: 'team' },
    spec: { tag, order, additionalLabels: { importance: 'high' } },
    stack: w.stack,
    lifecycle: w.lifecycle,
    catalog: w.catalog,
    keychains,
    observed: { stackGeneration: 11, storeGeneration: 10 },
  };
}

describe('createBuilder', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('reads and writes every image with the keychain kpack routes to it', async () => {
    const outcome = await createBuilder(input(w, [{ group: [{ id: 'io.test.meta' }] }]), { images: w.images, clock });
    expect(w.images.summary('read').sort()).toEqual(
      [`${w.lifecycle.image.latestImage} lifecycle`, `${w.stack.buildImage.latestImage} stack`, `${w.stack.runImage.latestImage} stack`].sort(),
    );
    expect(w.images.summary('layer').map((s) => s.replace(/@sha256:\w+/, ''))).toEqual([
      'r.test/store/main:1 ClusterStore/default',
      'r.test/store/main:1 ClusterStore/default',
      'r.test/store/main:1 ClusterStore/default',
    ]);
    const writes = w.images.calls.filter((c) => c.op === 'write');
    expect(writes.map((c) => `${c.reference} ${c.keychain} ${(c.tags ?? []).join(',')}`)).toEqual([
      'r.test/team/builder:builder-team-my-builder-run-image builder ',
      'r.test/team/builder:builder-team-my-builder builder 20240102030405',
    ]);
    expect(outcome.pushed).toBe(true);
    expect(outcome.sources).toEqual([{ kind: 'ClusterStore', name: 'default' }]);
  });

  it('records kpack builder status fields', async () => {
    const { record } = await createBuilder(input(w, [{ group: [{ id: 'io.test.meta' }] }]), { images: w.images, clock });
    const pushed = w.images.written('r.test/team/builder:builder-team-my-builder')!;
    expect(record.latestImage).toBe(`r.test/team/builder:builder-team-my-builder@${await pushed.digest()}`);
    const run = w.images.written('r.test/team/builder:builder-team-my-builder-run-image')!;
    expect(record.stack).toEqual({ runImage: `r.test/team/builder:builder-team-my-builder-run-image@${await run.digest()}`, id: 'io.test.stack' });
    expect(record.order).toEqual([{ group: [{ id: 'io.test.meta', version: '1.0.0' }] }]);
    expect(record.builderMetadata.map((b) => b.id).sort()).toEqual(['io.test.a', 'io.test.b', 'io.test.meta']);
    expect(record.lifecycle).toEqual({ version: '0.20.0', api: w.lifecycle.api, apis: w.lifecycle.apis });
    expect(record).toMatchObject({ observedStackGeneration: 11, observedStoreGeneration: 10, os: 'linux', signaturePaths: [] });
    const config = await pushed.configFile();
    expect(config.config?.WorkingDir).toBe('/layers');
    expect(config.config?.Labels?.importance).toBe('high');
    expect(config.config?.Labels?.[labelKeys.stackId]).toBe('io.test.stack');
    // build layer + dirs + lifecycle + 3 buildpacks + stack.toml + run.toml + order.toml
    expect((await pushed.manifest()).layers).toHaveLength(9);
  });

  it("names the stack's registry run image, not the layout copy, for a builder written to a layout", async () => {
    const outcome = await createBuilder(input(w, [{ group: [{ id: 'io.test.a' }] }], 'oci:/out/builder'), { images: w.images, clock });
    expect(w.images.written('oci:/out/builder:builder-team-my-builder-run-image')).toBeDefined();
    expect(outcome.record.stack.runImage).toBe(w.stack.runImage.latestImage);
    expect(outcome.warnings).toEqual([]);
    const pushed = w.images.written('oci:/out/builder:builder-team-my-builder')!;
    const metadata = JSON.parse((await pushed.configFile()).config?.Labels?.[labelKeys.builderMetadata] ?? '{}') as {
      stack?: { runImage?: { image?: string } };
    };
    expect(metadata.stack?.runImage?.image).toBe(w.stack.runImage.latestImage);
  });

  it('has no warnings for a registry builder', async () => {
    const outcome = await createBuilder(input(w, [{ group: [{ id: 'io.test.a' }] }]), { images: w.images, clock });
    expect(outcome.warnings).toEqual([]);
  });

  it('gives the same digest for the same inputs and then pushes nothing', async () => {
    const first = await createBuilder(input(w, [{ group: [{ id: 'io.test.a' }] }]), { images: w.images, clock });
    const second = await createBuilder(input(w, [{ group: [{ id: 'io.test.a' }] }]), { images: w.images, clock: fixedClock(new Date(2025, 0, 1)) });
    expect(second.record.latestImage).toBe(first.record.latestImage);
    expect(second.pushed).toBe(false);
  });

  it('uses the supplying resource keychain for a ClusterBuildpack layer', async () => {
    const stackless = {
      ...w,
      catalog: {
        ...w.catalog,
        clusterBuildpacks: w.catalog.clusterBuildpacks.map((s) => ({ ...s, buildpacks: s.buildpacks.map((r) => ({ ...r, stacks: undefined })) })),
      },
    };
    await createBuilder(input(stackless, [{ group: [{ kind: 'ClusterBuildpack', name: 'c' }] }]), { images: w.images, clock });
    expect(w.images.summary('layer').map((s) => s.replace(/@sha256:\w+/, ''))).toEqual(['r.test/cbp/c:1 ClusterBuildpack/c']);
  });

  it('reports every resolution problem and writes nothing (not even the run image)', async () => {
    const error = await createBuilder(
      input(w, [{ group: [{ id: 'io.test.a' }, { id: 'io.test.missing' }] }, { group: [{ kind: 'Buildpack', name: 'nope' }] }]),
      {
        images: w.images,
        clock,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'spec.order[0].group[1]', message: "could not find buildpack with id 'io.test.missing'" },
      { path: 'spec.order[1].group[0]', message: "no buildpack with name 'nope'" },
    ]);
    expect(w.images.summary('write')).toEqual([]);
  });

  it('reports every incompatible buildpack with its supplier, and writes nothing', async () => {
    const error = await createBuilder(input(w, [{ group: [{ id: 'io.test.c' }] }, { group: [{ id: 'io.test.a' }] }]), { images: w.images, clock }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const messages = (error as ValidationError).issues.map((i) => i.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/validating buildpack io\.test\.c@3\.0\.0: stack io\.test\.stack is not supported \(supplied by ClusterBuildpack c/);
    expect(w.images.summary('write')).toEqual([]);
  });

  it('refuses a tag that is a digest before reading anything', async () => {
    const error = await createBuilder(input(w, [], `r.test/a@sha256:${'a'.repeat(64)}`), { images: w.images, clock }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/could not parse reference/);
    expect(w.images.calls).toEqual([]);
  });
});
