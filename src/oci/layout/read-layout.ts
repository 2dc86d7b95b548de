/**
 * Reading an OCI image layout: validate `oci-layout`, parse `index.json` once, and hand out lazy
 * images selected by tag, by digest, or as the only (or platform-matching) image.
 */
import { NotFoundError } from '../../shared/index.ts';
import { isDigest, type Digest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';
import type { Descriptor, Image, ImageIndex, IndexManifest, IoOptions, Platform, PlatformImage } from '../image.ts';
import { isImageMediaType, isIndexMediaType } from '../media-types.ts';
import { platformEntries, platformOfConfig, selectManifest } from '../platform.ts';
import { checkOciLayoutFile, parseLayoutIndex, smallFileLimit, tagOf } from './layout-format.ts';
import { LayoutImage, LayoutImageIndex } from './layout-image.ts';
import { DirectoryLayoutSource, type LayoutSource } from './layout-source.ts';

/** Options for choosing an image out of a layout. */
export interface ImageSelectOptions extends IoOptions {
  /** The platform to pick when the selection is an index; defaults to `linux/amd64` (the shared `defaultPlatform`). */
  platform?: Platform;
}

/** An opened OCI image layout. `index()` answers from memory; images are lazy and read their blobs on demand. */
export interface OciLayout {
  /** Where the layout lives (a directory, or a `.cnb` file). */
  readonly location: string;
  /** The parsed `index.json`, as read when the layout was opened. */
  index(): IndexManifest;
  /** The tags (`org.opencontainers.image.ref.name`) of the top-level entries, in `index.json` order. */
  tags(): string[];
  /**
   * The image a selector names: a tag, a digest (top-level entry or a child of a nested index), or
   * none for the only entry. When the selection is an index, the image for `options.platform` is picked.
   * Throws NotFoundError listing the existing tags when nothing matches.
   */
  image(selector?: string, options?: ImageSelectOptions): Promise<Image>;
  /** The index a selector names (same rules as `image`, without platform selection). */
  imageIndex(selector?: string, options?: IoOptions): Promise<ImageIndex>;
  /** Every image a selector names, one per platform: an index's image entries, or the one image with its config's platform. */
  platformImages(selector?: string, options?: IoOptions): Promise<PlatformImage[]>;
}

/** Opens the layout directory `dir`: checks `oci-layout` (version 1.0.0) and parses `index.json`. */
export async function readLayout(dir: string, options: IoOptions = {}): Promise<OciLayout> {
  return openLayout(new DirectoryLayoutSource(dir), options);
}

/** Opens a layout from any LayoutSource (directory or tar). */
export async function openLayout(source: LayoutSource, options: IoOptions = {}): Promise<OciLayout> {
  const where = source.description;
  const marker = await source.readSmallFile('oci-layout', smallFileLimit, options);
  if (marker === undefined) throw new NotFoundError(`${where} is not an OCI image layout: oci-layout is missing`);
  checkOciLayoutFile(marker, where);
  const indexBytes = await source.readSmallFile('index.json', smallFileLimit, options);
  if (indexBytes === undefined) throw new NotFoundError(`${where} is not an OCI image layout: index.json is missing`);
  return new SourceLayout(source, parseLayoutIndex(indexBytes, where));
}

class SourceLayout implements OciLayout {
  readonly #source: LayoutSource;
  readonly #index: IndexManifest;

  constructor(source: LayoutSource, index: IndexManifest) {
    this.#source = source;
    this.#index = index;
  }

  get location(): string {
    return this.#source.description;
  }

  index(): IndexManifest {
    return this.#index;
  }

  tags(): string[] {
    return this.#index.manifests.map((d) => tagOf(d)).filter((t): t is string => t !== undefined);
  }

  async image(selector?: string, options: ImageSelectOptions = {}): Promise<Image> {
    const descriptor = await this.#select(selector);
    return this.imageAt(descriptor, options);
  }

  async imageIndex(selector?: string): Promise<ImageIndex> {
    const descriptor = await this.#select(selector);
    if (!isIndexMediaType(descriptor.mediaType)) {
      throw new OciFormatError(`${this.#describe(selector)} in ${this.location} is an image (${descriptor.mediaType}), not an index`);
    }
    return new LayoutImageIndex(this.#source, descriptor);
  }

  async platformImages(selector?: string, options: IoOptions = {}): Promise<PlatformImage[]> {
    const descriptor = await this.#select(selector);
    if (!isIndexMediaType(descriptor.mediaType)) {
      const image = await this.imageAt(descriptor, options);
      return [{ platform: platformOfConfig(await image.configFile(options)), image }];
    }
    const entries = platformEntries(await new LayoutImageIndex(this.#source, descriptor).indexManifest());
    return entries.map((entry) => ({ platform: entry.platform, image: new LayoutImage(this.#source, entry) }));
  }

  /** The image behind a descriptor of this layout, following an index to the platform's image. */
  async imageAt(descriptor: Descriptor, options: ImageSelectOptions = {}): Promise<Image> {
    if (isImageMediaType(descriptor.mediaType)) return new LayoutImage(this.#source, descriptor);
    if (!isIndexMediaType(descriptor.mediaType)) {
      throw new OciFormatError(`${descriptor.digest} in ${this.location} has unsupported media type ${descriptor.mediaType}`);
    }
    const nested = new LayoutImageIndex(this.#source, descriptor);
    // PlatformNotFoundError already lists what the index offers; its code is kept for callers.
    const child = selectManifest(await nested.indexManifest(), options.platform);
    return this.imageAt(child, options);
  }

  async #select(selector: string | undefined): Promise<Descriptor> {
    if (selector === undefined) return this.#only();
    if (isDigest(selector)) return this.#byDigest(selector);
    const matches = this.#index.manifests.filter((d) => tagOf(d) === selector);
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) throw new OciFormatError(`${this.location}: tag "${selector}" is on ${matches.length} entries of index.json`);
    throw new NotFoundError(`no image tagged "${selector}" in ${this.location}; tags: ${this.#tagList()}`);
  }

  #only(): Descriptor {
    const [first, ...rest] = this.#index.manifests;
    if (first === undefined) throw new NotFoundError(`${this.location} holds no images`);
    if (rest.length > 0) {
      throw new NotFoundError(`${this.location} holds ${this.#index.manifests.length} entries; name one by tag or digest (tags: ${this.#tagList()})`);
    }
    return first;
  }

  /** Finds a digest among the top-level entries, then among the children of nested indexes (breadth first). */
  async #byDigest(digest: Digest): Promise<Descriptor> {
    let level: Descriptor[] = this.#index.manifests;
    for (let depth = 0; depth < 4 && level.length > 0; depth++) {
      const found = level.find((d) => d.digest === digest);
      if (found) return found;
      level = await this.#children(level);
    }
    throw new NotFoundError(`no manifest ${digest} in ${this.location}; tags: ${this.#tagList()}`);
  }

  async #children(level: Descriptor[]): Promise<Descriptor[]> {
    const indexes = level.filter((d) => isIndexMediaType(d.mediaType));
    const lists = await Promise.all(indexes.map(async (d) => (await new LayoutImageIndex(this.#source, d).indexManifest()).manifests));
    return lists.flat();
  }

  #tagList(): string {
    const tags = this.tags();
    return tags.length > 0 ? tags.map((t) => `"${t}"`).join(', ') : '(none)';
  }

  #describe(selector: string | undefined): string {
    return selector === undefined ? 'the only entry' : `"${selector}"`;
  }
}
