import { describe, expect, it } from 'vitest';
import { createTarLayer, type TarEntry } from '../oci/index.ts';
import { createGeneratedLayerCache } from './generated-layers.ts';

const file = (path: string, content: string | Uint8Array): TarEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, content });

describe('generated layer cache', () => {
  it('gives one layer for equal entry lists, with the bytes createTarLayer gives', async () => {
    const cache = createGeneratedLayerCache();
    const first = cache.layerOf([file('/cnb/order.toml', 'a = 1\n')]);
    const again = cache.layerOf([file('/cnb/order.toml', new TextEncoder().encode('a = 1\n'))]);
    expect(again).toBe(first);
    expect(await first.digest()).toBe(await createTarLayer([file('/cnb/order.toml', 'a = 1\n')]).digest());
  });

  it('tells apart lists that differ in any field, or only in how contents are split', () => {
    const cache = createGeneratedLayerCache();
    const base = cache.layerOf([file('/a', 'xy')]);
    const variants = [
      [file('/a', 'xz')],
      [file('/b', 'xy')],
      [{ ...file('/a', 'xy'), mode: 0o755 }],
      [{ ...file('/a', 'xy'), uid: 1 }],
      [file('/a', 'x'), file('/y', '')],
      [{ path: '/a', type: 'dir', mode: 0o755 } as TarEntry],
    ];
    for (const entries of variants) expect(cache.layerOf(entries)).not.toBe(base);
  });

  it('hands out a layer whose failed hashing (an aborted reconcile) is tried again by the next build', async () => {
    const cache = createGeneratedLayerCache();
    const entries = [file('/cnb/stack.toml', 'x')];
    const aborted = AbortSignal.abort(new Error('reconcile stopped'));
    await expect(cache.layerOf(entries).digest({ signal: aborted })).rejects.toThrow();
    expect(await cache.layerOf(entries).digest()).toBe(await createTarLayer(entries).digest());
  });

  it('keeps at most its bound, dropping the least recently used first', () => {
    const cache = createGeneratedLayerCache(2);
    const one = cache.layerOf([file('/1', '1')]);
    const two = cache.layerOf([file('/2', '2')]);
    expect(cache.layerOf([file('/1', '1')])).toBe(one);
    cache.layerOf([file('/3', '3')]);
    expect(cache.layerOf([file('/1', '1')])).toBe(one);
    expect(cache.layerOf([file('/2', '2')])).not.toBe(two);
  });
});
