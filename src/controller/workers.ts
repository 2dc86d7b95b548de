/**
 * The worker pool: each worker takes a key, runs the kind's reconciler and acts on its Result
 * (forget, add after a delay, or add with the queue's per-key backoff). A reconciler that throws is
 * logged and backed off like a transient failure. On `stop` the queue stops handing out keys;
 * in-flight reconciles may finish within the grace period, then their signal aborts them.
 */
import type { KindName } from '../api/index.ts';
import type { WorkQueue } from '../k8s/index.ts';
import { clockSleep, errorKindOf, messageOf, systemClock, type Clock, type Logger } from '../shared/index.ts';
import { parseQueueKey } from './enqueue.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { Reconciler, Result } from './reconciler.ts';

/** Options of `runWorkers`. */
export interface WorkerOptions {
  queue: WorkQueue;
  reconcilers: ReadonlyMap<KindName, Reconciler>;
  workers: number;
  graceMs: number;
  logger: Logger;
  metrics?: ControllerMetrics;
  stop: AbortSignal;
  /** Times the grace period and the waits after it (default: the real clock). */
  clock?: Clock;
  /** Sharded replicas: false for a key of a shard this replica does not hold (it is dropped, not reconciled). */
  owns?: (item: string) => boolean;
}

function apply(queue: WorkQueue, item: string, result: Result): string {
  switch (result.type) {
    case 'done':
      queue.forget(item);
      return 'done';
    case 'requeueAfter':
      queue.forget(item);
      queue.addAfter(item, result.delayMs);
      return 'requeue';
    default:
      queue.addRateLimited(item);
      return 'backoff';
  }
}

// The reconciler of a queue key's kind, with the kind and object key; undefined when none serves it,
// or when its shard moved to another replica (which queued it on gaining the shard): dropped here.
function routed(options: WorkerOptions, item: string): { kind: KindName; key: string; reconciler: Reconciler } | undefined {
  if (options.owns && !options.owns(item)) {
    options.queue.forget(item);
    return undefined;
  }
  const parsed = parseQueueKey(item);
  const reconciler = parsed && options.reconcilers.get(parsed.kind);
  return parsed && reconciler ? { ...parsed, reconciler } : undefined;
}

async function processItem(options: WorkerOptions, item: string, signal: AbortSignal): Promise<void> {
  const route = routed(options, item);
  if (!route) return;
  const { kind, key, reconciler } = route;
  const started = performance.now();
  let outcome: string;
  try {
    const result = await reconciler.reconcile(key, signal);
    outcome = apply(options.queue, item, result);
    if (result.failure) options.metrics?.failed(kind, result.failure);
  } catch (error) {
    outcome = 'error';
    options.metrics?.failed(kind, signal.aborted ? 'cancelled' : errorKindOf(error));
    options.logger.error('reconcile threw', { kind, key, error: messageOf(error) });
    if (!signal.aborted) options.queue.addRateLimited(item);
  }
  options.metrics?.reconciled(kind, outcome, (performance.now() - started) / 1000);
}

/** Runs the pool until `stop` aborts and every in-flight reconcile has ended (or was abandoned after the grace period). */
export async function runWorkers(options: WorkerOptions): Promise<void> {
  const inflight = new AbortController();
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = await options.queue.get();
      if (item === undefined) return;
      try {
        await processItem(options, item, inflight.signal);
      } finally {
        options.queue.done(item);
      }
    }
  };
  const pool = Promise.all(Array.from({ length: Math.max(1, options.workers) }, worker));
  await new Promise<void>((resolve) => (options.stop.aborted ? resolve() : options.stop.addEventListener('abort', () => resolve(), { once: true })));
  // Stop handing out keys: waiting workers get undefined at once; busy ones finish their key.
  const shutdown = options.queue.shutDown({ drain: false });
  const timers = new AbortController();
  const clock = options.clock ?? systemClock;
  const later = (ms: number): Promise<boolean> =>
    clockSleep(clock, ms, timers.signal).then(
      () => false,
      () => false,
    );
  try {
    const finished = await Promise.race([pool.then(() => true), later(options.graceMs)]);
    if (!finished) {
      options.logger.warn('abandoning in-flight reconciles after the grace period', { graceMs: options.graceMs });
      inflight.abort(new Error('controller stopping'));
      await Promise.race([pool, later(5_000)]);
    }
    await Promise.race([shutdown.catch(() => undefined), later(1_000)]);
  } finally {
    timers.abort();
  }
}
