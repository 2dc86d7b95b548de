/**
 * Lazy Image, Layer and ImageIndex values backed by a LayoutSource. Identity comes from the
 * descriptors; manifests and configs are read once when first asked for; layer bytes stream from
 * the blob on every call and are verified against their digest. Layers know no registry location.
 */
import type { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { pipeline } from 'node:stream';
import { memoize } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';
import type { ConfigFile, Descriptor, Image, ImageIndex, IndexManifest, IoOptions, Layer, Manifest } from '../image.ts';
import { isImageMediaType, isIndexMediaType, type MediaType } from '../media-types.ts';
import { readBounded, verifyBlobStream } from './blob-stream.ts';
import { parseIndexBlob, parseManifestBlob, smallFileLimit } from './layout-format.ts';
import type { LayoutSource } from './layout-source.ts';

/** Opens the blob a descriptor names, verifying digest and size while it streams. */
export async function openVerifiedBlob(source: LayoutSource, descriptor: Descriptor, what: string, options?: IoOptions): Promise<Readable> {
  const raw = await source.openBlob(descriptor.digest, options);
  return verifyBlobStream(raw, { digest: descriptor.digest, size: descriptor.size, what: `${what} in ${source.description}` });
}

/** Reads a small blob (manifest or config) into memory after checking its descriptor's size against the limit. */
export async function readVerifiedBlob(source: LayoutSource, descriptor: Descriptor, what: string, options?: IoOptions): Promise<Uint8Array> {
  if (descriptor.size > smallFileLimit) {
    throw new OciFormatError(`${what} ${descriptor.digest} claims ${descriptor.size} bytes, over the ${smallFileLimit}-byte limit`);
  }
  return readBounded(await openVerifiedBlob(source, descriptor, what, options), smallFileLimit, what);
}

/** One layer blob of a layout image; its diffID comes from the image config. */
class LayoutLayer implements Layer {
  readonly locations: readonly [] = [];
  readonly #source: LayoutSource;
  readonly #descriptor: Descriptor;
  readonly #diffId: (options?: IoOptions) => Promise<Digest>;

  constructor(source: LayoutSource, descriptor: Descriptor, diffId: (options?: IoOptions) => Promise<Digest>) {
    this.#source = source;
    this.#descriptor = descriptor;
    this.#diffId = diffId;
  }

  digest(): Promise<Digest> {
    return Promise.resolve(this.#descriptor.digest);
  }

  diffId(options?: IoOptions): Promise<Digest> {
    return this.#diffId(options);
  }

  size(): Promise<number> {
    return Promise.resolve(this.#descriptor.size);
  }

  mediaType(): Promise<MediaType> {
    return Promise.resolve(this.#descriptor.mediaType);
  }

  compressed(options?: IoOptions): Promise<Readable> {
    return openVerifiedBlob(this.#source, this.#descriptor, `layer ${this.#descriptor.digest}`, options);
  }

  async uncompressed(options?: IoOptions): Promise<Readable> {
    const stream = await this.compressed(options);
    const mediaType = this.#descriptor.mediaType;
    const noop = (): void => {};
    // Media types name the compression by suffix (OCI `+gzip`/`+zstd`, Docker `.tar.gzip`).
    if (/gzip$/.test(mediaType)) return pipeline(stream, createGunzip(), noop);
    if (/zstd$/.test(mediaType)) return pipeline(stream, createZstdDecompress(), noop);
    return stream;
  }
}

/** A single-platform image whose manifest is the blob named by `descriptor`. */
export class LayoutImage implements Image {
  readonly #source: LayoutSource;
  readonly #descriptor: Descriptor;
  readonly #raw: () => Promise<Uint8Array>;
  readonly #manifest: () => Promise<Manifest>;
  readonly #rawConfig: () => Promise<Uint8Array>;
  readonly #config: () => Promise<ConfigFile>;

  constructor(source: LayoutSource, descriptor: Descriptor) {
    this.#source = source;
    this.#descriptor = descriptor;
    const what = `manifest ${descriptor.digest}`;
    this.#raw = memoize(() => readVerifiedBlob(source, descriptor, what));
    this.#manifest = memoize(async () => parseManifestBlob(await this.#raw(), what));
    this.#rawConfig = memoize(async () => readVerifiedBlob(source, (await this.#manifest()).config, `config of ${what}`));
    this.#config = memoize(async () => parseConfig(await this.#rawConfig(), `config of ${what}`));
  }

  async mediaType(): Promise<MediaType> {
    return (await this.#manifest()).mediaType ?? this.#descriptor.mediaType;
  }

  rawManifest(): Promise<Uint8Array> {
    return this.#raw();
  }

  manifest(): Promise<Manifest> {
    return this.#manifest();
  }

  digest(): Promise<Digest> {
    return Promise.resolve(this.#descriptor.digest);
  }

  rawConfigFile(): Promise<Uint8Array> {
    return this.#rawConfig();
  }

  configFile(): Promise<ConfigFile> {
    return this.#config();
  }

  async layers(): Promise<Layer[]> {
    const manifest = await this.#manifest();
    return manifest.layers.map((descriptor, i) => new LayoutLayer(this.#source, descriptor, () => this.#diffIdAt(i)));
  }

  async #diffIdAt(i: number): Promise<Digest> {
    const diffIds = (await this.#config()).rootfs.diff_ids;
    const diffId = diffIds[i];
    if (diffId === undefined) {
      throw new OciFormatError(`image ${this.#descriptor.digest}: layer ${i} has no entry in rootfs.diff_ids (${diffIds.length} entries)`);
    }
    return diffId;
  }
}

function parseConfig(bytes: Uint8Array, what: string): ConfigFile {
  let parsed: Partial<ConfigFile> | null;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ConfigFile> | null;
  } catch (error) {
    throw new OciFormatError(`${what} is not valid JSON`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.rootfs?.diff_ids)) {
    throw new OciFormatError(`${what}: missing rootfs.diff_ids`);
  }
  return parsed as ConfigFile;
}

/** A (nested) image index stored as a blob of the layout. */
export class LayoutImageIndex implements ImageIndex {
  readonly #source: LayoutSource;
  readonly #descriptor: Descriptor;
  readonly #raw: () => Promise<Uint8Array>;
  readonly #index: () => Promise<IndexManifest>;

  constructor(source: LayoutSource, descriptor: Descriptor) {
    this.#source = source;
    this.#descriptor = descriptor;
    const what = `index ${descriptor.digest}`;
    this.#raw = memoize(() => readVerifiedBlob(source, descriptor, what));
    this.#index = memoize(async () => parseIndexBlob(await this.#raw(), `${what} in ${source.description}`));
  }

  async mediaType(): Promise<MediaType> {
    return (await this.#index()).mediaType ?? this.#descriptor.mediaType;
  }

  rawManifest(): Promise<Uint8Array> {
    return this.#raw();
  }

  indexManifest(): Promise<IndexManifest> {
    return this.#index();
  }

  digest(): Promise<Digest> {
    return Promise.resolve(this.#descriptor.digest);
  }

  async image(digest: Digest): Promise<Image> {
    const child = await this.#child(digest);
    if (!isImageMediaType(child.mediaType)) throw new OciFormatError(`${digest} in index ${this.#descriptor.digest} is not an image manifest`);
    return new LayoutImage(this.#source, child);
  }

  async imageIndex(digest: Digest): Promise<ImageIndex> {
    const child = await this.#child(digest);
    if (!isIndexMediaType(child.mediaType)) throw new OciFormatError(`${digest} in index ${this.#descriptor.digest} is not an index`);
    return new LayoutImageIndex(this.#source, child);
  }

  async #child(digest: Digest): Promise<Descriptor> {
    const child = (await this.#index()).manifests.find((d) => d.digest === digest);
    if (child === undefined) throw new OciFormatError(`index ${this.#descriptor.digest} has no child ${digest}`);
    return child;
  }
}
