import { describe, expect, it } from 'vitest';
import { backoffDelay, createLimiter, memoize, sleep } from './async.ts';

describe('backoffDelay', () => {
  it('grows by the factor and stops at the maximum', () => {
    const noJitter = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('removes at most the jitter fraction', () => {
    const options = { initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(0, options, () => 0)).toBe(1000);
    expect(backoffDelay(0, options, () => 1)).toBe(500);
  });
});

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          // Give the other queued tasks a turn while this one holds its slot.
          await new Promise<void>((resolve) => setImmediate(resolve));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('rejects a nonsensical limit', () => {
    expect(() => createLimiter(0)).toThrow(/positive integer/);
  });
});

describe('memoize', () => {
  it('shares one promise and retries after a failure', async () => {
    let calls = 0;
    const get = memoize(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('first fails')) : Promise.resolve(calls);
    });
    await expect(get()).rejects.toThrow('first fails');
    expect(await Promise.all([get(), get()])).toEqual([2, 2]);
    expect(calls).toBe(2);
  });
});

describe('sleep', () => {
  it('rejects at once when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
