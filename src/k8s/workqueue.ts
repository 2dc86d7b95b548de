/**
 * A keyed, de-duplicating work queue in the style of client-go: a key waits at most once; a key being
 * processed is never handed to a second worker, and if it is added meanwhile it is queued again when
 * the worker calls `done`. Failures back off per key exponentially, capped by a global token bucket.
 */
import { systemClock, type CancelTimer, type Clock } from '../shared/index.ts';

/** Per-key exponential backoff (`addRateLimited`): baseMs × 2^failures, at most maxMs. */
export interface ItemBackoff {
  baseMs: number;
  maxMs: number;
}

/** Global token bucket applied to rate-limited adds: `qps` tokens per second, `burst` at most. */
export interface BucketLimit {
  qps: number;
  burst: number;
}

/** Options of `createWorkQueue`; defaults follow knative/client-go (5 ms … 1000 s, 10 qps burst 100). */
export interface WorkQueueOptions {
  itemBackoff?: ItemBackoff;
  bucket?: BucketLimit;
  clock?: Clock;
  /**
   * Order of waiting keys: higher first, first come first served among equals (default: all equal,
   * plain FIFO). Read when a key joins the queue.
   */
  rank?: (key: string) => number;
}

/** The queue contract shared by the controller's workers. */
export interface WorkQueue {
  /** Queues `key` unless it is already waiting; a key in processing is re-queued after `done`. */
  add(key: string): void;
  /** Adds `key` after `ms` milliseconds (an immediate add when ms ≤ 0). */
  addAfter(key: string, ms: number): void;
  /** Adds `key` after its per-key backoff (and the global bucket's delay, whichever is longer); counts a failure. */
  addRateLimited(key: string): void;
  /** Clears the failure count of `key` (call after a successful reconcile). */
  forget(key: string): void;
  /** How many rate-limited adds `key` had since its last `forget`. */
  failures(key: string): number;
  /** The next key to process, waiting for one; undefined once the queue shuts down and (when draining) is empty. */
  get(): Promise<string | undefined>;
  /** Marks `key` processed; if it was added meanwhile it becomes available again. */
  done(key: string): void;
  /** Keys waiting (not counting those in processing or delayed). */
  readonly length: number;
  /** True after `shutDown`. */
  readonly shuttingDown: boolean;
  /**
   * Stops accepting keys. With `drain` (default) waiting keys are still handed out and the promise
   * resolves when every key in processing is done; without it waiters get undefined at once.
   */
  shutDown(options?: { drain?: boolean }): Promise<void>;
}

const defaultItemBackoff: ItemBackoff = { baseMs: 5, maxMs: 1_000_000 };
const defaultBucket: BucketLimit = { qps: 10, burst: 100 };

/** Creates an empty queue. */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  return new KeyedWorkQueue(options);
}

/** A golang-style token bucket: each take reserves a token and answers how long to wait for it. */
class TokenBucket {
  readonly #limit: BucketLimit;
  #tokens: number;
  #last: number;

  constructor(limit: BucketLimit, now: number) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#last = now;
  }

  take(now: number): number {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + elapsed * this.#limit.qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#limit.qps) * 1000);
  }
}

class KeyedWorkQueue implements WorkQueue {
  readonly #clock: Clock;
  readonly #itemBackoff: ItemBackoff;
  readonly #bucket: TokenBucket;
  readonly #queue: string[] = [];
  readonly #rank: ((key: string) => number) | undefined;
  /** The rank of each waiting key, as read when it joined. */
  readonly #ranks = new Map<string, number>();
  /** Keys that need processing: waiting in #queue, or added again while in #processing. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; cancel: CancelTimer }>();
  readonly #waiters: Array<(key: string | undefined) => void> = [];
  #shuttingDown = false;
  #drained: (() => void) | undefined;
  #dispatchQueued = false;

  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#itemBackoff = options.itemBackoff ?? defaultItemBackoff;
    this.#bucket = new TokenBucket(options.bucket ?? defaultBucket, this.#clock.now());
    this.#rank = options.rank;
  }

  get length(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
    if (this.#rank === undefined) {
      this.#dispatch();
      return;
    }
    // Ranked: keys added together (every builder a store change touches) are all in place before an
    // idle worker takes one, so the first it takes is the highest, not the first added.
    if (this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    queueMicrotask(() => {
      this.#dispatchQueued = false;
      this.#dispatch();
    });
  }

  /** Appends `key`, or with a rank inserts it after every waiting key ranked at least as high. */
  #enqueue(key: string): void {
    if (this.#rank === undefined) {
      this.#queue.push(key);
      return;
    }
    const rank = this.#rank(key);
    this.#ranks.set(key, rank);
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#ranks.get(this.#queue[middle] ?? '') ?? 0) >= rank) low = middle + 1;
      else high = middle;
    }
    this.#queue.splice(low, 0, key);
  }

  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + ms;
    const pending = this.#delayed.get(key);
    // One timer per key: the earliest requested time wins.
    if (pending !== undefined && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.#clock.schedule(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, cancel });
  }

  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const itemDelay = Math.min(this.#itemBackoff.maxMs, this.#itemBackoff.baseMs * 2 ** failures);
    this.addAfter(key, Math.max(itemDelay, this.#bucket.take(this.#clock.now())));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  get(): Promise<string | undefined> {
    const key = this.#next();
    if (key !== undefined || this.#shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    if (!this.#processing.delete(key)) return;
    // After shutDown a re-added key is dropped: the workers that would take it may have exited.
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#enqueue(key);
      this.#dispatch();
    }
    this.#checkDrained();
  }

  shutDown(options: { drain?: boolean } = {}): Promise<void> {
    this.#shuttingDown = true;
    for (const pending of this.#delayed.values()) pending.cancel();
    this.#delayed.clear();
    if (options.drain === false) {
      for (const key of this.#queue) this.#dirty.delete(key);
      this.#queue.length = 0;
      this.#ranks.clear();
    }
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    if (options.drain === false) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
      this.#checkDrained();
    });
  }

  #next(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#ranks.delete(key);
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#queue.length > 0) {
      this.#waiters.shift()?.(this.#next());
    }
  }

  #checkDrained(): void {
    if (this.#drained === undefined || this.#queue.length > 0 || this.#processing.size > 0) return;
    this.#drained();
    this.#drained = undefined;
  }
}
