/**
 * The registry content cache in memory, for the controller: one per transport (so per set of
 * credentials), holding manifests and config blobs by repository and digest, and the digest each
 * tag named when last read. Thousands of builders read the same stack, run and lifecycle images by
 * digest; with this each transport reads each of them once. Entries are scoped by repository, so a
 * digest read from one repository never answers for another that may not hold it. A tag's digest
 * stays a hint that the client confirms by HEAD. Bounded by bytes: the least recently used go first.
 */
import type { CachedManifest, ContentCache, Digest } from '../oci/index.ts';

/**
 * Manifests and configs are a few KiB; this holds thousands per transport, among them the manifest
 * of every builder pushed, which the next push over its tag reads for its blobs (held-blobs.ts).
 */
const defaultMaxBytes = 16 * 1024 * 1024;
/** What a tag entry is counted as (key and digest). */
const tagEntryBytes = 256;

type Entry = { kind: 'manifest'; manifest: CachedManifest } | { kind: 'blob'; bytes: Uint8Array } | { kind: 'tag'; digest: Digest };

const sizeOf = (entry: Entry): number => (entry.kind === 'manifest' ? entry.manifest.bytes.length : entry.kind === 'blob' ? entry.bytes.length : tagEntryBytes);

export class MemoryContentCache implements ContentCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = defaultMaxBytes) {
    this.#maxBytes = maxBytes;
  }

  manifest(digest: Digest, where: string): Promise<CachedManifest | undefined> {
    const entry = this.#get(`m ${where}@${digest}`);
    return Promise.resolve(entry?.kind === 'manifest' ? entry.manifest : undefined);
  }

  putManifest(manifest: CachedManifest, where: string): Promise<void> {
    // A copy: the caller's array may be a view of a larger buffer, or change.
    this.#put(`m ${where}@${manifest.digest}`, { kind: 'manifest', manifest: { ...manifest, bytes: Uint8Array.from(manifest.bytes) } });
    return Promise.resolve();
  }

  blob(digest: Digest, where: string): Promise<Uint8Array | undefined> {
    const entry = this.#get(`b ${where}@${digest}`);
    return Promise.resolve(entry?.kind === 'blob' ? entry.bytes : undefined);
  }

  putBlob(digest: Digest, bytes: Uint8Array, where: string): Promise<void> {
    this.#put(`b ${where}@${digest}`, { kind: 'blob', bytes: Uint8Array.from(bytes) });
    return Promise.resolve();
  }

  tagDigest(tagKey: string): Promise<Digest | undefined> {
    const entry = this.#get(`t ${tagKey}`);
    return Promise.resolve(entry?.kind === 'tag' ? entry.digest : undefined);
  }

  putTagDigest(tagKey: string, digest: Digest): Promise<void> {
    this.#put(`t ${tagKey}`, { kind: 'tag', digest });
    return Promise.resolve();
  }

  /** Bytes held now (manifests, blobs and tag entries as counted). */
  get bytes(): number {
    return this.#bytes;
  }

  #get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #put(key: string, entry: Entry): void {
    const size = sizeOf(entry);
    if (size > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= sizeOf(old);
    }
    this.#entries.set(key, entry);
    this.#bytes += size;
    for (const [oldestKey, oldest] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldestKey);
      this.#bytes -= sizeOf(oldest);
    }
  }
}
