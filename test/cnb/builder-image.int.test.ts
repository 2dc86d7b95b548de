// A builder assembled by packsmith, checked with tools that are not ours: umoci unpacks it, GNU tar
// lists its generated layer, skopeo reads its labels and digest, and the REAL lifecycle (v0.21,
// copied into the builder's lifecycle layer) runs `detect` on the unpacked filesystem. Every input
// (build/run images, lifecycle image, buildpackages made by our writer) sits in a local OCI layout,
// read back the way the app reads stores: records from manifests, lazy layers from the blobs.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assembleBuilderImage,
  checkCompatibility,
  createBuildpackage,
  labelKeys,
  planBuilder,
  readBuildpackRecords,
  readLifecycleRecord,
  readStackRecord,
  renderOrderToml,
  resolveOrder,
  type BuildpackCatalog,
  type BuildpackRecord,
  type BuildpackTree,
  type BuilderPlan,
  type ResolvedOrder,
} from '../../src/cnb/index.ts';
import {
  appendLayers,
  createTarLayer,
  digestHex,
  emptyImage,
  layerFromDescriptor,
  mediaTypes,
  parseDigest,
  readLayout,
  withEnv,
  withLabels,
  writeLayout,
  type Image,
} from '../../src/oci/index.ts';
import { lifecycleBin, runLifecycleDetect, type DetectResult } from '../harness/cnb-tools.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';
import { skopeoInspect, skopeoInspectRaw } from '../harness/skopeo.ts';
import { umociUnpack, type UnpackedBundle } from '../harness/umoci.ts';

const stackId = 'io.packsmith.test.stack';
const lifecycleVersion = '0.21.17';
const phases = ['detector', 'analyzer', 'restorer', 'builder', 'exporter', 'rebaser', 'creator', 'extender'];

let dir = '';
const inputs = (): string => join(dir, 'inputs');

/** A lifecycle image shaped like buildpacks/lifecycle's: the real binary and its phase symlinks in the last layer, plus its labels. */
async function lifecycleImage(): Promise<Image> {
  const binary = lifecycleBin();
  const { size } = await stat(binary);
  const layer = createTarLayer([
    { path: 'cnb/lifecycle/lifecycle', type: 'file', mode: 0o755, size, open: () => Promise.resolve(createReadStream(binary)) },
    ...phases.map((name) => ({ path: `cnb/lifecycle/${name}`, type: 'symlink' as const, mode: 0o777, linkTarget: 'lifecycle' })),
  ]);
  const versions = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_v, i) => `0.${from + i}`);
  const apis = { buildpack: { deprecated: [], supported: versions(7, 12) }, platform: { deprecated: [], supported: versions(7, 15) } };
  return withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]), {
    [labelKeys.lifecycleVersion]: lifecycleVersion,
    [labelKeys.lifecycleApis]: JSON.stringify(apis),
    [labelKeys.builderMetadata]: JSON.stringify({ lifecycle: { version: lifecycleVersion }, api: { buildpack: '0.7', platform: '0.7' } }),
  });
}

/** A small stack image: a few directories, the CNB user, and the stack id label. */
function stackImage(kind: 'build' | 'run'): Image {
  const layer = createTarLayer([
    { path: 'etc/packsmith-stack', type: 'file', mode: 0o644, content: `${kind} image of a packsmith test stack\n` },
    { path: 'home/cnb', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
  ]);
  const image = withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]), { [labelKeys.stackId]: stackId });
  return withEnv(image, { CNB_USER_ID: '1000', CNB_GROUP_ID: '1000', PATH: '/usr/local/bin:/usr/bin:/bin' });
}

/** A buildpack whose detect passes when the app has `marker`. */
function component(id: string, marker: string): BuildpackTree {
  const detect = `#!/bin/sh\n# sample: passes when the app has ${marker}\n[ -f ${marker} ] || exit 100\nexit 0\n`;
  return {
    descriptor: { api: '0.10', buildpack: { id, version: '1.0.0', homepage: `https://example.test/${id}` }, targets: [{ os: 'linux', arch: 'amd64' }] },
    files: {
      'bin/detect': { content: detect },
      'bin/build': { content: '#!/bin/sh\nexit 0\n' },
      'README.md': { content: `${id}: a packsmith test buildpack\n` },
    },
  };
}

const node = component('test/node', 'package.json');
const python = component('test/python', 'requirements.txt');
const web: BuildpackTree = {
  descriptor: {
    api: '0.10',
    buildpack: { id: 'test/web', version: '2.0.0' },
    order: [
      {
        group: [
          { id: 'test/node', version: '1.0.0' },
          { id: 'test/python', version: '1.0.0', optional: true },
        ],
      },
      { group: [{ id: 'test/python', version: '1.0.0' }] },
    ],
  },
};

/** The store: two buildpackages (node alone; web with node and python), read back from the layout. */
async function storeRecords(): Promise<BuildpackRecord[]> {
  const layout = await readLayout(inputs());
  const sources = ['pkg-node', 'pkg-web'];
  const lists = await Promise.all(sources.map(async (tag) => readBuildpackRecords(await layout.image(tag), `oci:${inputs()}:${tag}`)));
  return lists.flat();
}

