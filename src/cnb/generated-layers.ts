/**
 * Generated builder layers shared between builds: the same entries always give the same tar bytes
 * (tar-layer.ts), so one Layer per distinct entry list serves every builder that plans it, and its
 * gzip and digests are computed once instead of on every reconcile. Thousands of builders over one
 * stack, store and order plan the same four small layers. Bounded: the least recently used go first.
 */
import { createHash } from 'node:crypto';
import { createTarLayer, type Layer, type TarEntry } from '../oci/index.ts';

/** A Layer for a list of in-memory tar entries, equal in bytes to `createTarLayer(entries)`. */
export interface GeneratedLayerCache {
  layerOf(entries: readonly TarEntry[]): Layer;
}

/** The identity of an entry list: every field that reaches the tar, contents hashed as bytes. */
function keyOf(entries: readonly TarEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) {
    const content = e.content === undefined ? undefined : typeof e.content === 'string' ? Buffer.from(e.content, 'utf8') : e.content;
    // The content's length in the header frames it, so no two lists hash alike.
    hash.update(JSON.stringify([e.path, e.type, e.mode, e.uid ?? null, e.gid ?? null, e.linkTarget ?? null, content?.length ?? -1]));
    if (content !== undefined) hash.update(content);
  }
  return hash.digest('hex');
}

/** A cache of at most `maxEntries` layers. */
export function createGeneratedLayerCache(maxEntries = 256): GeneratedLayerCache {
  const layers = new Map<string, Layer>();
  return {
    layerOf(entries) {
      const key = keyOf(entries);
      const hit = layers.get(key);
      if (hit !== undefined) {
        layers.delete(key);
        layers.set(key, hit);
        return hit;
      }
      const layer = createTarLayer(entries);
      layers.set(key, layer);
      for (const oldest of layers.keys()) {
        if (layers.size <= maxEntries) break;
        layers.delete(oldest);
      }
      return layer;
    },
  };
}
