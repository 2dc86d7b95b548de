/**
 * Reading manifests, indexes and config blobs from bytes: size limits first, then the digest, then
 * JSON, then the fields packsmith relies on. Errors name the JSON path of the bad field. The
 * validated object is returned exactly as parsed, unknown fields included, so writing it back
 * loses nothing; the checks (json-fields.ts) are assertion functions, which type it in place.
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../shared/index.ts';
import { digestAlgorithm, parseDigest, type Digest } from './digest.ts';
import { DigestMismatchError, LimitExceededError, OciFormatError } from './errors.ts';
import type { ConfigFile, ContainerConfig, Descriptor, HistoryEntry, IndexManifest, Manifest } from './image.ts';
import { Fields, describe } from './json-fields.ts';
import { isImageMediaType, isIndexMediaType, manifestAcceptList, mediaTypes } from './media-types.ts';

const MiB = 1024 * 1024;

/** Default limits; each can be overridden per call. */
export const manifestLimits = {
  /** Manifests and indexes: distribution refuses larger manifests, so anything bigger is not from a sane registry. */
  maxManifestBytes: 4 * MiB,
  /** Config blobs carry history and labels; builder images with many buildpacks stay far below this. */
  maxConfigBytes: 8 * MiB,
  /** Layers per image (manifest `layers` and config `rootfs.diff_ids`); overlay filesystems stop working long before. */
  maxLayers: 1000,
} as const;

/** Options of the parse functions. */
export interface ParseManifestOptions {
  /** When given, the bytes must hash to this digest (DigestMismatchError otherwise). */
  expectedDigest?: Digest;
  /** Size limit in bytes; defaults to `manifestLimits` for the kind of document. */
  maxBytes?: number;
  /** Layer-count limit; defaults to `manifestLimits.maxLayers`. */
  maxLayers?: number;
  /** The `Content-Type` the registry sent; parameters such as `; charset=utf-8` are ignored. */
  mediaType?: string;
}

/** What `parseAnyManifest` found: a single-platform image manifest or a multi-platform index. */
export type AnyManifest = { kind: 'image'; manifest: Manifest } | { kind: 'index'; index: IndexManifest };

type Json = JsonObject;

// Docker schema 2 always names its media type; only OCI documents may leave it out.
const dockerTypes: ReadonlySet<string> = new Set([mediaTypes.dockerManifest, mediaTypes.dockerManifestList]);

/**
 * Parses and validates an image manifest (OCI or Docker v2 schema 2). Throws LimitExceededError
 * when over the size or layer limit, DigestMismatchError when `expectedDigest` differs, and
 * OciFormatError (naming the JSON path) for anything malformed or inconsistent.
 */
export function parseManifest(bytes: Uint8Array, options: ParseManifestOptions = {}): Manifest {
  const fields = new Fields('image manifest');
  const doc = decode(bytes, fields, options.maxBytes ?? manifestLimits.maxManifestBytes, options.expectedDigest);
  return checkManifest(doc, fields, options);
}

/** Parses and validates an OCI image index or Docker manifest list; throws as `parseManifest` does. */
export function parseIndexManifest(bytes: Uint8Array, options: ParseManifestOptions = {}): IndexManifest {
  const fields = new Fields('image index');
  const doc = decode(bytes, fields, options.maxBytes ?? manifestLimits.maxManifestBytes, options.expectedDigest);
  return checkIndex(doc, fields, options);
}

/**
 * Parses and validates an image config blob (limit 8 MiB by default). `config.Env`, `Labels`,
 * `Entrypoint`, `Cmd` and `history` may be `null`, as Docker writes them; callers must allow that.
 */
export function parseConfigFile(bytes: Uint8Array, options: Omit<ParseManifestOptions, 'mediaType'> = {}): ConfigFile {
  const fields = new Fields('image config');
  const doc = decode(bytes, fields, options.maxBytes ?? manifestLimits.maxConfigBytes, options.expectedDigest);
  assertConfigFile(doc, fields, options.maxLayers ?? manifestLimits.maxLayers);
  return doc;
}

/**
 * Parses either kind of manifest. The kind comes from the `mediaType` field, else from a known
 * `Content-Type`, else from the shape (`manifests` → index, `layers`/`config` → image); field and
 * header must agree. Throws as `parseManifest` does.
 */
