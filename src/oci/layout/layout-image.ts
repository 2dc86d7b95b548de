/**
 * Lazy Image, Layer and ImageIndex values backed by a LayoutSource. Identity comes from the
 * descriptors; manifests and configs are read once when first asked for and validated by the
 * shared parsers; layer bytes stream from the blob on every call and are verified against their
 * digest (and the tar against its diffID). Layers know no registry location.
 */
import { memoize, NotFoundError } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import { LimitExceededError, OciFormatError } from '../errors.ts';
import type { ConfigFile, Descriptor, Image, ImageIndex, IndexManifest, Layer, Manifest } from '../image.ts';
import { layersWithDiffIds, manifestLimits, parseConfigFile, parseIndexManifest, parseManifest } from '../manifest.ts';
import { isImageMediaType, isIndexMediaType, type MediaType } from '../media-types.ts';
import { chainStreams, createVerifyingStream, layerFromCompressed } from '../partial.ts';
import { readBounded } from './blob-stream.ts';
import { inLocation } from '../format-location.ts';
import type { LayoutSource } from './layout-source.ts';

/** Reads a small blob (manifest, index or config) into memory, verified, refusing one over `limit` bytes. */
export async function readVerifiedBlob(source: LayoutSource, descriptor: Descriptor, what: string, limit: number): Promise<Uint8Array> {
  if (descriptor.size > limit) {
    throw new LimitExceededError(`${what} ${descriptor.digest} in ${source.description} is ${descriptor.size} bytes; the limit is ${limit}`);
  }
  const raw = await source.openBlob(descriptor.digest);
  const verified = chainStreams(raw, createVerifyingStream({ what: `${what} in ${source.description}`, digest: descriptor.digest, size: descriptor.size }));
  return readBounded(verified, limit, what);
}

/** A layer of a layout image: a compressed core whose digest, size and diffID are already known. */
function layoutLayer(source: LayoutSource, descriptor: Descriptor, diffId: Digest): Layer {
  return layerFromCompressed({
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    diffId,
    // A layout is local: there is no registry to mount from.
    locations: [],
    open: (options) => source.openBlob(descriptor.digest, options),
  });
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
    const where = `${what} in ${source.description}`;
    this.#raw = memoize(() => readVerifiedBlob(source, descriptor, what, manifestLimits.maxManifestBytes));
    this.#manifest = memoize(async () => {
      const raw = await this.#raw();
      return inLocation(where, () => parseManifest(raw));
    });
    this.#rawConfig = memoize(async () => readVerifiedBlob(source, (await this.#manifest()).config, `config of ${what}`, manifestLimits.maxConfigBytes));
    this.#config = memoize(async () => {
      const raw = await this.#rawConfig();
      return inLocation(`config of ${where}`, () => parseConfigFile(raw));
    });
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

  /** Reads the config too: each layer's diffID is its `rootfs.diff_ids` entry. */
  async layers(): Promise<Layer[]> {
    const manifest = await this.#manifest();
    const config = await this.#config();
    const layers = inLocation(this.#source.description, () => layersWithDiffIds(manifest, config));
    return layers.map(({ descriptor, diffId }) => layoutLayer(this.#source, descriptor, diffId));
  }
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
    this.#raw = memoize(() => readVerifiedBlob(source, descriptor, what, manifestLimits.maxManifestBytes));
    this.#index = memoize(async () => {
      const raw = await this.#raw();
      return inLocation(`${what} in ${source.description}`, () => parseIndexManifest(raw));
    });
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
    if (child === undefined) throw new NotFoundError(`index ${this.#descriptor.digest} in ${this.#source.description} has no child ${digest}`);
    return child;
  }
}
