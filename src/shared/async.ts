/**
 * Small async building blocks: abortable sleep, exponential backoff with jitter, a concurrency
 * limiter and a memoised promise. Delays go through an injectable `sleep` so tests never wait.
 */

/** Runs a callback once after `ms` milliseconds and returns a function that cancels it. */
export type ScheduleTimer = (callback: () => void, ms: number) => () => void;

const realTimer: ScheduleTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

/** Waits `ms` milliseconds; rejects with the signal's reason if it is aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOn(realTimer, ms, signal);
}

/**
 * Waits `ms` milliseconds on `schedule` (an injectable clock's timer, so tests can drive time);
 * rejects with the signal's reason if it is aborted first.
 */
export function sleepOn(schedule: ScheduleTimer, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(abortReason(signal));
    };
    const cancel = schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}

/** The shape of a retry policy's delays. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  initialMs: number;
  /** Upper bound of any single delay, in milliseconds. */
  maxMs: number;
  /** Growth factor per attempt. */
  factor: number;
  /** Fraction of the delay randomised away (0 = none, 1 = "full jitter"). */
  jitter: number;
}

/** Delays suited to registry calls: 200 ms doubling to 10 s, half jittered. */
export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 10_000, factor: 2, jitter: 0.5 };

/** Delay in milliseconds before retry number `attempt` (0-based); `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(base * (1 - options.jitter * random()));
}

/** Runs at most `limit` tasks at once; further calls wait their turn in FIFO order. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Returns a function that starts `create` on first call and hands every caller the same promise;
 * a rejected promise is forgotten so that the next call tries again. */
export function memoize<T>(create: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= create().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
