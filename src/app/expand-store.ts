/**
 * The way back from a compact store status (store-status.ts) to full records, for a builder: each
 * source is read by its pinned digest, so the records equal those the store read. Reads go through a
 * cache keyed by that digest, which never goes stale (the content cannot change under a digest);
 * many builders of one store then cost one read per source in all.
 */
import type { StoreStatus } from '../api/index.ts';
import { mergePlatformRecords, readBuildpackRecords, type BuildpackRecord, type PlatformRecords } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter } from '../shared/index.ts';
import type { ImageAccess } from './ports.ts';
import type { ReadSource } from './read-store.ts';
import { expandCompactEntries } from './store-status.ts';

/** Records of sources by pinned reference (`image` as written matters: records name it). */
export interface SourceRecordCache {
  get(key: string): Promise<PlatformRecords[]> | undefined;
  set(key: string, records: Promise<PlatformRecords[]>): void;
}

/** A bounded cache: the least recently used entries go first. */
export function createSourceRecordCache(maxEntries = 512): SourceRecordCache {
  const entries = new Map<string, Promise<PlatformRecords[]>>();
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
  // One pinned image (a single image, or one platform's member of an index) with its platform and records.
  const read = (image: string, latestImage: string): Promise<PlatformRecords[]> => {
    const key = `${latestImage} ${image}`;
    const cached = deps.cache.get(key);
    if (cached) return cached;
    const records = limit(async () => {
      const members = await deps.images.readImages(latestImage, { keychain, signal: deps.signal });
      return Promise.all(members.map(async (m) => ({ platform: m.platform, records: await readBuildpackRecords(m.image, image, { signal: deps.signal }) })));
    });
    deps.cache.set(key, records);
    return records;
  };
  // An index source was pinned as one image per platform, in index order: merged as the store merged them.
  const byImage = new Map<string, string[]>();
  for (const { image, latestImage } of status.compacted?.sources ?? []) {
    if (image && latestImage) byImage.set(image, [...(byImage.get(image) ?? []), latestImage]);
  }
  const sources: ReadSource[] = await Promise.all(
    [...byImage].map(async ([image, pinned]) => {
      const members = (await Promise.all(pinned.map((latestImage) => read(image, latestImage)))).flat();
      return { image, pinned, records: mergePlatformRecords(members) };
    }),
  );
  return expandCompactEntries(status.buildpacks ?? [], sources);
}
