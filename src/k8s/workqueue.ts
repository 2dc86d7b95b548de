/**
 * A keyed, de-duplicating work queue in the style of client-go: a key waits at most once; a key being
 * processed is never handed to a second worker, and if it is added meanwhile it is queued again when
 * the worker calls `done`. Failures back off per key exponentially, capped by a global token bucket.
 */
import { InternalError } from '../shared/index.ts';
import type { Clock } from './clock.ts';

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

/** Creates an empty queue. */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  throw new InternalError(`work queue not implemented yet (${Object.keys(options).length})`);
}
