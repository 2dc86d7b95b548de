/**
 * Inputs of the builder benchmark (bench/builder.ts): twenty buildpackages with payloads of a few
 * MiB of pseudo-random bytes, a stack (build and run images with one sizeable base layer each), a
 * lifecycle image shaped like buildpacks/lifecycle's (the real binary in its last layer), the same
 * lifecycle as the release tarball pack reads, and the two tools' configurations (kpack YAML for
 * packsmith, builder.toml for pack) naming the same images and the same order.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBuildpackage, labelKeys, type BuildpackTree } from '../src/cnb/index.ts';
import { appendLayers, createTarLayer, emptyImage, withEnv, withLabels, type Image, type TarLayerEntry } from '../src/oci/index.ts';

const MiB = 1024 * 1024;
export const stackId = 'io.packsmith.bench.stack';
export const lifecycleVersion = '0.21.17';
const phases = ['analyzer', 'builder', 'creator', 'detector', 'exporter', 'extender', 'rebaser', 'restorer'];
const buildpackApis = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12'];
const platformApis = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];

/** Deterministic pseudo-random bytes (AES-128-CTR over zeros, keyed by `seed`), so layers do not compress away. */
export function noise(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** The payload size of buildpack `index` (0-based): 1 to 6 MiB in a fixed pattern, about 70 MiB for twenty. */
export function payloadSize(index: number): number {
  return (1 + ((index * 7) % 6)) * MiB;
}

/** The id of buildpack `index`: bench/bp-01 … bench/bp-20. */
export function buildpackId(index: number): string {
  return `bench/bp-${String(index + 1).padStart(2, '0')}`;
}

/**
 * A one-buildpack package: bin/detect, bin/build and `payload.bin`; `revision` changes version and
 * payload; `arches` are its `[[targets]]` (a multi-arch buildpack lists every platform it serves).
 */
export async function benchBuildpackage(index: number, revision = 0, arches: readonly string[] = ['amd64']): Promise<Image> {
  const id = buildpackId(index);
  const tree: BuildpackTree = {
    descriptor: {
      api: '0.10',
      buildpack: { id, version: `1.0.${revision}`, homepage: `https://example.test/${id}` },
      targets: arches.map((arch) => ({ os: 'linux', arch })),
    },
    files: {
      'bin/detect': {
        content: `#!/bin/sh\n# benchmark buildpack ${id}: passes when the app has ${id.slice(6)}.marker\n[ -f ${id.slice(6)}.marker ] || exit 100\n`,
      },
      'bin/build': { content: '#!/bin/sh\nexit 0\n' },
      'payload.bin': { content: noise(payloadSize(index), `${id}@${revision}`) },
    },
  };
  return createBuildpackage([tree]);
}

/** A stack image: one base layer of `baseMiB` pseudo-random MiB, the CNB user's home, the stack id and CNB ids. */
export function benchStackImage(kind: 'build' | 'run', baseMiB: number): Image {
  const base = createTarLayer([{ path: `usr/share/bench/${kind}-base.bin`, type: 'file', mode: 0o644, content: noise(baseMiB * MiB, `stack-${kind}`) }], {
    level: 1,
  });
  const user = createTarLayer([
    { path: 'etc/packsmith-bench-stack', type: 'file', mode: 0o644, content: `${kind} image of the packsmith builder benchmark\n` },
    { path: 'home/cnb', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
  ]);
  const image = withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [base, user]), { [labelKeys.stackId]: stackId });
  return withEnv(image, { CNB_USER_ID: '1000', CNB_GROUP_ID: '1000' });
}

/** lifecycle.toml as the lifecycle's release packager writes it (APIs of lifecycle 0.21.x). */
export function lifecycleToml(): string {
  const list = (versions: readonly string[]): string => `[${versions.map((v) => `"${v}"`).join(', ')}]`;
  return [
    '[apis]',
    '  [apis.buildpack]',
    '    deprecated = []',
    `    supported = ${list(buildpackApis)}`,
    '  [apis.platform]',
    '    deprecated = []',
    `    supported = ${list(platformApis)}`,
    '',
    '[api]',
    '  platform = "0.7"',
    '  buildpack = "0.7"',
    '',
    '[lifecycle]',
    `  version = "${lifecycleVersion}"`,
    '',
  ].join('\n');
}

/** Where the two lifecycle executables come from (the launcher may be a stand-in when it cannot be built). */
export interface LifecycleBinaries {
  lifecycle: string;
  launcher: string;
}

async function fileEntry(path: string, source: string): Promise<TarLayerEntry> {
  const size = (await stat(source)).size;
  return { path, type: 'file', mode: 0o755, size, open: () => Promise.resolve(createReadStream(source)) };
}

