import { describe, expect, it } from 'vitest';
import { createManualClock, flushMicrotasks } from './testing/index.ts';
import { createWorkQueue } from './workqueue.ts';

describe('createWorkQueue', () => {
  it('hands keys out in FIFO order and de-duplicates waiting keys', async () => {
    const queue = createWorkQueue({ clock: createManualClock() });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.length).toBe(0);
  });

  it('with a rank, hands out higher ranks first and keeps arrival order among equals, also for re-adds after done', async () => {
    const ranks: Record<string, number> = { low1: 0, high1: 5, low2: 0, mid: 2, high2: 5 };
    const queue = createWorkQueue({ clock: createManualClock(), rank: (key) => ranks[key] ?? 0 });
    for (const key of ['low1', 'high1', 'low2', 'mid', 'high2']) queue.add(key);
    const order: string[] = [];
    for (let i = 0; i < 5; i += 1) order.push((await queue.get()) ?? '');
    expect(order).toEqual(['high1', 'high2', 'mid', 'low1', 'low2']);
    // Re-added while in processing: queued by its rank when done.
    queue.add('low1');
    queue.add('mid');
    queue.done('low1');
    queue.done('mid');
    queue.done('high1');
    queue.add('high1');
    expect(await queue.get()).toBe('high1');
    expect(await queue.get()).toBe('mid');
    expect(await queue.get()).toBe('low1');
  });

  it('with a rank, an idle worker gets the highest of the keys added together, not the first added', async () => {
    const ranks: Record<string, number> = { low: 0, high: 5, mid: 2 };
    const queue = createWorkQueue({ clock: createManualClock(), rank: (key) => ranks[key] ?? 0 });
    const waiting = queue.get();
    for (const key of ['low', 'mid', 'high']) queue.add(key);
    expect(await waiting).toBe('high');
    expect(await queue.get()).toBe('mid');
    expect(await queue.get()).toBe('low');
  });

  it('never hands a key in processing to a second worker; a re-add is queued after done', async () => {
    const queue = createWorkQueue({ clock: createManualClock() });
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await flushMicrotasks();
    expect(second).toBeUndefined();
    queue.done(key ?? '');
    await flushMicrotasks();
    expect(second).toBe('a');
    expect(queue.length).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = createWorkQueue({ clock: createManualClock() });
    const next = queue.get();
    queue.add('x');
    expect(await next).toBe('x');
  });

  it('addAfter delays a key on the clock; the earliest request wins', async () => {
    const clock = createManualClock();
    const queue = createWorkQueue({ clock });
    queue.addAfter('a', 1000);
    queue.addAfter('a', 300);
    queue.addAfter('a', 5000);
    expect(queue.length).toBe(0);
    await clock.advance(299);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(queue.length).toBe(1);
    await clock.advance(10_000);
    expect(queue.length).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('addRateLimited backs off exponentially per key until forget', async () => {
    const clock = createManualClock();
    const queue = createWorkQueue({ clock, itemBackoff: { baseMs: 100, maxMs: 350 }, bucket: { qps: 1000, burst: 1000 } });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      queue.addRateLimited('k');
      while (queue.length === 0) await clock.advance(10);
      delays.push(clock.now() - start);
      const key = await queue.get();
      queue.done(key ?? '');
    }
    expect(delays).toEqual([100, 200, 350, 350]);
    expect(queue.failures('k')).toBe(4);
    queue.forget('k');
    expect(queue.failures('k')).toBe(0);
    const start = clock.now();
    queue.addRateLimited('k');
    while (queue.length === 0) await clock.advance(10);
    expect(clock.now() - start).toBe(100);
  });

  it('the global token bucket delays rate-limited adds beyond the burst', async () => {
    const clock = createManualClock();
    const queue = createWorkQueue({ clock, itemBackoff: { baseMs: 1, maxMs: 1 }, bucket: { qps: 10, burst: 2 } });
    for (const key of ['a', 'b', 'c', 'd']) queue.addRateLimited(key);
    await clock.advance(1);
    expect(queue.length).toBe(2);
    await clock.advance(99);
    expect(queue.length).toBe(3);
    await clock.advance(100);
    expect(queue.length).toBe(4);
  });

  it('shutDown with drain hands out waiting keys, resolves after in-flight work is done, and refuses new keys', async () => {
    const queue = createWorkQueue({ clock: createManualClock() });
    queue.add('a');
    queue.add('b');
    const a = await queue.get();
    let drained = false;
    const shut = queue.shutDown().then(() => (drained = true));
    queue.add('c');
    expect(await queue.get()).toBe('b');
    expect(await queue.get()).toBeUndefined();
    queue.done('b');
    await flushMicrotasks();
    expect(drained).toBe(false);
    queue.add('a');
    queue.done(a ?? '');
    await shut;
    expect(drained).toBe(true);
    expect(queue.length).toBe(0);
    expect(queue.shuttingDown).toBe(true);
  });

  it('shutDown without drain drops waiting keys and releases waiting workers at once', async () => {
    const clock = createManualClock();
    const queue = createWorkQueue({ clock });
    const waiting = queue.get();
    await queue.shutDown({ drain: false });
    expect(await waiting).toBeUndefined();
    const queue2 = createWorkQueue({ clock });
    queue2.add('a');
    queue2.addAfter('b', 100);
    await queue2.shutDown({ drain: false });
    expect(queue2.length).toBe(0);
    expect(await queue2.get()).toBeUndefined();
    expect(clock.pending).toBe(0);
  });
});
