/**
 * The ports the use cases reach the outside world through: reading and writing images (registry
 * references or local OCI layouts, each with the keychain of whoever owns the image), lazy layers
 * for blobs known only by digest, a clock and progress reporting. Adapters live outside `app`; the
 * composition root wires them in, and unit tests pass hand-written fakes.
 */
import type { Digest, Image, ImageIndex, IoOptions, Keychain, Layer, Platform } from '../oci/index.ts';

export type { Logger } from '../shared/index.ts';

/** An image that was read, with the identifier status records pin it by. */
export interface FetchedImage {
  image: Image;
  /**
   * `<normalised repository>@<digest>` (tag dropped, Docker Hub expanded to `index.docker.io/…`);
   * for an index, the digest of the linux/amd64 image picked from it. Local layouts give
   * `oci:PATH@<digest>`, `.cnb` files `PATH.cnb@<digest>`; both read back with `readImage`.
   */
  identifier: string;
}

/** One platform's image out of what a reference names, pinned like `FetchedImage`. */
export interface FetchedPlatformImage extends FetchedImage {
  platform: Platform;
}

/** Options of `ImageAccess.readImage`. */
export interface ReadImageOptions extends IoOptions {
  /** Credentials for the image's registry; ignored for local layouts. */
  keychain: Keychain;
  /** The member to pick when the reference names an index (default linux/amd64). */
  platform?: Platform;
}

/** One step of a write, for progress displays: a blob being uploaded, or how it got there. */
export interface BlobProgress {
  digest: Digest;
  /** Blob size in bytes. */
  size: number;
  /** Bytes sent so far. */
  sent: number;
  state: 'uploading' | 'existing' | 'mounted' | 'uploaded';
}

/** A progress callback; must not throw. */
export type ProgressCallback = (progress: BlobProgress) => void;

/** Options of `ImageAccess.writeImage`. */
export interface WriteImageOptions extends IoOptions {
  keychain: Keychain;
  /** More tags for the same manifest, in the same repository or layout; written only when the image is pushed. */
  tags?: readonly string[];
  onProgress?: ProgressCallback;
}

/** What a write did. */
export interface WriteResult {
  /** `<reference as given>@<digest>` (registry); `oci:PATH@<digest>` for a layout. */
  identifier: string;
  digest: Digest;
  /** False when the reference already named this digest: nothing was written, no extra tags either. */
  pushed: boolean;
}

/** A stored blob known by digest only, as store status records it. */
export interface StoredBlob {
  /** The image the blob belongs to, as the resource spec wrote it (registry reference or local layout). */
  image: string;
  digest: string;
  diffId: string;
  /** Compressed size in bytes. */
  size: number;
  /** Credentials of the resource that supplied the blob. */
  keychain: Keychain;
}

/** Reads and writes images wherever they live. */
export interface ImageAccess {
  /** The image `reference` names (an index resolves to linux/amd64). Manifest only; config and layers stay lazy. */
  readImage(reference: string, options: ReadImageOptions): Promise<FetchedImage>;
  /**
   * Every image `reference` names, one per platform: an index's (or manifest list's) image entries
   * in index order, or the single image with its config's platform. Manifests only; configs and
   * layers stay lazy.
   */
  readImages(reference: string, options: Omit<ReadImageOptions, 'platform'>): Promise<FetchedPlatformImage[]>;
  /** Writes `image` to `reference` (a tag): nothing when the tag already names the same digest; blobs mounted where possible. */
  writeImage(image: Image, reference: string, options: WriteImageOptions): Promise<WriteResult>;
  /** Writes `index` with its images to `reference` (a tag), by the same rules as `writeImage`; the images go by digest only. */
  writeIndex(index: ImageIndex, reference: string, options: WriteImageOptions): Promise<WriteResult>;
  /**
   * A layer answering digest, diffId and size from `blob` without I/O, mountable from its repository,
   * whose bytes are fetched (with `blob.keychain`) only when a write must upload them.
   */
  lazyLayer(blob: StoredBlob): Layer;
}

/** Options of the tag reads: credentials, and no retries (the update poller backs off per registry itself). */
export interface TagReadOptions extends IoOptions {
  keychain: Keychain;
}

/** What the update poller asks a registry: cheap questions about tags, never image content. */
export interface TagAccess {
  /** The digest `reference`'s tag names now, by one HEAD of the manifest; undefined when the tag does not exist. */
  headDigest(reference: string, options: TagReadOptions): Promise<string | undefined>;
  /** Every tag of `repository` (`registry/path`), reading the paginated tag list. */
  listTags(repository: string, options: TagReadOptions): Promise<string[]>;
}

/** The time source is shared's one Clock (`now()` in epoch ms, timers); re-exported for the use cases' callers. */
export { systemClock, type Clock } from '../shared/index.ts';
