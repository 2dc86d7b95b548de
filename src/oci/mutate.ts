/**
 * Immutable mutations: each returns a new lazy Image and leaves the base untouched. Nothing is read
 * (not even the base manifest) until the new image is asked for something; then the base manifest,
 * config and layer handles are read once, the edit is applied, and the result is encoded
 * canonically (see `imageFromData`), so the same base and inputs always give the same digest.
 * Layer bytes are never read here; appended layers are asked only for their digests.
 */
import { ValidationError } from '../shared/index.ts';
import { OciFormatError } from './errors.ts';
import type { ConfigFile, ContainerConfig, HistoryEntry, Image, IoOptions, Layer, Manifest } from './image.ts';
import { imageFromData, mediaTypeFamily } from './in-memory.ts';
import { mediaTypes, type MediaType } from './media-types.ts';
import { memoizeIo } from './partial.ts';

/** What a mutation edits: copies of the base's manifest and config, and its layer handles. */
interface Parts {
  manifest: Manifest;
  config: ConfigFile;
  layers: Layer[];
}

type Edit = (parts: Parts, options: IoOptions) => Parts | Promise<Parts>;

function mutate(base: Image, edit: Edit): Image {
  const build = memoizeIo(async (options) => {
    const [manifest, config, layers] = await Promise.all([base.manifest(options), base.configFile(options), base.layers(options)]);
    const parts = await edit({ manifest: structuredClone(manifest), config: structuredClone(config), layers: [...layers] }, options);
    return imageFromData(parts);
  });
  return {
    mediaType: async (o) => (await build(o)).mediaType(o),
    rawManifest: async (o) => (await build(o)).rawManifest(o),
    manifest: async (o) => (await build(o)).manifest(o),
    digest: async (o) => (await build(o)).digest(o),
    rawConfigFile: async (o) => (await build(o)).rawConfigFile(o),
    configFile: async (o) => (await build(o)).configFile(o),
    layers: async (o) => (await build(o)).layers(o),
  };
}

/** Options of `appendLayers`. */
export interface AppendOptions {
  /** One history entry per appended layer. Without it, `{}` entries are added when the base keeps a history. */
  history?: readonly HistoryEntry[];
}

/**
 * The base with `layers` on top, in order. Each new manifest descriptor is `{mediaType, digest,
 * size}` from the layer, its media type translated into the base manifest's family (a Docker v2s2
 * base gets Docker layer types; OCI otherwise); each diffId is appended to `rootfs.diff_ids`.
 */
export function appendLayers(base: Image, layers: readonly Layer[], options: AppendOptions = {}): Image {
  const { history } = options;
  if (history !== undefined && history.length !== layers.length) {
    throw new ValidationError([{ path: 'options.history', message: `needs one entry per layer (${layers.length}), got ${history.length}` }]);
  }
  const added = [...layers];
  return mutate(base, async (parts, io) => {
    const family = mediaTypeFamily(parts.manifest.mediaType);
    const described = await Promise.all(added.map(async (layer) => describeLayer(layer, family, io)));
    const baseCount = parts.layers.length;
    parts.manifest.layers.push(...described.map((d) => d.descriptor));
    parts.config.rootfs.diff_ids.push(...described.map((d) => d.diffId));
    parts.layers.push(...described.map((d) => d.layer));
    if (history !== undefined || parts.config.history !== undefined) {
      const before = parts.config.history ?? Array.from({ length: baseCount }, () => ({}));
      parts.config.history = [...before, ...(history ?? added.map(() => ({})))].map((h) => ({ ...h }));
    }
    return parts;
  });
}

async function describeLayer(
  layer: Layer,
  family: 'oci' | 'docker',
  io: IoOptions,
): Promise<{ descriptor: Manifest['layers'][number]; diffId: ConfigFile['rootfs']['diff_ids'][number]; layer: Layer }> {
  const [mediaType, digest, size, diffId] = await Promise.all([layer.mediaType(io), layer.digest(io), layer.size(io), layer.diffId(io)]);
  const translated = layerMediaType(mediaType, family);
  return { descriptor: { mediaType: translated, digest, size }, diffId, layer: withLayerMediaType(layer, translated) };
}

/**
 * The base with its config replaced by `edit(copy of config)`. The edit must keep
 * `rootfs.diff_ids` as they are (layers change only through `appendLayers`); otherwise reads fail
 * with OciFormatError.
 */
export function withConfig(base: Image, edit: (config: ConfigFile) => ConfigFile): Image {
  return mutate(base, (parts) => {
    const before = JSON.stringify(parts.config.rootfs.diff_ids);
    const config = edit(parts.config);
    if (JSON.stringify(config.rootfs.diff_ids) !== before) throw new OciFormatError('withConfig: the edit changed rootfs.diff_ids; use appendLayers');
    return { ...parts, config };
  });
}

