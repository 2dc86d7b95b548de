import { beforeEach, describe, expect, it } from 'vitest';
import type { BuildpackCatalog, LifecycleRecord, SourceRef, StackRecord } from '../cnb/index.ts';
import { labelKeys } from '../cnb/index.ts';
import { parsePlatform, type Image } from '../oci/index.ts';
import { ValidationError } from '../shared/index.ts';
import { createBuilder, type BuilderKeychains, type CreateBuilderInput } from './create-builder.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { readStore } from './read-store.ts';
import { resolveStack } from './resolve-stack.ts';
import { FakeImageAccess, buildpackTree, buildpackage, fixedClock, lifecycleImage, namedKeychain, stackImage } from './testdata/fakes.ts';

const clock = fixedClock(new Date(2024, 0, 2, 3, 4, 5));
const keychain = namedKeychain('any');
const keychains: BuilderKeychains = { builder: keychain, stack: keychain, lifecycle: keychain, source: (_ref: SourceRef) => keychain };
const amd64 = parsePlatform('linux/amd64');
const arm64 = parsePlatform('linux/arm64');
const s390x = parsePlatform('linux/s390x');

interface World {
  images: FakeImageAccess;
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  catalog: BuildpackCatalog;
  armLayer: string;
}

const pair = (image: (arch: string) => Image) => [
  { platform: arm64, image: image('arm64') },
  { platform: amd64, image: image('amd64') },
];

async function world(): Promise<World> {
  const tree = buildpackTree('io.test.a', '1.0.0');
  const armTree = { ...tree, files: { ...tree.files, 'bin/build': { content: '#!/bin/sh\necho arm64\n' } } };
  const armPackage = await buildpackage([armTree]);
  const images = new FakeImageAccess()
    .addIndex(
      'r.test/stack/build:1',
      pair((arch) => stackImage('io.test.stack', { arch })),
    )
    .addIndex(
      'r.test/stack/run:1',
      pair((arch) => stackImage('io.test.stack', { arch, mixins: [] })),
    )
    .addIndex(
      'r.test/lifecycle:1',
      pair((arch) => lifecycleImage(undefined, undefined, arch)),
    )
    .addIndex('r.test/bp/a:1', [
      { platform: amd64, image: await buildpackage([tree]) },
      { platform: arm64, image: armPackage },
    ])
    .addIndex('r.test/bp/x:1', [
      { platform: amd64, image: await buildpackage([buildpackTree('io.test.x', '1.0.0')]) },
      { platform: s390x, image: await buildpackage([buildpackTree('io.test.x', '1.0.0')]) },
    ])
    .add('r.test/bp/any:1', await buildpackage([buildpackTree('io.test.any', '1.0.0')]));
  const stack = await resolveStack({ id: 'io.test.stack', buildImage: 'r.test/stack/build:1', runImage: 'r.test/stack/run:1', keychain }, { images });
  const lifecycle = await readLifecycle({ image: 'r.test/lifecycle:1', keychain }, { images });
  const sources = ['r.test/bp/a:1', 'r.test/bp/x:1', 'r.test/bp/any:1'].map((image) => ({ image }));
  const buildpacks = await readStore({ sources, keychain }, { images });
  images.calls.length = 0;
  const armLayer = (await (await armPackage.layers())[0]?.digest()) ?? '';
  return {
    images,
    stack,
    lifecycle,
    catalog: { buildpacks: [], clusterBuildpacks: [], store: { kind: 'ClusterStore', name: 'default', buildpacks } },
    armLayer,
  };
}

function input(w: World, ids: string[], targets?: CreateBuilderInput['spec']['targets']): CreateBuilderInput {
  return {
    builder: { kind: 'ClusterBuilder', name: 'multi' },
    spec: { tag: 'r.test/team/builder:v1', order: [{ group: ids.map((id) => ({ id })) }], ...(targets ? { targets } : {}) },
    stack: w.stack,
    lifecycle: w.lifecycle,
    catalog: w.catalog,
    keychains,
  };
}

const layerDigests = async (image: Image | undefined): Promise<string[]> => Promise.all(((await image?.layers()) ?? []).map((l) => l.digest()));

