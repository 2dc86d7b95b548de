/**
 * The way back from a compact store status (store-status.ts) to full records, for a builder: each
 * source is read by its pinned digest, so the records equal those the store read. Reads go through a
 * cache keyed by that digest, which never goes stale (the content cannot change under a digest);
 * many builders of one store then cost one read per source in all.
 */
import type { StoreStatus } from '../api/index.ts';
import { readBuildpackRecords, type BuildpackRecord } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter } from '../shared/index.ts';
import type { ImageAccess } from './ports.ts';
import type { ReadSource } from './read-store.ts';
import { expandCompactEntries } from './store-status.ts';

/** Records of sources by pinned reference (`image` as written matters: records name it). */
export interface SourceRecordCache {
  get(key: string): Promise<BuildpackRecord[]> | undefined;
  set(key: string, records: Promise<BuildpackRecord[]>): void;
}

/** A bounded cache: the least recently used entries go first. */
export function createSourceRecordCache(maxEntries = 512): SourceRecordCache {
  const entries = new Map<string, Promise<BuildpackRecord[]>>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, records) {
      entries.set(key, records);
      // A failed read is not kept: the next builder tries again.
      records.catch(() => entries.delete(key));
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
  };
}

/** True when a store status is in the compact form. */
export function isCompactStatus(status: StoreStatus | undefined): boolean {
  return status?.compacted !== undefined;
}

/** What `expandCompactStatus` needs. */
export interface ExpandDeps extends IoOptions {
  images: ImageAccess;
  cache: SourceRecordCache;
}

/** The full records of a compact status, read from its pinned sources with the store's `keychain`. */
export async function expandCompactStatus(
  status: StoreStatus,
  keychain: Keychain,
  deps: ExpandDeps,
): Promise<{ ok: true; records: BuildpackRecord[] } | { ok: false; reason: string }> {
  const limit = createLimiter(4);
  const read = (image: string, latestImage: string): Promise<BuildpackRecord[]> => {
    const key = `${latestImage} ${image}`;
    const cached = deps.cache.get(key);
    if (cached) return cached;
    const records = limit(async () => {
      const fetched = await deps.images.readImage(latestImage, { keychain, signal: deps.signal });
      return readBuildpackRecords(fetched.image, image, { signal: deps.signal });
    });
    deps.cache.set(key, records);
    return records;
  };
  const pinned = (status.compacted?.sources ?? []).flatMap(({ image, latestImage }) => (image && latestImage ? [{ image, latestImage }] : []));
  const sources: ReadSource[] = await Promise.all(pinned.map(async (source) => ({ ...source, records: await read(source.image, source.latestImage) })));
  return expandCompactEntries(status.buildpacks ?? [], sources);
}
