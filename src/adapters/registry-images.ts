/**
 * Images in registries, through the oci registry client: one RegistryTransport per credential key
 * (so every image travels with the credentials of whoever owns it, and resources sharing a
 * ServiceAccount share connections, tokens and ping results), bounded with idle eviction; reads by reference, idempotent
 * writes (skipped when the tag already names the digest; extra tags only when pushed), and lazy
 * buildpack layers that a push to the same registry mounts and any other push streams on demand.
 */
import type { FetchedImage, FetchedPlatformImage, ProgressCallback, StoredBlob, WriteResult } from '../app/index.ts';
import type {
  ContentCache,
  HostLimiter,
  Image,
  ImageIndex,
  IoOptions,
  Keychain,
  Layer,
  Platform,
  RegistryTransport,
  TransferTotals,
  TransportOptions,
} from '../oci/index.ts';
import { storedBlobDigests } from './stored-blob.ts';
import { TransportPool, type TransportPoolOptions } from './transport-pool.ts';
import {
  createHostPause,
  fetchBlob,
  headManifest,
  layerFromDescriptor,
  listTags,
  mediaTypes,
  parseReference,
  parseRepository,
  pushImage,
  pushIndex,
  remoteImage,
  remotePlatformImages,
  repositoryOf,
} from '../oci/index.ts';

/** Registry settings shared by every transport (insecure hosts, CAs, logger, request hook). */
export type RegistrySettings = Omit<TransportOptions, 'keychain'>;

/** How transports are keyed and bounded. */
export interface TransportKeying extends TransportPoolOptions {
  /**
   * The stable key of a keychain (the controller's keychain cache gives its credential key); keychains
   * without one are keyed by identity, which suits local mode's single Docker-config keychain.
   */
  keyOf?: (keychain: Keychain) => string | undefined;
  /** A content cache for each new transport (the controller's in-memory one), instead of one for all in `settings`. */
  contentCacheOf?: () => ContentCache;
}

/** Registry access with keyed, bounded transports; `close()` when done. */
export class RegistryImages {
  readonly #settings: RegistrySettings;
  readonly #pool: TransportPool;
  readonly #keyOf: (keychain: Keychain) => string | undefined;
  readonly #contentCacheOf: (() => ContentCache) | undefined;
  readonly #identities = new WeakMap<Keychain, string>();
  #nextIdentity = 0;

