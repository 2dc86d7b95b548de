/**
 * The retry policy of registry calls: bounded attempts, exponential backoff with jitter, and the
 * registry's own `Retry-After` honoured (up to a cap). Only transient errors (shared/error-kind.ts) are tried
 * again; 401/403/404 and format errors fail at once. Delays go through an injectable sleep.
 */
import { backoffDelay, defaultBackoff, errorKindOf, retryAfterOf, sleep, type BackoffOptions } from '../../shared/index.ts';

/** How a call is retried. */
export interface RetryPolicy {
  /** Total tries including the first; 1 disables retries. */
  maxAttempts: number;
  backoff: BackoffOptions;
  /** Upper bound on a delay taken from `Retry-After`, in milliseconds (a registry may ask for hours). */
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

/**
 * Defaults: 5 tries (about 0.2 + 0.4 + 0.8 + 1.6 s of backoff before jitter, so a registry restart is
 * survived without stalling a reconcile for long) and at most 60 s for one `Retry-After`.
 */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  backoff: defaultBackoff,
  maxRetryAfterMs: 60_000,
  sleep,
  random: Math.random,
};

/** What a retry loop reports before it waits. */
export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** True when `error` says a later try may succeed (its kind is `transient`). */
export function isRetryable(error: unknown): boolean {
  return errorKindOf(error) === 'transient';
}

/** The delay before retry number `attempt` (0-based): the registry's `Retry-After` if it named one, else backoff. */
export function retryDelay(policy: RetryPolicy, attempt: number, error: unknown): number {
  const asked = retryAfterOf(error);
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  return backoffDelay(attempt, policy.backoff, policy.random);
}

/** Runs `task` until it succeeds, fails with a non-retryable error, runs out of attempts, or `signal` aborts. */
export async function withRetries<T>(
  policy: RetryPolicy,
  task: (attempt: number) => Promise<T>,
  options: { signal?: AbortSignal; onRetry?: (notice: RetryNotice) => void } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= policy.maxAttempts || options.signal?.aborted) throw error;
      const delayMs = retryDelay(policy, attempt, error);
      options.onRetry?.({ attempt, delayMs, error });
      await policy.sleep(delayMs, options.signal);
    }
  }
}

/** Runs the body-reading part of an attempt; failures thrown in it may repeat the whole attempt. */
export type BodyReader = <R>(read: () => Promise<R>) => Promise<R>;

/**
 * Repeats `attempt` (one request plus the reading and checking of its small body) when it failed
 * while reading or checking the body: a connection cut mid-body or corrupt bytes. The request itself
 * is retried by the transport, so failures before the body are not repeated here (no nested retries).
 */
export async function retryBodyFailures<T>(policy: RetryPolicy, attempt: (readBody: BodyReader) => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let tries = 0; ; tries++) {
    let failedInBody = false;
    const readBody: BodyReader = async (read) => {
      try {
        return await read();
      } catch (error) {
        failedInBody = true;
        throw error;
      }
    };
    try {
      return await attempt(readBody);
    } catch (error) {
      if (!failedInBody || !isRetryable(error) || tries + 1 >= policy.maxAttempts || signal?.aborted) throw error;
      await policy.sleep(retryDelay(policy, tries, error), signal);
    }
  }
}
