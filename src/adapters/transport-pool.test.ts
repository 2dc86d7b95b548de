import { describe, expect, it } from 'vitest';
import { anonymousKeychain } from '../oci/index.ts';
import { RegistryImages } from './registry-images.ts';
import { TransportPool } from './transport-pool.ts';

const options = (): { keychain: typeof anonymousKeychain } => ({ keychain: anonymousKeychain });

describe('TransportPool', () => {
  it('gives one transport per key', async () => {
    const pool = new TransportPool();
    const a = pool.get('a', options);
    expect(pool.get('a', options)).toBe(a);
    expect(pool.get('b', options)).not.toBe(a);
    expect(pool.size()).toBe(2);
    await pool.close();
    expect(pool.size()).toBe(0);
  });

  it('is bounded: the least recently used transport is closed first', async () => {
    const pool = new TransportPool({ maxTransports: 2 });
    const a = pool.get('a', options);
    const b = pool.get('b', options);
    pool.get('a', options);
    pool.get('c', options);
    expect(pool.size()).toBe(2);
    expect(pool.get('a', options)).toBe(a);
    expect(pool.get('b', options)).not.toBe(b);
    await pool.close();
  });

  it('closes transports idle for idleMs (manual clock) and makes a new one on the next use', async () => {
    let now = 0;
    const pool = new TransportPool({ idleMs: 1_000, now: () => now });
    const a = pool.get('a', options);
    pool.get('b', options);
    now = 600;
    pool.get('b', options);
    now = 1_000;
    pool.get('b', options);
    expect(pool.size()).toBe(1);
    expect(pool.get('a', options)).not.toBe(a);
    await pool.close();
  });

  it('keeps the totals of evicted transports', async () => {
    const pool = new TransportPool();
    const a = pool.get('a', options);
    a.counters.record({ registry: 'r', kind: 'token', method: 'GET', url: 'https://r/token', status: 200, durationMs: 1 });
    pool.evict('a');
    pool.get('b', options).counters.record({ registry: 'r', kind: 'registry', method: 'GET', url: 'https://r/v2/', status: 200, durationMs: 1 });
    expect(pool.totals()).toMatchObject({ requests: 2, byKind: { 'token GET': 1, 'registry GET': 1 } });
    await pool.close();
  });
});

describe('RegistryImages transports', () => {
  it('shares one transport between keychains with the same key, and keys others by identity', async () => {
    const first = { resolve: (registry: string) => anonymousKeychain.resolve(registry) };
    const second = { resolve: (registry: string) => anonymousKeychain.resolve(registry) };
    const keyed = new RegistryImages({}, { keyOf: () => 'team/sa#1' });
    expect(keyed.transport(first)).toBe(keyed.transport(second));
    keyed.release('team/sa#1');
    expect(keyed.transportCount()).toBe(0);
    const local = new RegistryImages();
    expect(local.transport(first)).toBe(local.transport(first));
    expect(local.transport(second)).not.toBe(local.transport(first));
    await Promise.all([keyed.close(), local.close()]);
  });
});
