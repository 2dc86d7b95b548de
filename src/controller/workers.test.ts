import { describe, expect, it } from 'vitest';
import { createWorkQueue } from '../k8s/index.ts';
import { silentLogger } from '../shared/index.ts';
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
    const queue = createWorkQueue({ itemBackoff: { baseMs: 1, maxMs: 5 } });
    const seen: string[] = [];
    const stop = new AbortController();
    const reconcilers = new Map([['ClusterStore' as const, scripted([{ type: 'backoff' }, { type: 'requeueAfter', delayMs: 5 }, { type: 'done' }], seen)]]);
    const running = runWorkers({ queue, reconcilers, workers: 2, graceMs: 1_000, logger: silentLogger, stop: stop.signal });
    queue.add('ClusterStore:default');
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    await running;
    expect(seen).toEqual(['default', 'default', 'default']);
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
    const running = runWorkers({ queue, reconcilers: new Map([['Builder' as const, slow]]), workers: 1, graceMs: 50, logger: silentLogger, stop: stop.signal });
    queue.add('Builder:team/a');
    queue.add('Builder:team/b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    const started = Date.now();
    await running;
    expect(aborted).toBe(true);
    expect(seen).toEqual(['team/a']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
