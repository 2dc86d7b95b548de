import { describe, expect, it } from 'vitest';
import { credentialKey, type CredentialRef } from '../api/index.ts';
import { staticKeychain, type Keychain } from '../oci/index.ts';
import type { BuiltKeychain } from './keychain.ts';
import { createKeychainCache, type KeychainCacheOptions } from './keychain-cache.ts';

/** A build function that counts builds per key and says each keychain came from the account and `registry-secret`. */
function counting(): { build: KeychainCacheOptions['build']; builds: Map<string, number>; fail: Set<string> } {
  const builds = new Map<string, number>();
  const fail = new Set<string>();
  const build = (ref: CredentialRef): Promise<BuiltKeychain> => {
    const key = credentialKey(ref);
    builds.set(key, (builds.get(key) ?? 0) + 1);
    if (fail.has(key)) return Promise.reject(new Error('apiserver down'));
    const keychain: Keychain = staticKeychain({});
    return Promise.resolve(
      ref.namespace ? { keychain, serviceAccount: ref.serviceAccount ?? 'default', secrets: ['registry-secret'] } : { keychain, secrets: [] },
    );
  };
  return { build, builds, fail };
}

const team = (serviceAccount: string): CredentialRef => ({ namespace: 'team', serviceAccount });

describe('createKeychainCache', () => {
  it('returns one keychain per credential key and builds it once, concurrent callers included', async () => {
    const { build, builds } = counting();
    const cache = createKeychainCache({ build });
    const [a, b] = await Promise.all([cache.keychainFor(team('sa')), cache.keychainFor({ namespace: 'team', serviceAccount: 'sa' })]);
    expect(a).toBe(b);
    expect(await cache.keychainFor(team('sa'))).toBe(a);
    expect(builds.get(credentialKey(team('sa')))).toBe(1);
    expect(await cache.keychainFor(team('other'))).not.toBe(a);
  });

  it('rebuilds after the entry expires (manual clock)', async () => {
    let now = 0;
    const { build, builds } = counting();
    const evicted: string[] = [];
    const cache = createKeychainCache({ build, ttlMs: 1_000, now: () => now, onEvict: (k) => evicted.push(k) });
    const first = await cache.keychainFor(team('sa'));
    now = 999;
    expect(await cache.keychainFor(team('sa'))).toBe(first);
    now = 1_000;
    const second = await cache.keychainFor(team('sa'));
    expect(second).not.toBe(first);
    expect(builds.get(credentialKey(team('sa')))).toBe(2);
    expect(evicted).toEqual([cache.transportKeyOf(first)]);
    expect(cache.transportKeyOf(second)).not.toBe(cache.transportKeyOf(first));
  });

  it('is bounded: the least recently used entry goes first and its transport key is reported', async () => {
    const { build } = counting();
    const evicted: string[] = [];
    const cache = createKeychainCache({ build, maxEntries: 2, onEvict: (k) => evicted.push(k) });
    const a = await cache.keychainFor(team('a'));
    const b = await cache.keychainFor(team('b'));
    await cache.keychainFor(team('a'));
    await cache.keychainFor(team('c'));
    expect(cache.size()).toBe(2);
    expect(evicted).toEqual([cache.transportKeyOf(b)]);
    expect(await cache.keychainFor(team('a'))).toBe(a);
  });

  it('drops the entries read from a changed Secret or ServiceAccount, and only those', async () => {
    const { build, builds } = counting();
    const evicted: string[] = [];
    const cache = createKeychainCache({ build, onEvict: (k) => evicted.push(k) });
    const sa = await cache.keychainFor(team('sa'));
    const other = await cache.keychainFor({ namespace: 'other', serviceAccount: 'sa' });
    const controller = await cache.keychainFor({});
    cache.invalidate({ kind: 'Secret', namespace: 'team', name: 'unrelated' });
    cache.invalidate({ kind: 'ServiceAccount', namespace: 'team', name: 'someone-else' });
    expect(evicted).toEqual([]);
    cache.invalidate({ kind: 'Secret', namespace: 'team', name: 'registry-secret' });
    expect(evicted).toEqual([cache.transportKeyOf(sa)]);
    expect(await cache.keychainFor(team('sa'))).not.toBe(sa);
    expect(builds.get(credentialKey(team('sa')))).toBe(2);
    cache.invalidate({ kind: 'ServiceAccount', namespace: 'other', name: 'sa' });
    expect(evicted).toEqual([cache.transportKeyOf(sa), cache.transportKeyOf(other)]);
    expect(await cache.keychainFor({})).toBe(controller);
  });

  it('does not cache a failed read', async () => {
    const { build, builds, fail } = counting();
    const cache = createKeychainCache({ build });
    fail.add(credentialKey(team('sa')));
    await expect(cache.keychainFor(team('sa'))).rejects.toThrow('apiserver down');
    fail.clear();
    await expect(cache.keychainFor(team('sa'))).resolves.toBeDefined();
    expect(builds.get(credentialKey(team('sa')))).toBe(2);
  });

  it('knows no transport key for a keychain it did not build', () => {
    expect(createKeychainCache({ build: counting().build }).transportKeyOf(staticKeychain({}))).toBeUndefined();
  });
});