describe('createBuilder for several targets', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('pushes an index over one builder per platform the stack provides, and the run image as an index', async () => {
    const outcome = await createBuilder(input(w, ['io.test.a', 'io.test.any']), { images: w.images, clock });
    const index = w.images.writtenIndex('r.test/team/builder:v1');
    const manifest = await index?.indexManifest();
    expect(manifest?.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
    expect(outcome.record.latestImage).toBe(`r.test/team/builder:v1@${await index?.digest()}`);
    expect(outcome.record.targets).toEqual([
      { os: 'linux', arch: 'amd64', latestImage: `r.test/team/builder:v1@${manifest?.manifests[0]?.digest}` },
      { os: 'linux', arch: 'arm64', latestImage: `r.test/team/builder:v1@${manifest?.manifests[1]?.digest}` },
    ]);
    const runIndex = w.images.writtenIndex('r.test/team/builder:v1-run-image');
    expect((await runIndex?.indexManifest())?.manifests).toHaveLength(2);
    expect(outcome.record.stack.runImage).toBe(`r.test/team/builder:v1-run-image@${await runIndex?.digest()}`);
    // The arm64 builder carries the arm64 layer of io.test.a; the amd64 one does not.
    const children = (manifest?.manifests ?? []).map((m) => index?.image(m.digest) ?? Promise.reject(new Error('no index')));
    const [amdBuilder, armBuilder] = await Promise.all(children);
    expect(await layerDigests(armBuilder)).toContain(w.armLayer);
    expect(await layerDigests(amdBuilder)).not.toContain(w.armLayer);
    const armRun = JSON.parse((await armBuilder?.configFile())?.config?.Labels?.[labelKeys.builderMetadata] ?? '{}') as {
      stack: { runImage: { image: string } };
    };
    const armRunDigest = (await runIndex?.indexManifest())?.manifests[1]?.digest;
    expect(armRun.stack.runImage.image).toBe(`r.test/team/builder:v1-run-image@${armRunDigest}`);
    expect(w.images.calls.filter((c) => c.op === 'write').map((c) => [c.reference, c.tags?.length])).toEqual([
      ['r.test/team/builder:v1-run-image', 0],
      ['r.test/team/builder:v1', 1],
    ]);
  });

  it('gives the same index for the same inputs, and each member is what a one-target build gives', async () => {
    const first = await createBuilder(input(w, ['io.test.a']), { images: w.images, clock });
    const again = await createBuilder(input(w, ['io.test.a']), { images: w.images, clock });
    expect(again.record.latestImage).toBe(first.record.latestImage);
    expect(again.pushed).toBe(false);
    const single = await createBuilder(input(w, ['io.test.a'], [{ os: 'linux', arch: 'amd64' }]), { images: w.images, clock });
    expect(single.record.targets).toBeUndefined();
    expect(single.record.latestImage).toBe(first.record.targets?.[0]?.latestImage);
    const narrowedToArm = await createBuilder(input(w, ['io.test.a'], [{ os: 'linux', arch: 'arm64', variant: 'v8' }]), { images: w.images, clock });
    expect(narrowedToArm.record.latestImage).toBe(first.record.targets?.[1]?.latestImage);
  });

  it('names the buildpack, its supplier and its platforms when it lacks a target, writing nothing', async () => {
    const error = await createBuilder(input(w, ['io.test.x']), { images: w.images, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.message)).toEqual([
      'linux/arm64: validating buildpack io.test.x@1.0.0: no image for linux/arm64 (supplied by ClusterStore default, image r.test/bp/x:1; it has linux/amd64, linux/s390x)',
    ]);
    expect(w.images.calls.filter((c) => c.op === 'write')).toEqual([]);
  });

  it('refuses targets the stack does not provide, naming what it does', async () => {
    const error = await createBuilder(
      input(
        w,
        ['io.test.a'],
        [
          { os: 'linux', arch: 's390x' },
          { os: 'linux', arch: 'amd64' },
        ],
      ),
      {
        images: w.images,
        clock,
      },
    ).catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([
      { path: 'spec.targets[0]', message: 'the stack io.test.stack has no images for linux/s390x; it provides linux/arm64, linux/amd64' },
    ]);
  });
});
