/**
 * The one time source: the current instant and one-shot timers. Use cases (timestamps), informers,
 * the work queue and leader election take a Clock so unit tests drive time by hand
 * (shared/testing's manual clock) instead of sleeping.
 */
import { sleepOn } from './async.ts';

/** Cancels a scheduled callback; calling it after the callback ran does nothing. */
export type CancelTimer = () => void;

/** Current time in milliseconds since the epoch, and one-shot timers. */
export interface Clock {
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  schedule(callback: () => void, ms: number): CancelTimer;
}

/** The real clock: `Date.now` and `setTimeout` (timers do not keep the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason once it aborts. */
export function clockSleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOn((callback, delay) => clock.schedule(callback, delay), ms, signal);
}
