import { describe, expect, it } from 'vitest';
import { createWorkQueue } from '../k8s/index.ts';
import { silentLogger } from '../shared/index.ts';
import { createManualClock, flushMicrotasks } from '../shared/testing/index.ts';
import type { Reconciler, Result } from './reconciler.ts';
import { runWorkers } from './workers.ts';

function scripted(results: Result[], seen: string[]): Reconciler {
  return {
    reconcile: (key) => {
      seen.push(key);
      return Promise.resolve(results.shift() ?? { type: 'done' });
    },
  };
}

describe('runWorkers', () => {
  it('acts on each Result: backoff retries the key, requeueAfter adds it again later, done forgets it', async () => {
    const clock = createManualClock();
    const queue = createWorkQueue({ clock, itemBackoff: { baseMs: 1, maxMs: 5 } });
    const seen: string[] = [];
    const stop = new AbortController();
    const reconcilers = new Map([['ClusterStore' as const, scripted([{ type: 'backoff' }, { type: 'requeueAfter', delayMs: 5 }, { type: 'done' }], seen)]]);
    const running = runWorkers({ queue, reconcilers, workers: 2, graceMs: 1_000, logger: silentLogger, stop: stop.signal, clock });
    queue.add('ClusterStore:default');
    await flushMicrotasks();
    expect(seen).toEqual(['default']);
    expect(queue.failures('ClusterStore:default')).toBe(1);
    // The backoff (1 ms) brings it back; its result asks for it again 5 ms later.
    await clock.advance(1);
    expect(seen).toEqual(['default', 'default']);
    expect(queue.failures('ClusterStore:default')).toBe(0);
    await clock.advance(4);
    expect(seen).toHaveLength(2);
    await clock.advance(1);
    expect(seen).toEqual(['default', 'default', 'default']);
    // Done: nothing comes back.
    await clock.advance(10_000);
    expect(seen).toHaveLength(3);
    stop.abort();
    await running;
    expect(queue.failures('ClusterStore:default')).toBe(0);
  });

  it('on stop takes no new key, and aborts a reconcile still running after the grace period', async () => {
    const queue = createWorkQueue();
    const stop = new AbortController();
    const seen: string[] = [];
    let aborted = false;
    const slow: Reconciler = {
      reconcile: (key, signal) =>
        new Promise<Result>((resolve) => {
          seen.push(key);
          signal?.addEventListener('abort', () => {
            aborted = true;
            resolve({ type: 'done' });
          });
        }),
    };
    const clock = createManualClock();
    const running = runWorkers({
      queue,
      reconcilers: new Map([['Builder' as const, slow]]),
      workers: 1,
      graceMs: 50,
      logger: silentLogger,
      stop: stop.signal,
      clock,
    });
    queue.add('Builder:team/a');
    queue.add('Builder:team/b');
    await flushMicrotasks();
    expect(seen).toEqual(['team/a']);
    stop.abort();
    // The reconcile keeps its signal for the grace period, and loses it when the period ends.
    await clock.advance(49);
    expect(aborted).toBe(false);
    await clock.advance(1);
    expect(aborted).toBe(true);
    await running;
    expect(seen).toEqual(['team/a']);
  });
});
