/**
 * A cache of small registry content that survives the process: manifests and config blobs by
 * digest, and the digest each tag named when last read. Content is addressed by digest, so a hit
 * is as good as a download once its bytes are checked; a tag's digest is only a hint, confirmed by
 * one HEAD before the cached manifest is used. Layers are never cached here.
 *
 * Implementations must never throw: a cache that cannot read or write behaves as a miss, so a
 * broken cache costs requests, never a failed build.
 */
import type { Digest } from '../digest.ts';
import type { Challenge } from './challenge.ts';
import type { MediaType } from '../media-types.ts';

/** A manifest as it was served. */
export interface CachedManifest {
  bytes: Uint8Array;
  digest: Digest;
  contentType: MediaType | undefined;
}

/**
 * How a registry was reached last time: the scheme its `/v2/` ping settled on and the challenge it
 * answered with (none: it served anonymous requests). Used instead of a new ping, so a rerun's first
 * request goes out at once; a connection failure on it pings again, and a 401 teaches the new challenge.
 */
export interface RememberedEndpoint {
  scheme: 'https' | 'http';
  challenge: Challenge | undefined;
}

/**
 * What the registry client asks of a content cache. `where` is the `registry/repository` the content
 * is read from: a cache may scope its entries by it (content is the same under a digest anywhere, but
 * whether a repository holds it is not), or ignore it.
 */
export interface ContentCache {
  /** The manifest with `digest`, its bytes checked against it; undefined on a miss. */
  manifest(digest: Digest, where: string): Promise<CachedManifest | undefined>;
  putManifest(manifest: CachedManifest, where: string): Promise<void>;
  /** The blob with `digest`, its bytes checked against it; undefined on a miss. */
  blob(digest: Digest, where: string): Promise<Uint8Array | undefined>;
  putBlob(digest: Digest, bytes: Uint8Array, where: string): Promise<void>;
  /** The digest `registry/repository:tag` named when it was last read, if remembered. */
  tagDigest(tagKey: string): Promise<Digest | undefined>;
  putTagDigest(tagKey: string, digest: Digest): Promise<void>;
  /**
   * How `registry` (host[:port]) was reached last time, if remembered. Only a cache that outlives
   * the process needs these: within one, the transport pings each registry once anyway.
   */
  endpoint?(registry: string): Promise<RememberedEndpoint | undefined>;
  putEndpoint?(registry: string, endpoint: RememberedEndpoint): Promise<void>;
}

/** The key of a tag in a cache: `registry/repository:tag`. */
export const tagKeyOf = (registry: string, repository: string, tag: string): string => `${registry}/${repository}:${tag}`;

/** The `where` of a cache entry: `registry/repository`. */
export const locationKeyOf = (registry: string, repository: string): string => `${registry}/${repository}`;
