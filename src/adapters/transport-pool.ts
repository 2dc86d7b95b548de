/**
 * Registry transports by a stable key (the credential key of the keychain they carry), bounded and
 * with idle eviction: an evicted transport is closed, and its request totals are kept so that
 * counters read from `totals()` never go backwards.
 */
import { RegistryTransport, type TransferTotals, type TransportOptions } from '../oci/index.ts';

/** Limits of a TransportPool. */
export interface TransportPoolOptions {
  /** Most transports kept open (default 64). */
  maxTransports?: number;
  /** A transport unused this long (ms) is closed (default 10 minutes). */
  idleMs?: number;
  /** Milliseconds clock (default `Date.now`). */
  now?: () => number;
}

interface Slot {
  transport: RegistryTransport;
  lastUsed: number;
}

/** Keyed, bounded transports; `close()` when done. */
export class TransportPool {
  readonly #slots = new Map<string, Slot>();
  readonly #max: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #retired: TransferTotals = emptyTotals();
  readonly #closing = new Set<Promise<void>>();

  constructor(options: TransportPoolOptions = {}) {
    this.#max = options.maxTransports ?? 64;
    this.#idleMs = options.idleMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /** The transport under `key`, created with `options` on first use (or after eviction). */
  get(key: string, options: () => TransportOptions): RegistryTransport {
    const now = this.#now();
    this.#evictIdle(now);
    let slot = this.#slots.get(key);
    if (slot) {
      this.#slots.delete(key);
    } else {
      slot = { transport: new RegistryTransport(options()), lastUsed: now };
    }
    slot.lastUsed = now;
    // Map order is use order: the first entry is the least recently used.
    this.#slots.set(key, slot);
    while (this.#slots.size > this.#max) this.evict(this.#slots.keys().next().value as string);
    return slot.transport;
  }

  /** Closes and forgets the transport under `key` (pending requests finish first). */
  evict(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    addTotals(this.#retired, slot.transport.counters.totals());
    const closing = slot.transport.close().catch(() => undefined);
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  /** Transports open now. */
  size(): number {
    return this.#slots.size;
  }

  /** Request totals over every transport, evicted ones included. */
  totals(): TransferTotals {
    const sum = addTotals(emptyTotals(), this.#retired);
    for (const { transport } of this.#slots.values()) addTotals(sum, transport.counters.totals());
    return sum;
  }

  /** Closes every transport. */
  async close(): Promise<void> {
    for (const key of [...this.#slots.keys()]) this.evict(key);
    await Promise.all([...this.#closing]);
  }

  #evictIdle(now: number): void {
    for (const [key, slot] of [...this.#slots]) {
      if (now - slot.lastUsed >= this.#idleMs) this.evict(key);
    }
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
