// kpack's create_builder layout cases (reference §7.1) on a realised builder: the layer sequence,
// stored layers reused byte for byte, generated tar contents, config, and the same digest over 50 runs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Image, Layer } from '../oci/index.ts';
import { appendLayers, createTarLayer, emptyImage, mediaTypes, withEnv, withLabels, withMediaTypes } from '../oci/index.ts';
import type { BuildpackCatalog } from './buildpack-lookup.ts';
import { assembleBuilderImage } from './builder-image.ts';
import { planBuilder, type BuilderPlan } from './builder-plan.ts';
import { CnbFormatError, labelKeys, parseBuildpackLayers } from './labels.ts';
import type { BuildpackRecord, LifecycleRecord, StackRecord } from './records.ts';
import { resolveOrder } from './resolve.ts';
import { readTarEntries, type TarTestEntry } from '../oci/testing/index.ts';

/** Incompressible bytes from a seed, so compressed sizes follow content sizes. */
function noise(seed: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) blocks.push(createHash('sha256').update(`${seed}/${i}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

const dataLayer = (seed: string, bytes: number): Layer => createTarLayer([{ path: `data/${seed}`, type: 'file', mode: 0o644, content: noise(seed, bytes) }]);

function buildImage(): Image {
  const layers = Array.from({ length: 10 }, (_v, i) => dataLayer(`build-${i}`, 64));
  const image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), layers);
  return withEnv(withLabels(image, { [labelKeys.stackId]: 'io.buildpacks.stacks.some-stack' }), {
    CNB_USER_ID: '4000',
    CNB_GROUP_ID: '3000',
    PATH: '/usr/bin',
  });
}

const lifecycleImage = (): Image => appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [dataLayer('lifecycle', 300)]);

const stack: StackRecord = {
  id: 'io.buildpacks.stacks.some-stack',
  buildImage: { latestImage: 'b@sha256:1', image: 'b' },
  runImage: { latestImage: 'r@sha256:2', image: 'r' },
  userId: 4000,
  groupId: 3000,
};
const lifecycle: LifecycleRecord = {
  image: { latestImage: 'l@sha256:3', image: 'l' },
  version: '0.5.0',
  api: { buildpack: '0.2', platform: '0.1' },
  apis: { buildpack: { deprecated: ['0.2'], supported: ['0.3'] }, platform: { deprecated: ['0.3'], supported: ['0.4'] } },
};

interface Fixture {
  layers: Map<string, Layer>;
  records: BuildpackRecord[];
}

/** bp1 small, bp2 (meta) medium, bp3 large, bp4 sharing bp3's layer: records made from the real layers. */
async function fixture(): Promise<Fixture> {
  const specs = [
    { n: 1, layer: dataLayer('bp1', 10), extra: { api: '0.2' } },
    { n: 2, layer: dataLayer('bp2', 2000), extra: { api: '0.3', order: [{ group: [{ id: 'io.buildpack.3', version: 'v3' }] }] } },
    { n: 3, layer: dataLayer('bp3', 5000), extra: { api: '0.3' } },
  ];
  const layers = new Map<string, Layer>();
  const records: BuildpackRecord[] = [];
  for (const { n, layer, extra } of [...specs, { n: 4, layer: specs[2]!.layer, extra: { api: '0.3' } }]) {
    const [digest, diffId, size] = await Promise.all([layer.digest(), layer.diffId(), layer.size()]);
    layers.set(digest, layer);
    records.push({ id: `io.buildpack.${n}`, version: `v${n}`, homepage: `buildpack.${n}.com`, storeImage: { image: 'store' }, diffId, digest, size, ...extra });
  }
  return { layers, records };
}

function plan(records: BuildpackRecord[]): BuilderPlan {
  const catalog: BuildpackCatalog = { buildpacks: [], clusterBuildpacks: [], store: { kind: 'ClusterStore', name: 'default', buildpacks: records } };
  const order = [
    {
      group: [
        { id: 'io.buildpack.1', version: 'v1' },
        { id: 'io.buildpack.2', version: 'v2', optional: true },
        { id: 'io.buildpack.4', version: 'v4' },
      ],
    },
  ];
  const resolved = resolveOrder(order, catalog);
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  return planBuilder({
    stack,
    lifecycle,
    resolved: resolved.value,
    runImage: 'custom/example:test-builder-run-image@sha256:01',
    additionalLabels: { os: 'special', importance: 'high' },
  });
}

async function builder(base: Image = buildImage()): Promise<{ image: Image; fx: Fixture; plan: BuilderPlan }> {
  const fx = await fixture();
  const builderPlan = plan(fx.records);
  const image = await assembleBuilderImage({
    buildImage: base,
    lifecycleImage: lifecycleImage(),
    plan: builderPlan,
    buildpackLayer: (r) => fx.layers.get(r.digest)!,
  });
  return { image, fx, plan: builderPlan };
}

const summary = (entries: TarTestEntry[]): string[] =>
  entries.map(({ header: h }) => `${h.type} ${h.name} ${h.mode?.toString(8)} ${h.uid}:${h.gid} ${h.mtime?.toISOString()}`);

describe('assembleBuilderImage', () => {
  it('appends default dirs, lifecycle, bp3 (shared with bp4), bp2, bp1, stack.toml, run.toml and order.toml to the build layers', async () => {
    const { image, fx } = await builder();
    const base = await buildImage().layers();
    const layers = await image.layers();
    expect(layers).toHaveLength(10 + 1 + 1 + 3 + 3);
    const digests = await Promise.all(layers.map((l) => l.digest()));
    expect(digests.slice(0, 10)).toEqual(await Promise.all(base.map((l) => l.digest())));
    expect(digests[11]).toBe(await (await lifecycleImage().layers())[0]!.digest());
    const byId = (n: number): string => fx.records.find((r) => r.id === `io.buildpack.${n}`)!.digest;
    expect(digests.slice(12, 15)).toEqual([byId(3), byId(2), byId(1)]);
    expect(byId(4)).toBe(byId(3));
    const manifest = await image.manifest();
    expect(manifest.layers.slice(12, 15).map((d) => d.size)).toEqual([3, 2, 1].map((n) => fx.records[n - 1]!.size));
  });

  it('writes the generated layers with exact entries, owners, modes and mtime', async () => {
    const { image } = await builder();
    const layers = await image.layers();
    const mtime = '1980-01-01T00:00:01.000Z';
    expect(summary(await readTarEntries(await layers[10]!.uncompressed()))).toEqual([
      `directory cnb 755 0:0 ${mtime}`,
      `directory cnb/buildpacks 755 0:0 ${mtime}`,
      `directory layers 755 4000:3000 ${mtime}`,
      `directory platform 755 0:0 ${mtime}`,
      `directory platform/env 755 0:0 ${mtime}`,
      `directory workspace 755 4000:3000 ${mtime}`,
    ]);
    const files = await Promise.all(layers.slice(15).map(async (l) => (await readTarEntries(await l.uncompressed())).filter((e) => e.header.type === 'file')));
    expect(files.map((f) => summary(f))).toEqual([
      [`file cnb/stack.toml 644 0:0 ${mtime}`],
      [`file cnb/run.toml 644 0:0 ${mtime}`],
      [`file cnb/order.toml 644 0:0 ${mtime}`],
    ]);
    expect(files[0]![0]!.content).toBe('[run-image]\n  image = "custom/example:test-builder-run-image@sha256:01"\n');
    expect(files[2]![0]!.content).toContain('id = "io.buildpack.2"\n    version = "v2"\n    optional = true\n');
  });

  it('keeps the build config, sets WorkingDir /layers and the planned labels, and every layers-label diffID is in the image', async () => {
    const { image, plan: builderPlan } = await builder();
    const config = await image.configFile();
    expect(config.config?.WorkingDir).toBe('/layers');
    expect(config.config?.Env).toEqual(['CNB_USER_ID=4000', 'CNB_GROUP_ID=3000', 'PATH=/usr/bin']);
    expect(config.config?.Labels).toEqual({ [labelKeys.stackId]: 'io.buildpacks.stacks.some-stack', ...builderPlan.labels });
    expect(config.config?.Labels?.os).toBe('special');
    const entries = parseBuildpackLayers(config.config?.Labels?.[labelKeys.buildpackLayers] ?? '');
    expect(entries.map((e) => e.id)).toEqual(['io.buildpack.1', 'io.buildpack.2', 'io.buildpack.3', 'io.buildpack.4']);
    for (const entry of entries) expect(config.rootfs.diff_ids).toContain(entry.layerDiffID);
  });

  it('gives the same digest over 50 runs from freshly made inputs', async () => {
    const first = await (await builder()).image.digest();
    for (let i = 0; i < 50; i++) expect(await (await builder()).image.digest()).toBe(first);
  });

  it('follows a Docker build image with Docker layer media types, reusing the same blobs', async () => {
    const { image, fx } = await builder(withMediaTypes(buildImage(), 'docker'));
    const manifest = await image.manifest();
    expect(manifest.mediaType).toBe(mediaTypes.dockerManifest);
    expect(new Set(manifest.layers.map((l) => l.mediaType))).toEqual(new Set([mediaTypes.dockerLayerGzip]));
    expect(manifest.layers[12]?.digest).toBe(fx.records[2]!.digest);
  });

  it('fails reads when the given buildpack layer does not have the diffID its record promises', async () => {
    const fx = await fixture();
    const image = await assembleBuilderImage({
      buildImage: buildImage(),
      lifecycleImage: lifecycleImage(),
      plan: plan(fx.records),
      buildpackLayer: () => dataLayer('other', 5),
    });
    await expect(image.digest()).rejects.toThrow(CnbFormatError);
    await expect(image.digest()).rejects.toThrow(/has diffID sha256:[0-9a-f]{64}, but its record says/);
  });

  it('rejects a lifecycle image without layers', async () => {
    const fx = await fixture();
    const lifecycleImageWithout = emptyImage({ os: 'linux', architecture: 'amd64' });
    await expect(
      assembleBuilderImage({
        buildImage: buildImage(),
        lifecycleImage: lifecycleImageWithout,
        plan: plan(fx.records),
        buildpackLayer: (r) => fx.layers.get(r.digest)!,
      }),
    ).rejects.toThrow(/failed to find lifecycle layer/);
  });
});