/** The lifecycle tree under `prefix` (`cnb/` for the image, `` for the tarball): descriptor, binaries, phase symlinks. */
async function lifecycleEntries(prefix: string, binaries: LifecycleBinaries): Promise<TarLayerEntry[]> {
  const dirs: TarLayerEntry[] = prefix === '' ? [] : [{ path: prefix.slice(0, -1), type: 'dir', mode: 0o755 }];
  return [
    ...dirs,
    { path: `${prefix}lifecycle.toml`, type: 'file', mode: 0o644, content: lifecycleToml() },
    { path: `${prefix}lifecycle`, type: 'dir', mode: 0o755 },
    await fileEntry(`${prefix}lifecycle/lifecycle`, binaries.lifecycle),
    await fileEntry(`${prefix}lifecycle/launcher`, binaries.launcher),
    ...phases.map((name): TarLayerEntry => ({ path: `${prefix}lifecycle/${name}`, type: 'symlink', mode: 0o777, linkTarget: 'lifecycle' })),
  ];
}

/** A lifecycle image like buildpacksio/lifecycle: one layer holding /cnb/lifecycle.toml and /cnb/lifecycle/, the lifecycle labels. */
export async function benchLifecycleImage(binaries: LifecycleBinaries): Promise<Image> {
  const layer = createTarLayer(await lifecycleEntries('cnb/', binaries), { level: 1 });
  return withLabels(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]), {
    [labelKeys.lifecycleVersion]: lifecycleVersion,
    [labelKeys.lifecycleApis]: JSON.stringify({
      buildpack: { deprecated: [], supported: buildpackApis },
      platform: { deprecated: [], supported: platformApis },
    }),
    [labelKeys.builderMetadata]: JSON.stringify({ lifecycle: { version: lifecycleVersion }, api: { buildpack: '0.7', platform: '0.7' } }),
  });
}

/** Writes the same lifecycle as a release tarball (`lifecycle.toml` plus `lifecycle/`, gzip), the format pack's `[lifecycle] uri` takes. */
export async function writeLifecycleTarball(path: string, binaries: LifecycleBinaries): Promise<void> {
  const layer = createTarLayer(await lifecycleEntries('', binaries), { level: 1 });
  await pipeline(Readable.from(await layer.compressed()), createWriteStream(path));
}

/** The order both tools get: four groups of five buildpacks. */
export function benchOrder(count: number): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < count; i++) (groups[Math.floor(i / 5)] ??= []).push(buildpackId(i));
  return groups;
}

/** Image references of one benchmark round. */
export interface BenchRefs {
  buildpackages: readonly string[];
  build: string;
  run: string;
  lifecycle: string;
}

/** kpack YAML for packsmith: a store with every buildpackage, the stack, the lifecycle and one ClusterBuilder. */
export function packsmithYaml(refs: BenchRefs, tag: string): string {
  const sources = refs.buildpackages.map((image) => `  - image: ${image}`).join('\n');
  const order = benchOrder(refs.buildpackages.length)
    .map((group) => `  - group: [${group.map((id) => `{id: ${id}}`).join(', ')}]`)
    .join('\n');
  return `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: bench}
spec:
  sources:
${sources}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: bench}
spec:
  id: ${stackId}
  buildImage: {image: ${refs.build}}
  runImage: {image: ${refs.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: bench}
spec: {image: ${refs.lifecycle}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: bench}
spec:
  tag: ${tag}
  stack: {kind: ClusterStack, name: bench}
  store: {kind: ClusterStore, name: bench}
  lifecycle: {kind: ClusterLifecycle, name: bench}
  serviceAccountRef: {name: default, namespace: default}
  order:
${order}
`;
}

/**
 * builder.toml for `pack builder create`: the same buildpackages, the same order, stack and the
 * lifecycle tarball. The buildpackages are bare image references: pack v0.35.1 parses a
 * `docker://` URI whole with go-containerregistry, which rejects it when the registry has a port
 * ("unsupported protocol 'docker'"), while a bare reference is taken as a package image.
 */
export function packBuilderToml(refs: BenchRefs, lifecycleTarball: string): string {
  const buildpacks = refs.buildpackages.map((image) => `[[buildpacks]]\n  uri = "${image}"\n`).join('\n');
  const order = benchOrder(refs.buildpackages.length)
    .map((group) => `[[order]]\n${group.map((id) => `  [[order.group]]\n    id = "${id}"\n`).join('')}`)
    .join('\n');
  return `${buildpacks}
${order}
[stack]
  id = "${stackId}"
  build-image = "${refs.build}"
  run-image = "${refs.run}"

[build]
  image = "${refs.build}"

[[run.images]]
  image = "${refs.run}"

[lifecycle]
  uri = "${lifecycleTarball}"
`;
}
