/**
 * Registry transports by a stable key (the credential key of the keychain they carry), bounded and
 * with idle eviction. An evicted transport is not handed out for new keys; it is closed once it has
 * sent no request and not been asked for for `graceMs`, so a reconcile still holding it or its old
 * keychain (an image read earlier, a long push) finishes on it instead of opening another.
 * Closed transports' request totals are kept, so counters read from `totals()` never go backwards.
 */
import { RegistryTransport, type TransferTotals, type TransportOptions } from '../oci/index.ts';

/** Limits of a TransportPool. */
export interface TransportPoolOptions {
  /** Most reusable transports kept (default 64). */
  maxTransports?: number;
  /** A transport not handed out this long (ms) is evicted (default 10 minutes). */
  idleMs?: number;
  /** An evicted transport is closed after this long (ms) without a request (default 1 minute). */
  graceMs?: number;
  /** Milliseconds clock (default `Date.now`). */
  now?: () => number;
}

interface Slot {
  transport: RegistryTransport;
  lastUsed: number;
}

interface Retiring {
  key: string;
  requests: number;
  quietSince: number;
}

/** Keyed, bounded transports; `close()` when done. */
export class TransportPool {
  readonly #slots = new Map<string, Slot>();
  readonly #retiring = new Map<RegistryTransport, Retiring>();
  /** Evicted transports by key, for callers that still hold the old keychain. */
  readonly #retiredKeys = new Map<string, RegistryTransport>();
  readonly #max: number;
  readonly #idleMs: number;
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #closed: TransferTotals = emptyTotals();
  readonly #closing = new Set<Promise<void>>();

  constructor(options: TransportPoolOptions = {}) {
    this.#max = options.maxTransports ?? 64;
    this.#idleMs = options.idleMs ?? 600_000;
    this.#graceMs = options.graceMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The transport under `key`, created with `options` on first use (or after eviction). */
  get(key: string, options: () => TransportOptions): RegistryTransport {
    const now = this.#now();
    this.#sweep(now);
    const retired = this.#retiredKeys.get(key);
    if (retired) return this.#stillUsed(retired, now);
    let slot = this.#slots.get(key);
    if (slot) {
      this.#slots.delete(key);
    } else {
      slot = { transport: new RegistryTransport(options()), lastUsed: now };
    }
    slot.lastUsed = now;
    // Map order is use order: the first entry is the least recently used.
    this.#slots.set(key, slot);
    for (const oldest of this.#slots.keys()) {
      if (this.#slots.size <= this.#max) break;
      this.evict(oldest);
    }
    return slot.transport;
  }

  /** Stops handing out the transport under `key`; it closes once quiet for `graceMs`. */
  evict(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    this.#retiring.set(slot.transport, { key, requests: slot.transport.counters.totals().requests, quietSince: this.#now() });
    this.#retiredKeys.set(key, slot.transport);
  }

  /** Transports open now (reusable ones and evicted ones not closed yet). */
  size(): number {
    return this.#slots.size + this.#retiring.size;
  }

  /** Request totals over every transport, closed ones included. */
  totals(): TransferTotals {
    const sum = addTotals(emptyTotals(), this.#closed);
    for (const { transport } of this.#slots.values()) addTotals(sum, transport.counters.totals());
    for (const transport of this.#retiring.keys()) addTotals(sum, transport.counters.totals());
    return sum;
  }

  /** Closes every transport at once. */
  async close(): Promise<void> {
    for (const key of [...this.#slots.keys()]) this.evict(key);
    for (const transport of [...this.#retiring.keys()]) this.#close(transport);
    await Promise.all([...this.#closing]);
  }

  #sweep(now: number): void {
    for (const [key, slot] of [...this.#slots]) {
      if (now - slot.lastUsed >= this.#idleMs) this.evict(key);
    }
    for (const [transport, retiring] of [...this.#retiring]) {
      const requests = transport.counters.totals().requests;
      if (requests !== retiring.requests) this.#retiring.set(transport, { ...retiring, requests, quietSince: now });
      else if (now - retiring.quietSince >= this.#graceMs) this.#close(transport);
    }
  }

  /** A retiring transport asked for again (by a holder of the old keychain) stays open a grace period longer. */
  #stillUsed(transport: RegistryTransport, now: number): RegistryTransport {
    const retiring = this.#retiring.get(transport);
    if (retiring) retiring.quietSince = now;
    return transport;
  }

  #close(transport: RegistryTransport): void {
    const key = this.#retiring.get(transport)?.key;
    if (key !== undefined && this.#retiredKeys.get(key) === transport) this.#retiredKeys.delete(key);
    this.#retiring.delete(transport);
    addTotals(this.#closed, transport.counters.totals());
    const closing = transport.close().catch(() => undefined);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }
}

function emptyTotals(): TransferTotals {
  return { requests: 0, byKind: {}, bytesSent: 0, bytesReceived: 0 };
}

function addTotals(into: TransferTotals, t: TransferTotals): TransferTotals {
  into.requests += t.requests;
  into.bytesSent += t.bytesSent;
  into.bytesReceived += t.bytesReceived;
  for (const [kind, n] of Object.entries(t.byKind)) into.byKind[kind] = (into.byKind[kind] ?? 0) + n;
  return into;
}