interface Built {
  image: Image;
  plan: BuilderPlan;
  resolved: ResolvedOrder;
  digest: string;
}

/** The whole assembly, from the layouts, as the app layer will run it. */
async function buildBuilder(outDir: string): Promise<Built> {
  const layout = await readLayout(inputs());
  const [buildImage, runImage, lifecycle] = await Promise.all(['build', 'run', 'lifecycle'].map((tag) => layout.image(tag)));
  const stack = await readStackRecord({
    id: stackId,
    buildImage: buildImage!,
    runImage: runImage!,
    buildRef: `oci:${inputs()}:build`,
    runRef: `oci:${inputs()}:run`,
  });
  const lifecycleRecord = await readLifecycleRecord(lifecycle!, { image: `oci:${inputs()}:lifecycle`, latestImage: `oci:${inputs()}:lifecycle` });
  const catalog: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store: { kind: 'ClusterStore', name: 'test', buildpacks: await storeRecords() } };
  const result = resolveOrder([{ group: [{ id: 'test/web' }] }], catalog);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const supplied = result.value.buildpacks.map((c) => ({ ...c.record, suppliedBy: 'ClusterStore test' }));
  expect(checkCompatibility({ stack, lifecycle: lifecycleRecord, buildpacks: supplied })).toEqual([]);
  const runRef = `example.test/builders/test:latest-run-image@${await runImage!.digest()}`;
  const plan = planBuilder({
    stack,
    lifecycle: lifecycleRecord,
    resolved: result.value,
    runImage: runRef,
    additionalLabels: { 'io.packsmith.test': 'yes' },
    createdBy: { version: 'test' },
  });
  const image = await assembleBuilderImage({
    buildImage: buildImage!,
    lifecycleImage: lifecycle!,
    plan,
    // As the app does with store records: a lazy layer whose metadata comes from the record, bytes from the source's blob.
    buildpackLayer: (record) =>
      layerFromDescriptor({
        descriptor: { mediaType: mediaTypes.ociLayerGzip, digest: parseDigest(record.digest), size: record.size },
        diffId: parseDigest(record.diffId),
        open: () => Promise.resolve(createReadStream(join(inputs(), 'blobs', 'sha256', digestHex(parseDigest(record.digest))))),
      }),
  });
  await writeLayout(outDir, image, { tag: 'builder' });
  return { image, plan, resolved: result.value, digest: await image.digest() };
}

let built: Built;
let bundle: UnpackedBundle;
const out = (): string => join(dir, 'out');

beforeAll(async () => {
  dir = await scratchDir('builder-image');
  await writeLayout(inputs(), stackImage('build'), { tag: 'build' });
  await writeLayout(inputs(), stackImage('run'), { tag: 'run' });
  await writeLayout(inputs(), await lifecycleImage(), { tag: 'lifecycle' });
  await writeLayout(inputs(), await createBuildpackage([node]), { tag: 'pkg-node' });
  await writeLayout(inputs(), await createBuildpackage([web, node, python]), { tag: 'pkg-web' });
  built = await buildBuilder(out());
  bundle = await umociUnpack({ layout: out(), tag: 'builder' });
}, 300_000);

afterAll(async () => {
  if (bundle) await removeDir(bundle.dir);
  await removeDir(dir);
});

