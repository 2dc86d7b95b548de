/**
 * The image model: plain data types of the OCI image spec and the lazy Image, Layer and ImageIndex
 * contracts that every backing (registry, OCI layout, in-memory, mutation) implements. Identity is
 * the digest; bytes flow only when a stream is asked for.
 */
import type { Readable } from 'node:stream';
import type { Digest } from './digest.ts';
import type { MediaType } from './media-types.ts';

/** Options accepted by every call that may do I/O. */
export interface IoOptions {
  signal?: AbortSignal;
}

/** An OCI platform: what an index entry or an image runs on. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** A content descriptor: media type, digest and size of a blob or manifest. */
export interface Descriptor {
  mediaType: MediaType;
  digest: Digest;
  /** Size in bytes of the content as stored (compressed for layers). */
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** A single-platform image manifest (OCI image manifest or Docker v2 schema 2). */
export interface Manifest {
  schemaVersion: 2;
  mediaType?: MediaType;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A multi-platform index (OCI image index or Docker manifest list). */
export interface IndexManifest {
  schemaVersion: 2;
  mediaType?: MediaType;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The runtime part of an image configuration. Unknown fields are kept when re-serialised. */
export interface ContainerConfig {
  User?: string;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  StopSignal?: string;
  [field: string]: unknown;
}

/** One entry of an image's history. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** An image configuration (the config blob). Unknown fields are kept when re-serialised. */
export interface ConfigFile {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  created?: string;
  author?: string;
  config?: ContainerConfig | null;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[] | null;
  [field: string]: unknown;
}

/** Where a blob is known to exist, so that a push to the same registry can mount it instead of uploading. */
export interface BlobLocation {
  /** Registry host as used in URLs, e.g. `index.docker.io` or `127.0.0.1:5000`. */
  registry: string;
  /** Repository path within the registry, e.g. `library/busybox`. */
  repository: string;
}

/**
 * A layer of an image. Metadata calls may do I/O once and then answer from memory; the stream calls
 * open a fresh stream each time and never buffer the whole layer.
 */
export interface Layer {
  /** sha256 of the compressed bytes (the blob's name in a registry). */
  digest(options?: IoOptions): Promise<Digest>;
  /** sha256 of the uncompressed tar (the entry in the config's `rootfs.diff_ids`). */
  diffId(options?: IoOptions): Promise<Digest>;
  /** Size in bytes of the compressed blob. */
  size(options?: IoOptions): Promise<number>;
  mediaType(options?: IoOptions): Promise<MediaType>;
  /** The blob as stored (usually gzip), verified against `digest()` while it streams. */
  compressed(options?: IoOptions): Promise<Readable>;
  /** The tar itself. */
  uncompressed(options?: IoOptions): Promise<Readable>;
  /** Registries and repositories that already hold this blob (empty when unknown). */
  readonly locations?: readonly BlobLocation[];
}

/** A single-platform image. Reads are lazy and memoised by implementations. */
export interface Image {
  mediaType(options?: IoOptions): Promise<MediaType>;
  /** The manifest bytes exactly as stored: the digest is computed from these. */
  rawManifest(options?: IoOptions): Promise<Uint8Array>;
  manifest(options?: IoOptions): Promise<Manifest>;
  /** sha256 of `rawManifest()`. */
  digest(options?: IoOptions): Promise<Digest>;
  /** The config bytes exactly as stored. */
  rawConfigFile(options?: IoOptions): Promise<Uint8Array>;
  configFile(options?: IoOptions): Promise<ConfigFile>;
  /** Layers from the bottom of the filesystem to the top, matching `rootfs.diff_ids`. */
  layers(options?: IoOptions): Promise<Layer[]>;
}

/** A multi-platform index whose children are images or further indexes. */
export interface ImageIndex {
  mediaType(options?: IoOptions): Promise<MediaType>;
  rawManifest(options?: IoOptions): Promise<Uint8Array>;
  indexManifest(options?: IoOptions): Promise<IndexManifest>;
  digest(options?: IoOptions): Promise<Digest>;
  image(digest: Digest, options?: IoOptions): Promise<Image>;
  imageIndex(digest: Digest, options?: IoOptions): Promise<ImageIndex>;
}

/** One platform's image out of an index (or a single image with the platform its config names). */
export interface PlatformImage {
  platform: Platform;
  image: Image;
}
