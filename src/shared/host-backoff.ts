/**
 * Per-host backoff: after a failure (429, 5xx, a connection fault) a host is left alone for a delay
 * that doubles with each failure in a row (capped), or for as long as the host's `Retry-After` asks
 * if that is longer; a later failure never shortens a wait already set, and one success clears it.
 * Pure state on a caller's clock: the update poller skips a host's checks with it, the registry
 * transport pauses a host's requests with it (oci/remote/host-pause.ts).
 */

/** Delays of the backoff, in ms. */
export interface HostBackoffOptions {
  /** The delay after the first failure (default 30 s). */
  initialMs?: number;
  /** The longest delay (default 1 h). */
  maxMs?: number;
}

/** The backoff state of every host. */
export class HostBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #hosts = new Map<string, { failures: number; until: number }>();

  constructor(options: HostBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 30_000;
    this.#maxMs = options.maxMs ?? 3_600_000;
  }

  /** Until when (epoch ms) `host` is left alone; undefined when it is not backed off at `now`. */
  blockedUntil(host: string, now: number): number | undefined {
    const state = this.#hosts.get(host);
    return state && state.until > now ? state.until : undefined;
  }

  /** Records a transient failure at `now`; `retryAfterMs` is the registry's own ask. Returns the time the host is free again. */
  failed(host: string, now: number, retryAfterMs?: number): number {
    const state = this.#hosts.get(host);
    const failures = (state?.failures ?? 0) + 1;
    const delay = Math.max(retryAfterMs ?? 0, Math.min(this.#maxMs, this.#initialMs * 2 ** (failures - 1)));
    const until = Math.max(state?.until ?? 0, now + delay);
    this.#hosts.set(host, { failures, until });
    return until;
  }

  /** The hosts left alone at `now`. */
  blocked(now: number): string[] {
    return [...this.#hosts].filter(([, state]) => state.until > now).map(([host]) => host);
  }

  /** A success: the host is in good standing again. */
  succeeded(host: string): void {
    this.#hosts.delete(host);
  }
}

/** The `Retry-After` a registry error carries (RegistryError's `retryAfterMs`), if any. */
export function retryAfterOf(error: unknown): number | undefined {
  const asked = typeof error === 'object' && error !== null && 'retryAfterMs' in error ? error.retryAfterMs : undefined;
  return typeof asked === 'number' && asked >= 0 ? asked : undefined;
}