describe('the unpacked builder (umoci unpack --rootless)', () => {
  it('has order.toml, stack.toml and run.toml as planned', async () => {
    const cnb = join(bundle.rootfs, 'cnb');
    expect(await readFile(join(cnb, 'order.toml'), 'utf8')).toBe(renderOrderToml(built.resolved.order));
    expect(await readFile(join(cnb, 'order.toml'), 'utf8')).toBe('[[order]]\n\n  [[order.group]]\n    id = "test/web"\n    version = "2.0.0"\n');
    const runRef = `example.test/builders/test:latest-run-image@${await (await (await readLayout(inputs())).image('run')).digest()}`;
    expect(await readFile(join(cnb, 'stack.toml'), 'utf8')).toBe(`[run-image]\n  image = "${runRef}"\n`);
    expect(await readFile(join(cnb, 'run.toml'), 'utf8')).toBe(`[[images]]\n  image = "${runRef}"\n  mirrors = []\n`);
  });

  it('has each buildpack under its escaped id, with an executable bin/detect', async () => {
    for (const id of ['test_node', 'test_python']) {
      const detect = await stat(join(bundle.rootfs, 'cnb', 'buildpacks', id, '1.0.0', 'bin', 'detect'));
      expect(detect.isFile() && (detect.mode & 0o111) === 0o111).toBe(true);
    }
    const meta = await readFile(join(bundle.rootfs, 'cnb', 'buildpacks', 'test_web', '2.0.0', 'buildpack.toml'), 'utf8');
    expect(meta).toContain('[[order.group]]\n    id = "test/python"\n    version = "1.0.0"\n    optional = true\n');
  });

  it('carries the real lifecycle binary and working phase symlinks', async () => {
    const lifecycle = join(bundle.rootfs, 'cnb', 'lifecycle', 'lifecycle');
    const sha = async (path: string): Promise<string> =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    expect(await sha(lifecycle)).toBe(await sha(lifecycleBin()));
    expect(await readlink(join(bundle.rootfs, 'cnb', 'lifecycle', 'detector'))).toBe('lifecycle');
    expect((await lstat(join(bundle.rootfs, 'cnb', 'lifecycle', 'detector'))).isSymbolicLink()).toBe(true);
    // Called by its phase name, the multicall binary acts as the detector; it wants a Platform API even for -version.
    const version = await runCommand(join(bundle.rootfs, 'cnb', 'lifecycle', 'detector'), ['-version'], { env: { ...process.env, CNB_PLATFORM_API: '0.15' } });
    expect(version.stdout.trim()).toBe('0.21.17');
  });

  it('owns /workspace and /layers by the stack user in the directories layer, per GNU tar', async () => {
    const manifest = await built.image.manifest();
    const dirsLayer = manifest.layers[1]!;
    const listing = await runCommand('tar', ['-tzvf', join(out(), 'blobs', 'sha256', digestHex(dirsLayer.digest))]);
    expect(listing.code, listing.stderr).toBe(0);
    const lines = listing.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' '));
    expect(lines).toEqual([
      'drwxr-xr-x 0/0 0 1980-01-01 00:00 cnb',
      'drwxr-xr-x 0/0 0 1980-01-01 00:00 cnb/buildpacks',
      'drwxr-xr-x 1000/1000 0 1980-01-01 00:00 layers',
      'drwxr-xr-x 0/0 0 1980-01-01 00:00 platform',
      'drwxr-xr-x 0/0 0 1980-01-01 00:00 platform/env',
      'drwxr-xr-x 1000/1000 0 1980-01-01 00:00 workspace',
    ]);
  });
});

describe('the real lifecycle detect on the unpacked builder', () => {
  async function detect(files: string[]): Promise<DetectResult> {
    const app = join(dir, 'apps', files.join('+') || 'empty');
    await mkdir(app, { recursive: true });
    for (const file of files.length > 0 ? files : ['README.md']) await writeFile(join(app, file), 'sample\n');
    return runLifecycleDetect({ buildpacksDir: join(bundle.rootfs, 'cnb', 'buildpacks'), orderPath: join(bundle.rootfs, 'cnb', 'order.toml'), appDir: app });
  }

  it('selects node alone for a package.json app (optional python drops out)', async () => {
    const result = await detect(['package.json']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.group).toEqual([{ id: 'test/node', version: '1.0.0', api: '0.10', homepage: 'https://example.test/test/node' }]);
  });

  it('selects node and python when both markers exist', async () => {
    const result = await detect(['package.json', 'requirements.txt']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => g.id)).toEqual(['test/node', 'test/python']);
  });

  it("falls through to the meta-buildpack's second group for a python app", async () => {
    const result = await detect(['requirements.txt']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => `${g.id}@${g.version}`)).toEqual(['test/python@1.0.0']);
  });

  it('exits 20 when no group passes', async () => {
    const result = await detect([]);
    expect(result.code, result.stdout).toBe(20);
    expect(result.stdout).toContain('No buildpack groups passed detection.');
  });
});

describe('the builder image seen by skopeo', () => {
  it('shows the planned labels on top of the build image labels, and our digest', async () => {
    const inspected = await skopeoInspect(`oci:${out()}:builder`);
    expect(inspected.Labels).toEqual({ [labelKeys.stackId]: stackId, ...built.plan.labels });
    expect(inspected.Digest).toBe(built.digest);
    const metadata = JSON.parse(built.plan.labels[labelKeys.builderMetadata] ?? '{}') as { buildpacks: Array<{ id: string }>; lifecycle: { version: string } };
    expect(metadata.lifecycle.version).toBe('0.21.17');
    expect(metadata.buildpacks.map((b) => b.id).sort()).toEqual(['test/node', 'test/python', 'test/web']);
    // 1 build layer + directories + lifecycle + 3 buildpacks + stack.toml + run.toml + order.toml
    expect(inspected.Layers).toHaveLength(9);
  });

  it('reuses the buildpackage blobs as they are', async () => {
    const builderLayers = new Set<string>((await built.image.manifest()).layers.map((l) => l.digest));
    const webPackage = await skopeoInspectRaw(`oci:${inputs()}:pkg-web`);
    for (const layer of webPackage.json.layers as Array<{ digest: string }>) expect(builderLayers.has(layer.digest)).toBe(true);
  });

  it('gets the same manifest digest when built again from the same inputs', async () => {
    const again = await buildBuilder(join(dir, 'out-again'));
    expect(again.digest).toBe(built.digest);
    expect((await skopeoInspectRaw(`oci:${join(dir, 'out-again')}:builder`)).digest).toBe(built.digest);
    const rewritten = await createBuildpackage([web, node, python]);
    expect(await rewritten.digest()).toBe(await (await (await readLayout(inputs())).image('pkg-web')).digest());
  });
});