export function parseAnyManifest(bytes: Uint8Array, mediaTypeFromHeader?: string, options: Omit<ParseManifestOptions, 'mediaType'> = {}): AnyManifest {
  const fields = new Fields('manifest');
  const doc = decode(bytes, fields, options.maxBytes ?? manifestLimits.maxManifestBytes, options.expectedDigest);
  const withHeader = { ...options, mediaType: mediaTypeFromHeader };
  if (kindOf(doc, fields, baseMediaType(mediaTypeFromHeader)) === 'index') {
    return { kind: 'index', index: checkIndex(doc, fields.as('image index'), withHeader) };
  }
  return { kind: 'image', manifest: checkManifest(doc, fields.as('image manifest'), withHeader) };
}

/** Throws OciFormatError unless the manifest has exactly one layer per `rootfs.diff_ids` entry of the config. */
export function checkLayerCount(manifest: Manifest, config: ConfigFile): void {
  if (manifest.layers.length !== config.rootfs.diff_ids.length) throw layerCountError(manifest, config);
}

/** A manifest layer with the `rootfs.diff_ids` entry at its position. */
export interface LayerWithDiffId {
  descriptor: Descriptor;
  diffId: Digest;
}

/** Each manifest layer paired with its diff_id, bottom first; throws as `checkLayerCount` does. */
export function layersWithDiffIds(manifest: Manifest, config: ConfigFile): LayerWithDiffId[] {
  checkLayerCount(manifest, config);
  return manifest.layers.map((descriptor, i) => {
    const diffId = config.rootfs.diff_ids[i];
    if (diffId === undefined) throw layerCountError(manifest, config);
    return { descriptor, diffId };
  });
}

function layerCountError(manifest: Manifest, config: ConfigFile): OciFormatError {
  const layers = manifest.layers.length;
  const diffIds = config.rootfs.diff_ids.length;
  return new OciFormatError(
    `image manifest lists ${layers} layers but its config's rootfs.diff_ids has ${diffIds} entries; each layer needs exactly one diff_id`,
  );
}

function checkManifest(doc: Json, fields: Fields, options: ParseManifestOptions): Manifest {
  assertManifest(doc, fields, options);
  return doc;
}

function checkIndex(doc: Json, fields: Fields, options: ParseManifestOptions): IndexManifest {
  assertIndex(doc, fields, options);
  return doc;
}

function assertManifest(doc: Json, fields: Fields, options: ParseManifestOptions): asserts doc is Json & Manifest {
  checkEnvelope(doc, fields, { accepts: isImageMediaType, header: options.mediaType });
  fields.descriptor(doc.config, 'config');
  const layers = fields.array(doc.layers, 'layers');
  const maxLayers = options.maxLayers ?? manifestLimits.maxLayers;
  if (layers.length > maxLayers) {
    throw new LimitExceededError(`image manifest has ${layers.length} layers; the limit is ${maxLayers} layers per image`);
  }
  layers.forEach((layer, i) => fields.descriptor(layer, `layers[${i}]`));
}

function assertIndex(doc: Json, fields: Fields, options: ParseManifestOptions): asserts doc is Json & IndexManifest {
  checkEnvelope(doc, fields, { accepts: isIndexMediaType, header: options.mediaType });
  fields.array(doc.manifests, 'manifests').forEach((entry, i) => fields.descriptor(entry, `manifests[${i}]`));
}

// Checks shared by manifests and indexes: schemaVersion, mediaType against the header, and the optional extras.
function checkEnvelope(doc: Json, fields: Fields, expect: { accepts: (type: string) => boolean; header: string | undefined }): void {
  checkSchemaVersion(doc, fields);
  const field = doc.mediaType === undefined ? undefined : fields.string(doc.mediaType, 'mediaType');
  if (field !== undefined && !expect.accepts(field)) fields.fail('mediaType', `"${field}" is not the media type of ${fields.article}`);
  checkHeader(field, fields, expect);
  fields.optional(doc, 'artifactType', (v, p) => fields.string(v, p));
  fields.optional(doc, 'subject', (v, p) => fields.descriptor(v, p));
  fields.optional(doc, 'annotations', (v, p) => fields.stringMap(v, p));
}

// A Content-Type that is not a manifest type (some registries send application/json) says nothing.
function checkHeader(field: string | undefined, fields: Fields, expect: { accepts: (type: string) => boolean; header: string | undefined }): void {
  const header = baseMediaType(expect.header);
  if (header === undefined || !manifestAcceptList.includes(header)) return;
  if (field !== undefined && field !== header) fields.fail('mediaType', `"${field}" differs from the Content-Type "${header}" the registry sent`);
  if (!expect.accepts(header)) fields.fail('mediaType', `the registry sent Content-Type "${header}", which is not the media type of ${fields.article}`);
  if (field === undefined && dockerTypes.has(header)) fields.fail('mediaType', `missing; Docker manifests (${header}) must state their media type`);
}

