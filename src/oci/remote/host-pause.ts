/**
 * A registry that answers 429 is throttling the client as a whole, not one request: each request
 * retrying on its own would keep the other in-flight and queued requests hammering it. So a 429 (or
 * a 503 that names a `Retry-After`) pauses every request to that host until the delay has passed:
 * the registry's `Retry-After` when it names one (capped), else a backoff that doubles with each
 * throttled answer in a row and resets on the first answer that is not throttled.
 */
import { backoffDelay, type BackoffOptions } from '../../shared/index.ts';
import { parseRetryAfter } from './errors.ts';

/** What `HostPause` needs: the retry policy's clock-free pieces. */
export interface HostPauseOptions {
  backoff: BackoffOptions;
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Told each time a host is paused, for logs and metrics. */
  onPause?: (host: string, delayMs: number) => void;
}

/** Per-host pauses shared by every request of one transport. */
export class HostPause {
  readonly #options: HostPauseOptions;
  /** Host → until when it is paused (epoch ms) and how many throttled answers came in a row. */
  readonly #hosts = new Map<string, { until: number; streak: number }>();

  constructor(options: HostPauseOptions) {
    this.#options = options;
  }

  /**
   * Waits out the pause of `host`, if any. One sleep, not a loop: with an injected sleep that
   * returns at once (tests) a loop on the real clock would spin.
   */
  async wait(host: string, signal?: AbortSignal): Promise<void> {
    const left = (this.#hosts.get(host)?.until ?? 0) - this.#options.now();
    if (left > 0) await this.#options.sleep(left, signal);
  }

  /** Notes an answer of `host`: a throttling one pauses it; any other clears the streak. */
  observe(host: string, status: number, retryAfter: string | null): void {
    const state = this.#hosts.get(host);
    const throttled = status === 429 || (status === 503 && retryAfter !== null);
    if (!throttled) {
      if (state) this.#hosts.delete(host);
      return;
    }
    const streak = (state?.streak ?? 0) + 1;
    const delayMs = this.#delay(streak, retryAfter);
    const until = Math.max(state?.until ?? 0, this.#options.now() + delayMs);
    this.#hosts.set(host, { until, streak });
    this.#options.onPause?.(host, delayMs);
  }

  /** The registry's `Retry-After` (capped) when it names one, else backoff by the streak of throttled answers. */
  #delay(streak: number, retryAfter: string | null): number {
    const { maxRetryAfterMs, backoff, random, now } = this.#options;
    const asked = parseRetryAfter(retryAfter, now());
    return asked === undefined ? backoffDelay(streak - 1, backoff, random) : Math.min(asked, maxRetryAfterMs);
  }

  /** The hosts paused now, for metrics. */
  paused(): string[] {
    const now = this.#options.now();
    return [...this.#hosts].filter(([, state]) => state.until > now).map(([host]) => host);
  }
}
