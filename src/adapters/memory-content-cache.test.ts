import { describe, expect, it } from 'vitest';
import type { Digest } from '../oci/index.ts';
import { MemoryContentCache } from './memory-content-cache.ts';

const d = (n: number): Digest => `sha256:${String(n).padStart(64, '0')}`;
const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(7);

describe('MemoryContentCache', () => {
  it('answers manifests and blobs only for the repository they were read from', async () => {
    const cache = new MemoryContentCache();
    await cache.putManifest({ bytes: bytes(10), digest: d(1), contentType: 'application/vnd.oci.image.manifest.v1+json' }, 'reg/a');
    await cache.putBlob(d(2), bytes(20), 'reg/a');
    expect((await cache.manifest(d(1), 'reg/a'))?.bytes).toEqual(bytes(10));
    expect(await cache.blob(d(2), 'reg/a')).toEqual(bytes(20));
    expect(await cache.manifest(d(1), 'reg/b')).toBeUndefined();
    expect(await cache.blob(d(2), 'reg/b')).toBeUndefined();
    expect(await cache.blob(d(1), 'reg/a')).toBeUndefined();
  });

  it('keeps a copy, not the caller’s array', async () => {
    const cache = new MemoryContentCache();
    const given = bytes(4);
    await cache.putBlob(d(1), given, 'reg/a');
    given.fill(0);
    expect(await cache.blob(d(1), 'reg/a')).toEqual(bytes(4));
  });

  it('remembers the digest a tag named', async () => {
    const cache = new MemoryContentCache();
    expect(await cache.tagDigest('reg/a:1')).toBeUndefined();
    await cache.putTagDigest('reg/a:1', d(1));
    await cache.putTagDigest('reg/a:1', d(2));
    expect(await cache.tagDigest('reg/a:1')).toBe(d(2));
  });

  it('stays within its byte bound, dropping the least recently used first', async () => {
    const cache = new MemoryContentCache(1000);
    await cache.putBlob(d(1), bytes(400), 'reg/a');
    await cache.putBlob(d(2), bytes(400), 'reg/a');
    await cache.blob(d(1), 'reg/a');
    await cache.putBlob(d(3), bytes(400), 'reg/a');
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    expect(await cache.blob(d(1), 'reg/a')).toBeDefined();
    expect(await cache.blob(d(2), 'reg/a')).toBeUndefined();
    expect(await cache.blob(d(3), 'reg/a')).toBeDefined();
    // Larger than the whole bound: not kept, nothing else dropped.
    await cache.putBlob(d(4), bytes(2000), 'reg/a');
    expect(await cache.blob(d(4), 'reg/a')).toBeUndefined();
    expect(await cache.blob(d(3), 'reg/a')).toBeDefined();
  });
});