  constructor(settings: RegistrySettings = {}, keying: TransportKeying = {}) {
    // One pause and one concurrency bound per host for all transports: a registry sees one client, whatever credentials it sends.
    this.#settings = {
      ...settings,
      hostPause: settings.hostPause ?? createHostPause(settings),
      hostLimiters: settings.hostLimiters ?? new Map<string, HostLimiter>(),
    };
    this.#pool = new TransportPool(keying);
    this.#keyOf = keying.keyOf ?? ((): undefined => undefined);
    this.#contentCacheOf = keying.contentCacheOf;
  }

  /** The transport that carries `keychain`'s credentials (created on first use, or again after eviction). */
  transport(keychain: Keychain): RegistryTransport {
    return this.#pool.get(this.#keyOf(keychain) ?? this.#identityOf(keychain), () => ({
      ...this.#settings,
      ...(this.#contentCacheOf ? { contentCache: this.#contentCacheOf() } : {}),
      keychain,
    }));
  }

  /** Stops reusing the transport under `key`, which closes once quiet (the keychain cache calls this when it drops a keychain). */
  release(key: string): void {
    this.#pool.evict(key);
  }

  /** Registry hosts whose requests are paused now because they throttled (429). */
  pausedHosts(): string[] {
    return this.#settings.hostPause?.paused() ?? [];
  }

  /** Transports open now. */
  transportCount(): number {
    return this.#pool.size();
  }

  /** The image (`io.platform`, default linux/amd64, out of an index) and `<repository>@<digest>`. */
  async read(reference: string, keychain: Keychain, io: IoOptions & { platform?: Platform } = {}): Promise<FetchedImage> {
    const ref = parseReference(reference);
    const image = await remoteImage(ref, { transport: this.transport(keychain), signal: io.signal, ...(io.platform ? { platform: io.platform } : {}) });
    return { image, identifier: `${repositoryOf(ref)}@${await image.digest(io)}` };
  }

  /** Every image the reference names, one per platform, each pinned as `<repository>@<digest>`. */
  async readAll(reference: string, keychain: Keychain, io: IoOptions = {}): Promise<FetchedPlatformImage[]> {
    const ref = parseReference(reference);
    const members = await remotePlatformImages(ref, { transport: this.transport(keychain), signal: io.signal });
    return Promise.all(members.map(async ({ platform, image }) => ({ platform, image, identifier: `${repositoryOf(ref)}@${await image.digest(io)}` })));
  }

  /** Pushes the index (its images by digest) unless `reference` already names it; extra tags only when pushed. */
  async writeIndex(
    index: ImageIndex,
    reference: string,
    options: IoOptions & { keychain: Keychain; tags?: readonly string[]; onProgress?: ProgressCallback },
  ): Promise<WriteResult> {
    const result = await pushIndex(index, parseReference(reference), {
      transport: this.transport(options.keychain),
      tags: options.tags,
      tagsOnlyWhenPushed: true,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return { identifier: `${reference}@${result.digest}`, digest: result.digest, pushed: result.changed };
  }

  /** The digest `reference` names now, by one HEAD, sent once (no retries: the caller backs off); undefined on 404. */
  async headDigest(reference: string, keychain: Keychain, io: IoOptions = {}): Promise<string | undefined> {
    return headManifest(parseReference(reference), { transport: this.transport(keychain), signal: io.signal, retry: false });
  }

  /** Every tag of `repository`, each page requested once (no retries: the caller backs off). */
  async listTags(repository: string, keychain: Keychain, io: IoOptions & { pageSize?: number } = {}): Promise<string[]> {
    const options = { transport: this.transport(keychain), signal: io.signal, retry: false, ...(io.pageSize ? { pageSize: io.pageSize } : {}) };
    return listTags(parseRepository(repository), options);
  }

  /** Pushes unless `reference` already names the digest (a failed check just means "push"). */
  async write(
    image: Image,
    reference: string,
    options: IoOptions & { keychain: Keychain; tags?: readonly string[]; onProgress?: ProgressCallback },
  ): Promise<WriteResult> {
    const ref = parseReference(reference);
    const transport = this.transport(options.keychain);
    // pushImage checks the tag first (one HEAD) and sends nothing when it already names the digest;
    // the extra tags are written only after a real push, so an unchanged image gets no new tags.
    const result = await pushImage(image, ref, {
      transport,
      tags: options.tags,
      tagsOnlyWhenPushed: true,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return { identifier: `${reference}@${result.digest}`, digest: result.digest, pushed: result.changed };
  }

  /** A layer known by digest: mountable from its repository, fetched with the supplier's keychain only when read. */
  lazyLayer(blob: StoredBlob): Layer {
    const ref = parseReference(blob.image);
    const { digest, diffId } = storedBlobDigests(blob);
    const descriptor = { mediaType: mediaTypes.ociLayerGzip, digest, size: blob.size };
    return layerFromDescriptor({
      descriptor,
      diffId,
      locations: [{ registry: ref.registry, repository: ref.repository }],
      open: (io) => fetchBlob(ref, descriptor, { transport: this.transport(blob.keychain), signal: io.signal }),
    });
  }

  /** Request totals over every transport, closed ones included (requests made, bytes up and down). */
  totals(): TransferTotals {
    return this.#pool.totals();
  }

  /** Closes every transport's connections. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  #identityOf(keychain: Keychain): string {
    let id = this.#identities.get(keychain);
    if (id === undefined) {
      id = `keychain-${++this.#nextIdentity}`;
      this.#identities.set(keychain, id);
    }
    return id;
  }
}