function checkSchemaVersion(doc: Json, fields: Fields): void {
  if (doc.schemaVersion === 2) return;
  if (doc.schemaVersion === 1) fields.fail('schemaVersion', 'Docker schema 1 manifests are not supported; push the image again with a current client');
  fields.fail('schemaVersion', `expected 2, got ${describe(doc.schemaVersion)}`);
}

function kindOf(doc: Json, fields: Fields, header: string | undefined): 'image' | 'index' {
  checkSchemaVersion(doc, fields);
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : header;
  if (declared !== undefined && isIndexMediaType(declared)) return 'index';
  if (declared !== undefined && isImageMediaType(declared)) return 'image';
  if (typeof doc.mediaType === 'string') {
    fields.fail('mediaType', `"${doc.mediaType}" is not a manifest type packsmith reads (${manifestAcceptList.join(', ')})`);
  }
  return kindFromShape(doc, fields);
}

function kindFromShape(doc: Json, fields: Fields): 'image' | 'index' {
  if (Array.isArray(doc.manifests) && doc.layers === undefined) return 'index';
  if (doc.layers !== undefined || doc.config !== undefined) return 'image';
  return fields.fail('', 'neither an image manifest (no config or layers) nor an index (no manifests)');
}

function assertConfigFile(doc: Json, fields: Fields, maxLayers: number): asserts doc is Json & ConfigFile {
  fields.string(doc.architecture, 'architecture');
  fields.string(doc.os, 'os');
  for (const key of ['variant', 'os.version', 'created', 'author']) fields.optional(doc, key, (v, p) => fields.string(v, p));
  checkRootfs(fields.object(doc.rootfs, 'rootfs'), fields, maxLayers);
  fields.nullable(doc, 'config', (v, p) => checkContainerConfig(fields.object(v, p), fields, p));
  fields.nullable(doc, 'history', (v, p) =>
    fields.array(v, p).forEach((entry, i) => checkHistoryEntry(fields.object(entry, `${p}[${i}]`), fields, `${p}[${i}]`)),
  );
}

function checkRootfs(rootfs: Json, fields: Fields, maxLayers: number): void {
  if (rootfs.type !== 'layers') fields.fail('rootfs.type', `expected "layers", got ${describe(rootfs.type)}`);
  const diffIds = fields.array(rootfs.diff_ids, 'rootfs.diff_ids');
  if (diffIds.length > maxLayers) {
    throw new LimitExceededError(`image config has ${diffIds.length} rootfs.diff_ids; the limit is ${maxLayers} layers per image`);
  }
  diffIds.forEach((id, i) => fields.digest(id, `rootfs.diff_ids[${i}]`));
}

function checkContainerConfig(config: Json, fields: Fields, path: string): asserts config is Json & ContainerConfig {
  for (const key of ['User', 'WorkingDir', 'StopSignal']) fields.optional(config, key, (v, p) => fields.string(v, p), path);
  for (const key of ['Env', 'Entrypoint', 'Cmd']) fields.nullable(config, key, (v, p) => fields.stringArray(v, p), path);
  fields.nullable(config, 'Labels', (v, p) => fields.stringMap(v, p), path);
  for (const key of ['ExposedPorts', 'Volumes']) fields.nullable(config, key, (v, p) => fields.objectMap(v, p), path);
}

function checkHistoryEntry(entry: Json, fields: Fields, path: string): asserts entry is Json & HistoryEntry {
  for (const key of ['created', 'created_by', 'author', 'comment']) fields.optional(entry, key, (v, p) => fields.string(v, p), path);
  fields.optional(entry, 'empty_layer', (v, p) => fields.boolean(v, p), path);
}

function decode(bytes: Uint8Array, fields: Fields, maxBytes: number, expected: Digest | undefined): Json {
  if (!(bytes instanceof Uint8Array)) throw new OciFormatError(`${fields.what}: expected bytes, got ${describe(bytes)}`);
  if (bytes.length > maxBytes) {
    throw new LimitExceededError(`${fields.what} is ${bytes.length} bytes; the limit is ${maxBytes} bytes (${(maxBytes / MiB).toFixed(1)} MiB)`);
  }
  if (expected !== undefined) checkDigest(bytes, parseDigest(expected), fields.what);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new OciFormatError(`invalid ${fields.what}: not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  return fields.object(doc, '');
}

function checkDigest(bytes: Uint8Array, expected: Digest, what: string): void {
  const algorithm = digestAlgorithm(expected);
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== expected) throw new DigestMismatchError(`${what} digest`, expected, actual);
}

function baseMediaType(header: string | undefined): string | undefined {
  const base = header?.split(';')[0]?.trim().toLowerCase();
  return base === '' ? undefined : base;
}
