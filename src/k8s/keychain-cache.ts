/**
 * Keychains cached by credential key, so that reconciles of resources sharing a ServiceAccount share
 * one keychain (and so one registry transport) instead of reading the account's Secrets and building
 * a fresh keychain each time. Bounded (least recently used goes first), entries expire after `ttlMs`
 * (a safety net for missed watch events), and an entry is dropped at once when a Secret or
 * ServiceAccount it was read from changes. Each built keychain gets a transport key
 * (`<credential key>#<generation>`), so a rebuilt keychain never reuses a transport that cached tokens
 * obtained with the old password.
 */
import { credentialKey, type CredentialRef } from '../api/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import type { BuiltKeychain, KeychainFactory } from './keychain.ts';

/** A changed credential object, by kind and name. */
export interface CredentialChange {
  kind: 'Secret' | 'ServiceAccount';
  namespace?: string;
  name: string;
}

/** Options of `createKeychainCache`. */
export interface KeychainCacheOptions {
  /** Builds a keychain and says what it was read from (`createKeychainFactory(...)`). */
  build(ref: CredentialRef, io?: IoOptions): Promise<BuiltKeychain>;
  /** Most entries kept (default 256). */
  maxEntries?: number;
  /** Lifetime of an entry in ms (default 10 minutes). */
  ttlMs?: number;
  /** Milliseconds clock (default `Date.now`); tests pass a manual one. */
  now?: () => number;
  /** Called with the transport key of every dropped keychain (to close its transport). */
  onEvict?: (transportKey: string) => void;
}

/** A KeychainFactory that caches; `invalidate` on Secret/ServiceAccount changes. */
export interface KeychainCache extends KeychainFactory {
  /** Drops every entry read from the changed object. */
  invalidate(change: CredentialChange): void;
  /** The cached keychain of `ref` with the ServiceAccount and Secrets it was read from (built when not cached). */
  build(ref: CredentialRef): Promise<BuiltKeychain>;
  /** The stable transport key of a keychain this cache returned (undefined for any other). */
  transportKeyOf(keychain: Keychain): string | undefined;
  /** Entries held now. */
  size(): number;
}

interface Entry {
  namespace: string | undefined;
  transportKey: string;
  expiresAt: number;
  built: Promise<BuiltKeychain>;
  /** Known once `built` has settled. */
  sources?: BuiltKeychain;
}

/** Creates the cache over `options.build`. */
export function createKeychainCache(options: KeychainCacheOptions): KeychainCache {
  const maxEntries = options.maxEntries ?? 256;
  const ttlMs = options.ttlMs ?? 600_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const keys = new WeakMap<Keychain, string>();
  let generation = 0;

  const drop = (key: string): void => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    options.onEvict?.(entry.transportKey);
  };
  // The build is shared by concurrent callers, so no caller's AbortSignal may cancel it.
  const add = (key: string, ref: CredentialRef): Entry => {
    const entry: Entry = { namespace: ref.namespace || undefined, transportKey: `${key}#${++generation}`, expiresAt: now() + ttlMs, built: options.build(ref) };
    entry.built.then(
      (built) => {
        entry.sources = built;
        keys.set(built.keychain, entry.transportKey);
      },
      // A failed read is not cached: the next call tries again.
      () => entries.get(key) === entry && entries.delete(key),
    );
    entries.set(key, entry);
    // Map order is insertion order: the first key is the oldest entry.
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      drop(oldest);
    }
    return entry;
  };

  const cached = (ref: CredentialRef): Promise<BuiltKeychain> => {
    const key = credentialKey(ref);
    let entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      drop(key);
      entry = undefined;
    }
    if (entry) {
      // Least recently used first: re-insert on use.
      entries.delete(key);
      entries.set(key, entry);
    }
    return (entry ?? add(key, ref)).built;
  };

  return {
    keychainFor: async (ref) => (await cached(ref)).keychain,
    build: cached,
    invalidate(change) {
      for (const [key, entry] of [...entries]) {
        if (readFrom(entry, change)) drop(key);
      }
    },
    transportKeyOf: (keychain) => keys.get(keychain),
    size: () => entries.size,
  };
}

/** Whether the entry under `key` was read from the changed object (pending entries count as read from their namespace). */
function readFrom(entry: Entry, change: CredentialChange): boolean {
  if (entry.namespace === undefined || entry.namespace !== change.namespace) return false;
  const sources = entry.sources;
  if (!sources) return true;
  return change.kind === 'ServiceAccount' ? sources.serviceAccount === change.name : sources.secrets.includes(change.name);
}
