/**
 * The small files of an OCI image layout (`oci-layout`, `index.json`): names, parsing with
 * clear errors, and the deterministic serialisation packsmith writes.
 */
import { isDigest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';
import type { Descriptor, IndexManifest, Manifest } from '../image.ts';
import { mediaTypes } from '../media-types.ts';

/** The only layout version defined by the OCI image spec. */
export const imageLayoutVersion = '1.0.0';

/** The annotation on an `index.json` entry that carries its tag. */
export const refNameAnnotation = 'org.opencontainers.image.ref.name';

/** Upper bound for `oci-layout`, `index.json`, manifests and configs read into memory (bytes). */
export const smallFileLimit = 8 * 1024 * 1024;

/** Content of the `oci-layout` file as packsmith writes it. */
export const ociLayoutFileContent = `{"imageLayoutVersion":"${imageLayoutVersion}"}`;

/** Checks the `oci-layout` marker file; throws OciFormatError naming `where` on a bad or unknown version. */
export function checkOciLayoutFile(bytes: Uint8Array, where: string): void {
  const parsed = parseJson(bytes, `${where}/oci-layout`);
  const version = (parsed as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (version !== imageLayoutVersion) {
    throw new OciFormatError(
      `${where}/oci-layout: unsupported imageLayoutVersion ${JSON.stringify(version)}; expected "${imageLayoutVersion}"`,
    );
  }
}

/** Parses `index.json`, checking the fields packsmith relies on (schema version, descriptors with digests). */
export function parseLayoutIndex(bytes: Uint8Array, where: string): IndexManifest {
  return parseIndexBlob(bytes, `${where}/index.json`);
}

/** Parses an index manifest blob (`index.json` or a nested index) with the same checks. */
export function parseIndexBlob(bytes: Uint8Array, what: string): IndexManifest {
  const parsed = parseJson(bytes, what) as Partial<IndexManifest> | null;
  if (parsed === null || typeof parsed !== 'object' || parsed.schemaVersion !== 2) {
    throw new OciFormatError(`${what}: expected an object with schemaVersion 2`);
  }
  if (!Array.isArray(parsed.manifests)) throw new OciFormatError(`${what}: "manifests" must be an array`);
  parsed.manifests.forEach((entry, i) => checkDescriptor(entry, `${what} manifests[${i}]`));
  return parsed as IndexManifest;
}

/** Parses an image manifest blob; a stand-in for the shared manifest parser with the checks layouts need. */
export function parseManifestBlob(bytes: Uint8Array, what: string): Manifest {
  const parsed = parseJson(bytes, what) as Partial<Manifest> | null;
  if (parsed === null || typeof parsed !== 'object' || parsed.schemaVersion !== 2) {
    throw new OciFormatError(`${what}: expected an image manifest with schemaVersion 2`);
  }
  checkDescriptor(parsed.config, `${what} config`);
  if (!Array.isArray(parsed.layers)) throw new OciFormatError(`${what}: "layers" must be an array`);
  parsed.layers.forEach((layer, i) => checkDescriptor(layer, `${what} layers[${i}]`));
  return parsed as Manifest;
}

function checkDescriptor(value: unknown, what: string): asserts value is Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (d === null || typeof d !== 'object') throw new OciFormatError(`${what}: expected a descriptor object`);
  if (typeof d.mediaType !== 'string') throw new OciFormatError(`${what}: "mediaType" must be a string`);
  if (!isDigest(d.digest)) throw new OciFormatError(`${what}: invalid digest ${JSON.stringify(d.digest)}`);
  if (!Number.isSafeInteger(d.size) || (d.size ?? -1) < 0) {
    throw new OciFormatError(`${what}: "size" must be a non-negative integer`);
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new OciFormatError(`${what} is not valid JSON`, { cause: error });
  }
}

/** The tag of an `index.json` entry, if it has one. */
export function tagOf(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.[refNameAnnotation];
}

/** An empty `index.json` document. */
export function emptyLayoutIndex(): IndexManifest {
  return { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] };
}

/**
 * Adds `entry` to `index`: an entry with the same tag is replaced in place; an untagged entry with
 * the same digest is not duplicated. Returns a new index; the argument is not modified.
 */
export function upsertIndexEntry(index: IndexManifest, entry: Descriptor): IndexManifest {
  const tag = tagOf(entry);
  const manifests = [...index.manifests];
  const at = manifests.findIndex((m) =>
    tag === undefined ? tagOf(m) === undefined && m.digest === entry.digest : tagOf(m) === tag,
  );
  if (at >= 0) manifests[at] = entry;
  else manifests.push(entry);
  return { ...index, manifests };
}

const descriptorKeyOrder = ['mediaType', 'artifactType', 'digest', 'size', 'urls', 'annotations', 'platform'];
const indexKeyOrder = ['schemaVersion', 'mediaType', 'artifactType', 'manifests', 'subject', 'annotations'];

/**
 * Serialises `index.json` deterministically: known keys in a fixed order, unknown keys after them
 * sorted, annotation maps sorted, no whitespace. Equal indexes give equal bytes.
 */
export function serializeLayoutIndex(index: IndexManifest): string {
  const ordered = orderKeys(index as unknown as Record<string, unknown>, indexKeyOrder);
  ordered.manifests = index.manifests.map((d) => orderDescriptor(d));
  return JSON.stringify(ordered);
}

function orderDescriptor(descriptor: Descriptor): Record<string, unknown> {
  const ordered = orderKeys(descriptor as unknown as Record<string, unknown>, descriptorKeyOrder);
  if (descriptor.annotations) ordered.annotations = orderKeys(descriptor.annotations, []);
  return ordered;
}

function orderKeys(value: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const rest = Object.keys(value)
    .filter((k) => !known.includes(k))
    .sort();
  const out: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}
