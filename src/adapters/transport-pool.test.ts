import { describe, expect, it } from 'vitest';
import { anonymousKeychain, type RequestEvent } from '../oci/index.ts';
import { RegistryImages } from './registry-images.ts';
import { TransportPool } from './transport-pool.ts';

const options = (): { keychain: typeof anonymousKeychain } => ({ keychain: anonymousKeychain });
const request = (kind: RequestEvent['kind']): RequestEvent => ({ registry: 'r', kind, method: 'GET', url: 'https://r/v2/', status: 200, durationMs: 1 });

/** A pool on a manual clock. */
function manual(limits: { maxTransports?: number; idleMs?: number; graceMs?: number } = {}): { pool: TransportPool; at: (ms: number) => void } {
  let now = 0;
  return { pool: new TransportPool({ ...limits, now: () => now }), at: (ms) => void (now = ms) };
}

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

  it('is bounded: the least recently used transport is evicted first and closed after the grace period', async () => {
    const { pool, at } = manual({ maxTransports: 2, graceMs: 100 });
    const a = pool.get('a', options);
    const b = pool.get('b', options);
    pool.get('a', options);
    pool.get('c', options);
    expect(pool.size()).toBe(3);
    expect(pool.get('a', options)).toBe(a);
    at(100);
    pool.get('a', options);
    expect(pool.size()).toBe(2);
    expect(pool.get('b', options)).not.toBe(b);
    await pool.close();
  });

  it('evicts transports idle for idleMs and makes a new one on the next use', async () => {
    const { pool, at } = manual({ idleMs: 1_000, graceMs: 0 });
    const a = pool.get('a', options);
    pool.get('b', options);
    at(600);
    pool.get('b', options);
    at(1_000);
    pool.get('b', options);
    expect(pool.size()).toBe(1);
    expect(pool.get('a', options)).not.toBe(a);
    await pool.close();
  });

  it('keeps an evicted transport open while it still sends requests', async () => {
    const { pool, at } = manual({ graceMs: 100 });
    const a = pool.get('a', options);
    pool.evict('a');
    at(90);
    a.counters.record(request('registry'));
    at(150);
    pool.get('b', options);
    expect(pool.size()).toBe(2);
    at(250);
    pool.get('b', options);
    expect(pool.size()).toBe(1);
    await pool.close();
  });

  it('gives a holder of an evicted key the retiring transport instead of opening another', async () => {
    const { pool, at } = manual({ graceMs: 100 });
    const a = pool.get('a', options);
    pool.evict('a');
    at(90);
    expect(pool.get('a', options)).toBe(a);
    at(150);
    pool.get('b', options);
    expect(pool.size()).toBe(2);
    at(190);
    pool.get('b', options);
    expect(pool.size()).toBe(1);
    expect(pool.get('a', options)).not.toBe(a);
    await pool.close();
  });

  it('keeps the totals of closed transports', async () => {
    const { pool, at } = manual({ graceMs: 0 });
    pool.get('a', options).counters.record(request('token'));
    pool.evict('a');
    at(1);
    pool.get('b', options).counters.record(request('registry'));
    expect(pool.size()).toBe(1);
    expect(pool.totals()).toMatchObject({ requests: 2, byKind: { 'token GET': 1, 'registry GET': 1 } });
    await pool.close();
    expect(pool.totals().requests).toBe(2);
  });
});

describe('RegistryImages transports', () => {
  it('shares one transport between keychains with the same key, and keys others by identity', async () => {
    const first = { resolve: (registry: string) => anonymousKeychain.resolve(registry) };
    const second = { resolve: (registry: string) => anonymousKeychain.resolve(registry) };
    let generation = 1;
    const keyed = new RegistryImages({}, { keyOf: () => `team/sa#${generation}` });
    const shared = keyed.transport(first);
    expect(keyed.transport(second)).toBe(shared);
    // The keychain cache rebuilt the keychain: a new key, a new transport; the old one retires.
    keyed.release('team/sa#1');
    generation = 2;
    expect(keyed.transport(first)).not.toBe(shared);
    expect(keyed.transportCount()).toBe(2);
    const local = new RegistryImages();
    expect(local.transport(first)).toBe(local.transport(first));
    expect(local.transport(second)).not.toBe(local.transport(first));
    await Promise.all([keyed.close(), local.close()]);
  });
});
