/**
 * A registry that answers 429 is throttling the client as a whole, not one request: each request
 * retrying on its own would keep the other in-flight and queued requests hammering it. So a 429 (or
 * a 503 that names a `Retry-After`) pauses every request to that host (shared/host-backoff.ts: the
 * registry's `Retry-After`, capped, or a delay that doubles with each throttled answer in a row),
 * until the first answer that is not throttled.
 */
import { HostBackoff, type BackoffOptions } from '../../shared/index.ts';
import { parseRetryAfter } from './errors.ts';

/** What `HostPause` needs: the retry policy's pieces. */
export interface HostPauseOptions {
  backoff: BackoffOptions;
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  /** Told each time a host is paused, for logs and metrics. */
  onPause?: (host: string, delayMs: number) => void;
}

/** Per-host pauses shared by every request of one transport (or of several). */
export class HostPause {
  readonly #options: HostPauseOptions;
  readonly #backoff: HostBackoff;

  constructor(options: HostPauseOptions) {
    this.#options = options;
    this.#backoff = new HostBackoff({ initialMs: options.backoff.initialMs, maxMs: options.backoff.maxMs });
  }

  /**
   * Waits out the pause of `host`, if any. One sleep, not a loop: with an injected sleep that
   * returns at once (tests) a loop on the real clock would spin.
   */
  async wait(host: string, signal?: AbortSignal): Promise<void> {
    const now = this.#options.now();
    const left = (this.#backoff.blockedUntil(host, now) ?? now) - now;
    if (left > 0) await this.#options.sleep(left, signal);
  }

  /** Notes an answer of `host`: a throttling one pauses it; any other ends the streak. */
  observe(host: string, status: number, retryAfter: string | null): void {
    if (status !== 429 && !(status === 503 && retryAfter !== null)) {
      this.#backoff.succeeded(host);
      return;
    }
    const { now, maxRetryAfterMs } = this.#options;
    const at = now();
    const asked = parseRetryAfter(retryAfter, at);
    const until = this.#backoff.failed(host, at, asked === undefined ? undefined : Math.min(asked, maxRetryAfterMs));
    this.#options.onPause?.(host, until - at);
  }

  /** The hosts paused now, for metrics. */
  paused(): string[] {
    return this.#backoff.blocked(this.#options.now());
  }
}
