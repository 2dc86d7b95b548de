/**
 * Images in registries, through the oci registry client: one RegistryTransport per keychain (so
 * every image travels with the credentials of whoever owns it), reads by reference, idempotent
 * writes (skipped when the tag already names the digest; extra tags only when pushed), and lazy
 * buildpack layers that a push to the same registry mounts and any other push streams on demand.
 */
import type { FetchedImage, ProgressCallback, StoredBlob, WriteResult } from '../app/index.ts';
import type { Digest, Image, IoOptions, Keychain, Layer, TransportOptions } from '../oci/index.ts';
import { RegistryTransport, fetchBlob, layerFromDescriptor, mediaTypes, parseReference, pushImage, remoteImage, repositoryOf } from '../oci/index.ts';

/** Registry settings shared by every transport (insecure hosts, CAs, logger, request hook). */
export type RegistrySettings = Omit<TransportOptions, 'keychain'>;

/** Registry access with per-keychain transports; `close()` when done. */
export class RegistryImages {
  readonly #settings: RegistrySettings;
  readonly #transports = new Map<Keychain, RegistryTransport>();

  constructor(settings: RegistrySettings = {}) {
    this.#settings = settings;
  }

  /** The transport that carries `keychain`'s credentials (created on first use). */
  transport(keychain: Keychain): RegistryTransport {
    let transport = this.#transports.get(keychain);
    if (!transport) {
      transport = new RegistryTransport({ ...this.#settings, keychain });
      this.#transports.set(keychain, transport);
    }
    return transport;
  }

  /** The image (linux/amd64 out of an index) and `<repository>@<digest>`. */
  async read(reference: string, keychain: Keychain, io: IoOptions = {}): Promise<FetchedImage> {
    const ref = parseReference(reference);
    const image = await remoteImage(ref, { transport: this.transport(keychain), signal: io.signal });
    return { image, identifier: `${repositoryOf(ref)}@${await image.digest(io)}` };
  }

  /** Pushes unless `reference` already names the digest (a failed check just means "push"). */
  async write(image: Image, reference: string, options: IoOptions & { keychain: Keychain; tags?: readonly string[]; onProgress?: ProgressCallback }): Promise<WriteResult> {
    const ref = parseReference(reference);
    const transport = this.transport(options.keychain);
    // pushImage checks the tag first (one HEAD) and sends nothing when it already names the digest;
    // the extra tags are written only after a real push, so an unchanged image gets no new tags.
    const result = await pushImage(image, ref, { transport, tags: options.tags, tagsOnlyWhenPushed: true, onProgress: options.onProgress, signal: options.signal });
    return { identifier: `${reference}@${result.digest}`, digest: result.digest, pushed: result.changed };
  }

  /** A layer known by digest: mountable from its repository, fetched with the supplier's keychain only when read. */
  lazyLayer(blob: StoredBlob): Layer {
    const ref = parseReference(blob.image);
    const descriptor = { mediaType: mediaTypes.ociLayerGzip, digest: blob.digest as Digest, size: blob.size };
    return layerFromDescriptor({
      descriptor,
      diffId: blob.diffId as Digest,
      locations: [{ registry: ref.registry, repository: ref.repository }],
      open: (io) => fetchBlob(ref, descriptor, { transport: this.transport(blob.keychain), signal: io.signal }),
    });
  }

  /** Request totals over every transport (requests made, bytes up and down). */
  totals(): RegistryTransport['counters'][] {
    return [...this.#transports.values()].map((t) => t.counters);
  }

  /** Closes every transport's connections. */
  async close(): Promise<void> {
    await Promise.all([...this.#transports.values()].map((t) => t.close()));
  }
}
