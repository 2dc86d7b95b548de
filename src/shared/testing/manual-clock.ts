/**
 * A Clock for unit tests: time moves only when the test calls `advance`, which runs due timers in
 * time order (and the promise callbacks they trigger) before returning.
 */
import type { Clock } from '../clock.ts';

/** A Clock driven by hand. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, running each timer that falls due, in order, with microtasks flushed between. */
  advance(ms: number): Promise<void>;
  /** How many timers are scheduled and not yet run or cancelled. */
  readonly pending: number;
}

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets queued promise callbacks run (several rounds, as async chains take more than one). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock starting at `start` ms since the epoch. */
export function createManualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Set<Timer>();
  return {
    now: () => now,
    schedule(callback, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    get pending() {
      return timers.size;
    },
    async advance(ms) {
      const end = now + ms;
      await flushMicrotasks();
      for (;;) {
        const due = [...timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (due === undefined) break;
        timers.delete(due);
        now = Math.max(now, due.at);
        due.callback();
        await flushMicrotasks();
      }
      now = end;
    },
  };
}
