/**
 * Reading manifests, indexes and config blobs from bytes: size limits first, then the digest, then
 * JSON, then the fields packsmith relies on. Errors name the JSON path of the bad field. The
 * validated object is returned exactly as parsed, unknown fields included, so writing it back
 * loses nothing. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { digestAlgorithm, isDigest, parseDigest, type Digest } from './digest.ts';
import { DigestMismatchError, LimitExceededError, OciFormatError } from './errors.ts';
import type { ConfigFile, Descriptor, IndexManifest, Manifest } from './image.ts';
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

type Json = Record<string, unknown>;

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
  fields.string(doc.architecture, 'architecture');
  fields.string(doc.os, 'os');
  fields.optional(doc, 'variant', (v, p) => fields.string(v, p));
  fields.optional(doc, 'os.version', (v, p) => fields.string(v, p));
  checkRootfs(fields.object(doc.rootfs, 'rootfs'), fields, options.maxLayers ?? manifestLimits.maxLayers);
  fields.nullable(doc, 'config', (v, p) => checkContainerConfig(fields.object(v, p), fields, p));
  fields.nullable(doc, 'history', (v, p) => fields.array(v, p).forEach((entry, i) => fields.object(entry, `${p}[${i}]`)));
  return doc as unknown as ConfigFile;
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
  const layers = manifest.layers.length;
  const diffIds = config.rootfs.diff_ids.length;
  if (layers !== diffIds) {
    throw new OciFormatError(
      `image manifest lists ${layers} layers but its config's rootfs.diff_ids has ${diffIds} entries; each layer needs exactly one diff_id`,
    );
  }
}

function checkManifest(doc: Json, fields: Fields, options: ParseManifestOptions): Manifest {
  checkEnvelope(doc, fields, { accepts: isImageMediaType, header: options.mediaType });
  fields.descriptor(doc.config, 'config');
  const layers = fields.array(doc.layers, 'layers');
  const maxLayers = options.maxLayers ?? manifestLimits.maxLayers;
  if (layers.length > maxLayers) {
    throw new LimitExceededError(`image manifest has ${layers.length} layers; the limit is ${maxLayers} layers per image`);
  }
  layers.forEach((layer, i) => fields.descriptor(layer, `layers[${i}]`));
  return doc as unknown as Manifest;
}

function checkIndex(doc: Json, fields: Fields, options: ParseManifestOptions): IndexManifest {
  checkEnvelope(doc, fields, { accepts: isIndexMediaType, header: options.mediaType });
  fields.array(doc.manifests, 'manifests').forEach((entry, i) => fields.descriptor(entry, `manifests[${i}]`));
  return doc as unknown as IndexManifest;
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

function checkRootfs(rootfs: Json, fields: Fields, maxLayers: number): void {
  if (rootfs.type !== 'layers') fields.fail('rootfs.type', `expected "layers", got ${describe(rootfs.type)}`);
  const diffIds = fields.array(rootfs.diff_ids, 'rootfs.diff_ids');
  if (diffIds.length > maxLayers) {
    throw new LimitExceededError(`image config has ${diffIds.length} rootfs.diff_ids; the limit is ${maxLayers} layers per image`);
  }
  diffIds.forEach((id, i) => fields.digest(id, `rootfs.diff_ids[${i}]`));
}

function checkContainerConfig(config: Json, fields: Fields, path: string): void {
  for (const key of ['User', 'WorkingDir', 'StopSignal']) fields.optional(config, key, (v, p) => fields.string(v, p), path);
  for (const key of ['Env', 'Entrypoint', 'Cmd']) fields.nullable(config, key, (v, p) => fields.stringArray(v, p), path);
  fields.nullable(config, 'Labels', (v, p) => fields.stringMap(v, p), path);
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return shorten(JSON.stringify(value));
  return typeof value === 'number' || typeof value === 'boolean' ? shorten(String(value)) : typeof value;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(shorten(key))}]`;
}

/** Field checks that report problems as `invalid <what>: <json path>: <problem>`. */
class Fields {
  readonly what: string;

  constructor(what: string) {
    this.what = what;
  }

  as(what: string): Fields {
    return new Fields(what);
  }

  get article(): string {
    return `an ${this.what}`;
  }

  fail(path: string, message: string): never {
    throw new OciFormatError(`invalid ${this.what}: ${path === '' ? '' : `${path}: `}${message}`);
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, `expected a JSON object, got ${describe(value)}`);
    }
    return value as Json;
  }

  array(value: unknown, path: string): unknown[] {
    return Array.isArray(value) ? value : this.fail(path, `expected an array, got ${describe(value)}`);
  }

  string(value: unknown, path: string): string {
    return typeof value === 'string' ? value : this.fail(path, `expected a string, got ${describe(value)}`);
  }

  stringArray(value: unknown, path: string): void {
    this.array(value, path).forEach((item, i) => this.string(item, `${path}[${i}]`));
  }

  stringMap(value: unknown, path: string): void {
    for (const [key, item] of Object.entries(this.object(value, path))) this.string(item, childPath(path, key));
  }

  digest(value: unknown, path: string): Digest {
    if (isDigest(value)) return value;
    return this.fail(path, `${describe(value)} is not a digest; expected "sha256:" followed by 64 lowercase hex characters`);
  }

  /** Runs `check` on `object[key]` unless the key is absent. */
  optional(object: Json, key: string, check: (value: unknown, path: string) => unknown, parent = ''): void {
    if (object[key] !== undefined) check(object[key], childPath(parent, key));
  }

  /** Like `optional`, but `null` counts as absent too. */
  nullable(object: Json, key: string, check: (value: unknown, path: string) => unknown, parent = ''): void {
    if (object[key] !== undefined && object[key] !== null) check(object[key], childPath(parent, key));
  }

  descriptor(value: unknown, path: string): Descriptor {
    const d = this.object(value, path);
    if (this.string(d.mediaType, `${path}.mediaType`) === '') this.fail(`${path}.mediaType`, 'must not be empty');
    this.digest(d.digest, `${path}.digest`);
    if (!Number.isSafeInteger(d.size) || Number(d.size) < 0) {
      this.fail(`${path}.size`, `expected a non-negative integer number of bytes, got ${describe(d.size)}`);
    }
    this.optional(d, 'urls', (v, p) => this.stringArray(v, p), path);
    this.optional(d, 'annotations', (v, p) => this.stringMap(v, p), path);
    this.optional(d, 'artifactType', (v, p) => this.string(v, p), path);
    this.optional(d, 'platform', (v, p) => this.platform(v, p), path);
    return d as unknown as Descriptor;
  }

  platform(value: unknown, path: string): void {
    const p = this.object(value, path);
    this.string(p.os, `${path}.os`);
    this.string(p.architecture, `${path}.architecture`);
    this.optional(p, 'variant', (v, at) => this.string(v, at), path);
    this.optional(p, 'os.version', (v, at) => this.string(v, at), path);
    this.optional(p, 'os.features', (v, at) => this.stringArray(v, at), path);
  }
}
