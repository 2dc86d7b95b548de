/**
 * Images over parts already in memory: manifest and config bytes plus Layer handles (used by the
 * mutations, the empty image and tests). Objects are encoded canonically here, so that the same
 * manifest and config always give the same bytes and digest. Also: layer lookup over any Image.
 */
import { isArray, isJsonObject } from '../shared/index.ts';
import { sha256Digest, type Digest } from './digest.ts';
import { DigestMismatchError, OciFormatError } from './errors.ts';
import type { ConfigFile, Descriptor, Image, IoOptions, Layer, Manifest } from './image.ts';
import { parseConfigFile, parseManifest } from './manifest.ts';
import { mediaTypes, type MediaType } from './media-types.ts';

/** The parts of an image: exact manifest and config bytes and one Layer per manifest layer, bottom first. */
export interface ImageParts {
  rawManifest: Uint8Array;
  rawConfig: Uint8Array;
  layers: readonly Layer[];
}

/**
 * An Image over `parts`. Checks now, without reading any layer, that the manifest and config parse
 * (manifest.ts: its checks and limits), that the manifest's config descriptor names `rawConfig`
 * (DigestMismatchError otherwise) and that the manifest, `rootfs.diff_ids` and `layers` have the same length (OciFormatError otherwise).
 * Every read returns a fresh copy, so callers cannot change the image.
 */
export function imageFromParts(parts: ImageParts): Image {
  const rawManifest = Uint8Array.from(parts.rawManifest);
  const rawConfig = Uint8Array.from(parts.rawConfig);
  const manifest = parseManifest(rawManifest);
  const configDigest = sha256Digest(rawConfig);
  if (manifest.config.digest !== configDigest) throw new DigestMismatchError('config digest', manifest.config.digest, configDigest);
  if (manifest.config.size !== rawConfig.length) throw new DigestMismatchError('config size', String(manifest.config.size), String(rawConfig.length));
  const config = parseConfigFile(rawConfig);
  const counts = [manifest.layers.length, config.rootfs.diff_ids.length, parts.layers.length];
  if (counts.some((n) => n !== counts[0])) {
    throw new OciFormatError(`image has ${counts[0]} manifest layers, ${counts[1]} diff_ids and ${counts[2]} layer handles`);
  }
  const layers = [...parts.layers];
  const digest = sha256Digest(rawManifest);
  return {
    mediaType: () => Promise.resolve(manifest.mediaType ?? mediaTypes.ociManifest),
    rawManifest: () => Promise.resolve(Uint8Array.from(rawManifest)),
    manifest: () => Promise.resolve(structuredClone(manifest)),
    digest: () => Promise.resolve(digest),
    rawConfigFile: () => Promise.resolve(Uint8Array.from(rawConfig)),
    configFile: () => Promise.resolve(structuredClone(config)),
    layers: () => Promise.resolve([...layers]),
  };
}

/** A manifest whose config descriptor will be filled in from the encoded config. */
export type ManifestTemplate = Omit<Manifest, 'config'> & { config: Omit<Descriptor, 'digest' | 'size'> & Partial<Descriptor> };

/** The parts of an image as objects; see `imageFromData`. */
export interface ImageData {
  manifest: ManifestTemplate;
  config: ConfigFile;
  layers: readonly Layer[];
}

/**
 * An Image built from objects: the config is encoded canonically, the manifest's config descriptor
 * gets its digest and size, and the manifest is encoded canonically. Same objects, same digest.
 */
export function imageFromData(data: ImageData): Image {
  const rawConfig = encodeConfigFile(data.config);
  const config: Descriptor = { ...data.manifest.config, digest: sha256Digest(rawConfig), size: rawConfig.length };
  const rawManifest = encodeManifest({ ...data.manifest, config });
  return imageFromParts({ rawManifest, rawConfig, layers: data.layers });
}

type Encoder = (value: unknown) => unknown;

/**
 * Known keys first in `order`, the rest sorted; undefined values dropped; `nested` re-orders inner
 * values. Anything but an object (null, say, where Docker wrote `"Labels": null`) is kept as it is.
 */
function ordered(value: unknown, order: readonly string[], nested: Readonly<Record<string, Encoder>> = {}): unknown {
  if (!isJsonObject(value)) return value;
  const rest = Object.keys(value)
    .filter((k) => !order.includes(k))
    .sort();
  const out: Record<string, unknown> = {};
  for (const key of [...order, ...rest]) {
    const inner = value[key];
    if (inner === undefined) continue;
    const encode = nested[key];
    out[key] = encode ? encode(inner) : inner;
  }
  return out;
}

const eachOf =
  (encode: Encoder): Encoder =>
  (value) =>
    isArray(value) ? value.map(encode) : value;
const sortedMap: Encoder = (value) => ordered(value, []);
const descriptorOrder = ['mediaType', 'artifactType', 'digest', 'size', 'urls', 'annotations', 'data', 'platform'];
const orderDescriptor: Encoder = (d) => ordered(d, descriptorOrder, { annotations: sortedMap });
const containerOrder = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'];
const historyOrder = ['created', 'created_by', 'author', 'comment', 'empty_layer'];
const configOrder = ['created', 'author', 'architecture', 'os', 'os.version', 'os.features', 'variant', 'config', 'rootfs', 'history'];

/** Canonical manifest bytes: fixed key order for known fields, other keys sorted, maps sorted, no whitespace. */
export function encodeManifest(manifest: Manifest): Uint8Array {
  const json = ordered(manifest, ['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'subject', 'annotations'], {
    config: orderDescriptor,
    layers: eachOf(orderDescriptor),
    subject: orderDescriptor,
    annotations: sortedMap,
  });
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Canonical config bytes: fixed key order for known fields, other keys sorted, Labels/ExposedPorts/Volumes sorted, no whitespace. */
export function encodeConfigFile(config: ConfigFile): Uint8Array {
  const json = ordered(config, configOrder, {
    config: (c) => ordered(c, containerOrder, { ExposedPorts: sortedMap, Volumes: sortedMap, Labels: sortedMap }),
    rootfs: (r) => ordered(r, ['type', 'diff_ids']),
    history: eachOf((entry) => ordered(entry, historyOrder)),
  });
  return new TextEncoder().encode(JSON.stringify(json));
}

/** The media type family of a manifest media type: Docker v2 schema 2 or OCI (the default). */
export function mediaTypeFamily(mediaType: MediaType | undefined): 'docker' | 'oci' {
  return mediaType === mediaTypes.dockerManifest ? 'docker' : 'oci';
}

/** The layer whose diffId (position in `rootfs.diff_ids`) is `diffId`; undefined when the image has none. Reads config and layer handles only. */
export async function findLayerByDiffId(image: Image, diffId: Digest, options: IoOptions = {}): Promise<Layer | undefined> {
  const index = (await image.configFile(options)).rootfs.diff_ids.indexOf(diffId);
  return index < 0 ? undefined : (await image.layers(options))[index];
}

/** The layer whose compressed digest (position in the manifest's layers) is `digest`; undefined when absent. Reads the manifest and layer handles only. */
export async function findLayerByDigest(image: Image, digest: Digest, options: IoOptions = {}): Promise<Layer | undefined> {
  const index = (await image.manifest(options)).layers.findIndex((d) => d.digest === digest);
  return index < 0 ? undefined : (await image.layers(options))[index];
}
