/**
 * The small files of an OCI image layout (`oci-layout`, `index.json`): names, parsing with
 * clear errors, and the deterministic serialisation packsmith writes.
 */
import { isJsonObject, type JsonObject } from '../../shared/index.ts';
import { OciFormatError } from '../errors.ts';
import type { Descriptor, IndexManifest } from '../image.ts';
import { inLocation } from '../format-location.ts';
import { parseIndexManifest } from '../manifest.ts';
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
  const version = isJsonObject(parsed) ? parsed.imageLayoutVersion : undefined;
  if (version !== imageLayoutVersion) {
    throw new OciFormatError(`${where}/oci-layout: unsupported imageLayoutVersion ${JSON.stringify(version)}; expected "${imageLayoutVersion}"`);
  }
}

/** Parses `index.json` with the shared index validation; errors name the file. */
export function parseLayoutIndex(bytes: Uint8Array, where: string): IndexManifest {
  return inLocation(`${where}/index.json`, () => parseIndexManifest(bytes, { maxBytes: smallFileLimit }));
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
  const at = manifests.findIndex((m) => (tag === undefined ? tagOf(m) === undefined && m.digest === entry.digest : tagOf(m) === tag));
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
  const ordered = orderKeys(index, indexKeyOrder);
  ordered.manifests = index.manifests.map((d) => orderDescriptor(d));
  return JSON.stringify(ordered);
}

function orderDescriptor(descriptor: Descriptor): JsonObject {
  const ordered = orderKeys(descriptor, descriptorKeyOrder);
  if (descriptor.annotations) ordered.annotations = orderKeys(descriptor.annotations, []);
  return ordered;
}

// Takes `unknown` so typed documents need no index signature; they are always objects here.
function orderKeys(document: unknown, known: readonly string[]): JsonObject {
  const value = isJsonObject(document) ? document : {};
  const rest = Object.keys(value)
    .filter((k) => !known.includes(k))
    .sort();
  const out: JsonObject = {};
  for (const key of [...known, ...rest]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}
