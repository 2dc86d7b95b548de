/**
 * The blobs one transport has seen in a repository (a HEAD answered 200, a mount or an upload
 * completed), so a later push of the same blob to the same repository skips its HEAD. Safe because
 * a digest names the same bytes forever, and per transport because a transport carries one set of
 * credentials: what they saw there, they may assume there. A registry can still delete a blob
 * (garbage collection, a deleted repository), so the pusher forgets a repository's blobs when a
 * push into it fails, and the next attempt asks again. Bounded: the least recently used go first.
 */
import type { Digest } from '../digest.ts';

/** Enough for thousands of builders over a few repositories, at about 150 bytes an entry. */
const defaultMaxEntries = 20_000;

const keyOf = (registry: string, repository: string, digest: Digest): string => `${registry.toLowerCase()}/${repository}@${digest}`;

export class KnownBlobs {
  readonly #entries = new Set<string>();
  readonly #maxEntries: number;

  constructor(maxEntries = defaultMaxEntries) {
    this.#maxEntries = maxEntries;
  }

  /** True when `digest` was seen in `registry/repository` (and refreshes it as recently used). */
  has(registry: string, repository: string, digest: Digest): boolean {
    const key = keyOf(registry, repository, digest);
    if (!this.#entries.delete(key)) return false;
    this.#entries.add(key);
    return true;
  }

  add(registry: string, repository: string, digest: Digest): void {
    const key = keyOf(registry, repository, digest);
    this.#entries.delete(key);
    this.#entries.add(key);
    for (const oldest of this.#entries) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  forget(registry: string, repository: string, digests: Iterable<Digest>): void {
    for (const digest of digests) this.#entries.delete(keyOf(registry, repository, digest));
  }

  get size(): number {
    return this.#entries.size;
  }
}