function withContainerConfig(base: Image, edit: (config: ContainerConfig) => ContainerConfig): Image {
  return withConfig(base, (config) => ({ ...config, config: edit(config.config ?? {}) }));
}

/** The base with `labels` merged into `config.Labels` (new values win); labels are encoded sorted by key. */
export function withLabels(base: Image, labels: Readonly<Record<string, string>>): Image {
  const copy = { ...labels };
  return withContainerConfig(base, (c) => ({ ...c, Labels: { ...c.Labels, ...copy } }));
}

/** The base with each `NAME=value` of `env` set: an existing NAME is replaced in place, new names are appended in the given order. */
export function withEnv(base: Image, env: Readonly<Record<string, string>>): Image {
  const updates = Object.entries(env);
  const bad = updates.filter(([name]) => name === '' || name.includes('='));
  if (bad.length > 0)
    throw new ValidationError(bad.map(([name]) => ({ path: `env.${name}`, message: 'a variable name must be non-empty and contain no "="' })));
  return withContainerConfig(base, (c) => {
    const result = [...(c.Env ?? [])];
    for (const [name, value] of updates) {
      const index = result.findIndex((e) => e === name || e.startsWith(`${name}=`));
      if (index < 0) result.push(`${name}=${value}`);
      else result[index] = `${name}=${value}`;
    }
    return { ...c, Env: result };
  });
}

/** The base with `config.WorkingDir` set. */
export function withWorkingDir(base: Image, workingDir: string): Image {
  return withContainerConfig(base, (c) => ({ ...c, WorkingDir: workingDir }));
}

/** The base with `config.User` set (`name`, `uid`, `uid:gid`, ...). */
export function withUser(base: Image, user: string): Image {
  return withContainerConfig(base, (c) => ({ ...c, User: user }));
}

/** The base with the config's `created` set to `date`, written as RFC 3339 UTC without milliseconds when they are zero. */
export function withCreated(base: Image, date: Date): Image {
  if (Number.isNaN(date.getTime())) throw new ValidationError([{ path: 'created', message: 'is not a valid date' }]);
  const created = date.toISOString().replace('.000Z', 'Z');
  return withConfig(base, (config) => ({ ...config, created }));
}

/**
 * The base re-labelled in the `family` media types: manifest, config and layer descriptors (gzip
 * and foreign/non-distributable gzip layers map both ways). Bytes of layers are unchanged. An
 * uncompressed or zstd layer cannot go into a Docker manifest: reads then fail with OciFormatError.
 */
export function withMediaTypes(base: Image, family: 'oci' | 'docker'): Image {
  const manifestType = family === 'docker' ? mediaTypes.dockerManifest : mediaTypes.ociManifest;
  const configType = family === 'docker' ? mediaTypes.dockerConfig : mediaTypes.ociConfig;
  return mutate(base, (parts) => {
    const descriptors = parts.manifest.layers.map((d) => ({ ...d, mediaType: layerMediaType(d.mediaType, family) }));
    const manifest = { ...parts.manifest, mediaType: manifestType, config: { ...parts.manifest.config, mediaType: configType }, layers: descriptors };
    const layers = parts.layers.map((layer, i) => withLayerMediaType(layer, descriptors[i]?.mediaType));
    return { ...parts, manifest, layers };
  });
}

const dockerLayerTar = 'application/vnd.docker.image.rootfs.diff.tar';
const toDocker: Readonly<Record<string, MediaType>> = {
  [mediaTypes.ociLayerGzip]: mediaTypes.dockerLayerGzip,
  [mediaTypes.ociLayerNondistributableGzip]: mediaTypes.dockerForeignLayerGzip,
};
const toOci: Readonly<Record<string, MediaType>> = {
  [mediaTypes.dockerLayerGzip]: mediaTypes.ociLayerGzip,
  [mediaTypes.dockerForeignLayerGzip]: mediaTypes.ociLayerNondistributableGzip,
  [dockerLayerTar]: mediaTypes.ociLayer,
};

/** The layer media type to use in a manifest of `family`; throws OciFormatError when Docker v2s2 has no equivalent. */
export function layerMediaType(mediaType: MediaType, family: 'oci' | 'docker'): MediaType {
  if (family === 'oci') return toOci[mediaType] ?? mediaType;
  const docker = toDocker[mediaType] ?? mediaType;
  if (!docker.startsWith('application/vnd.docker.')) throw new OciFormatError(`layer media type "${mediaType}" has no Docker v2 schema 2 equivalent`);
  return docker;
}

function withLayerMediaType(layer: Layer, mediaType: MediaType | undefined): Layer {
  if (mediaType === undefined) return layer;
  return {
    digest: (o) => layer.digest(o),
    diffId: (o) => layer.diffId(o),
    size: (o) => layer.size(o),
    mediaType: () => Promise.resolve(mediaType),
    compressed: (o) => layer.compressed(o),
    uncompressed: (o) => layer.uncompressed(o),
    locations: layer.locations,
  };
}
