/**
 * Lazy Image and ImageIndex values backed by a registry. The manifest is fetched up front (it is
 * the identity); the config is fetched once when first asked for; layers are handles whose bytes
 * stream from the registry only when read, and which remember this repository as a location so a
 * push to the same registry can mount them instead of uploading.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';
import type { ConfigFile, Descriptor, Image, ImageIndex, IndexManifest, IoOptions, Layer, Manifest } from '../image.ts';
import { layerFromDescriptor } from '../layers.ts';
import { inLocation } from '../format-location.ts';
import { layersWithDiffIds, manifestLimits, parseAnyManifest, parseConfigFile, type AnyManifest } from '../manifest.ts';
import { mediaTypes, type MediaType } from '../media-types.ts';
import { memoizeIo } from '../partial.ts';
import { openBlob, readBlob, type BlobRequest } from './blob-reader.ts';
import { getManifest, type FetchedManifest, type RepositoryContext } from './manifest-fetch.ts';
import { locationKeyOf } from './content-cache.ts';

/** A repository context without a per-call signal: values created here outlive the call that made them. */
export type RemoteSource = Omit<RepositoryContext, 'signal'>;

/** Builds the Image or ImageIndex that a fetched manifest describes. */
export function remoteValue(source: RemoteSource, fetched: FetchedManifest): { kind: 'image'; image: Image } | { kind: 'index'; index: ImageIndex } {
  const parsed = parseRemoteManifest(source, fetched);
  if (parsed.kind === 'index') return { kind: 'index', index: new RemoteIndex(source, fetched, parsed.index) };
  return { kind: 'image', image: new RemoteImage(source, fetched, parsed.manifest) };
}

/** Parses a fetched manifest; format errors name the manifest (`registry/repository@digest: …`). */
export function parseRemoteManifest(source: RemoteSource, fetched: FetchedManifest): AnyManifest {
  return inLocation(manifestName(source, fetched), () => parseAnyManifest(fetched.bytes, fetched.contentType));
}

function manifestName(source: RemoteSource, fetched: FetchedManifest): string {
  return `${source.registry}/${source.repository}@${fetched.digest}`;
}

/** A config blob, from the transport's content cache when it holds it (no request), else fetched and cached. */
async function readConfigBlob(request: BlobRequest): Promise<Uint8Array> {
  const cache = request.transport.contentCache;
  const where = locationKeyOf(request.registry, request.repository);
  const cached = await cache?.blob(request.digest, where);
  if (cached !== undefined && cached.length === request.size) return cached;
  const bytes = await readBlob(request, manifestLimits.maxConfigBytes);
  await cache?.putBlob(request.digest, bytes, where);
  return bytes;
}

/** An image whose manifest came from a registry. */
export class RemoteImage implements Image {
  readonly #source: RemoteSource;
  readonly #fetched: FetchedManifest;
  readonly #manifest: Manifest;
  readonly #rawConfig: (options?: IoOptions) => Promise<Uint8Array>;
  readonly #config: (options?: IoOptions) => Promise<ConfigFile>;
  readonly #layers: (options?: IoOptions) => Promise<Layer[]>;

  constructor(source: RemoteSource, fetched: FetchedManifest, manifest: Manifest) {
    this.#source = source;
    this.#fetched = fetched;
    this.#manifest = manifest;
    const { digest, size } = manifest.config;
    this.#rawConfig = memoizeIo((io) => readConfigBlob({ ...source, digest, size, signal: io.signal }));
    const where = manifestName(source, fetched);
    this.#config = memoizeIo(async (io) => {
      const raw = await this.#rawConfig(io);
      return inLocation(`config ${digest} of ${where}`, () => parseConfigFile(raw));
    });
    this.#layers = memoizeIo(async (io) => this.#makeLayers(await this.#config(io)));
  }

  mediaType(): Promise<MediaType> {
    return Promise.resolve(this.#manifest.mediaType ?? this.#fetched.contentType ?? mediaTypes.ociManifest);
  }

  rawManifest(): Promise<Uint8Array> {
    return Promise.resolve(Uint8Array.from(this.#fetched.bytes));
  }

  manifest(): Promise<Manifest> {
    return Promise.resolve(structuredClone(this.#manifest));
  }

  digest(): Promise<Digest> {
    return Promise.resolve(this.#fetched.digest);
  }

  async rawConfigFile(options?: IoOptions): Promise<Uint8Array> {
    return Uint8Array.from(await this.#rawConfig(options));
  }

  async configFile(options?: IoOptions): Promise<ConfigFile> {
    return structuredClone(await this.#config(options));
  }

  async layers(options?: IoOptions): Promise<Layer[]> {
    return [...(await this.#layers(options))];
  }

  #makeLayers(config: ConfigFile): Layer[] {
    const location = { registry: this.#source.registry, repository: this.#source.repository };
    const layers = inLocation(manifestName(this.#source, this.#fetched), () => layersWithDiffIds(this.#manifest, config));
    return layers.map(({ descriptor, diffId }) =>
      layerFromDescriptor({
        descriptor,
        diffId,
        locations: [location],
        // The layer verifies digest and size itself, so the blob stream only resumes dropped connections.
        open: (options: IoOptions): Promise<Readable> =>
          openBlob({ ...this.#source, digest: descriptor.digest, size: descriptor.size, signal: options.signal }, { verify: false }),
      }),
    );
  }
}

/** An index whose manifest came from a registry; children are fetched by digest when asked for. */
export class RemoteIndex implements ImageIndex {
  readonly #source: RemoteSource;
  readonly #fetched: FetchedManifest;
  readonly #index: IndexManifest;

  constructor(source: RemoteSource, fetched: FetchedManifest, index: IndexManifest) {
    this.#source = source;
    this.#fetched = fetched;
    this.#index = index;
  }

  mediaType(): Promise<MediaType> {
    return Promise.resolve(this.#index.mediaType ?? this.#fetched.contentType ?? mediaTypes.ociIndex);
  }

  rawManifest(): Promise<Uint8Array> {
    return Promise.resolve(Uint8Array.from(this.#fetched.bytes));
  }

  indexManifest(): Promise<IndexManifest> {
    return Promise.resolve(structuredClone(this.#index));
  }

  digest(): Promise<Digest> {
    return Promise.resolve(this.#fetched.digest);
  }

  async image(digest: Digest, options: IoOptions = {}): Promise<Image> {
    const child = await this.#child(digest, options);
    if (child.kind !== 'image') throw new OciFormatError(`index child ${digest} is an index, not an image`);
    return child.image;
  }

  async imageIndex(digest: Digest, options: IoOptions = {}): Promise<ImageIndex> {
    const child = await this.#child(digest, options);
    if (child.kind !== 'index') throw new OciFormatError(`index child ${digest} is an image, not an index`);
    return child.index;
  }

  /** The child's descriptor as listed in this index, or undefined. */
  descriptorOf(digest: Digest): Descriptor | undefined {
    return this.#index.manifests.find((d) => d.digest === digest);
  }

  async #child(digest: Digest, options: IoOptions): Promise<ReturnType<typeof remoteValue>> {
    const listed = this.descriptorOf(digest);
    if (listed === undefined) throw new OciFormatError(`index ${this.#fetched.digest} does not list ${digest}`);
    return remoteValue(this.#source, await getManifest({ ...this.#source, signal: options.signal }, digest));
  }
}
