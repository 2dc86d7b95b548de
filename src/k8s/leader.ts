/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go does it: read the Lease, create
 * it when missing, take it over once the holder's renewTime + leaseDuration has passed, renew every
 * retry period and give up leadership when renewals fail for renewDeadline. A 409 on create or
 * replace means another candidate won the race. On shutdown the leader releases the Lease (empty
 * holder) so a standby takes over at once.
 */
import { clockSleep, messageOf, silentLogger, systemClock, type Clock, type Logger } from '../shared/index.ts';
import { ConflictError } from './errors.ts';

/** The fields of a Lease the election uses (spec plus the object's resourceVersion). */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** RFC 3339 with microseconds, as the API's MicroTime. */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  /** The Lease object's resourceVersion; replace fails with ConflictError if it is stale. */
  resourceVersion?: string;
}

/** Storage of one named Lease; the Kubernetes implementation is `createLeaseClient`. */
export interface LeaseClient {
  /** The Lease, or undefined when it does not exist. */
  read(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  /** Creates the Lease; ConflictError if it already exists. */
  create(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
  /** Replaces the Lease guarded by `lease.resourceVersion`; ConflictError if it changed. */
  replace(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
}

/** Options of `createLeaderElector`. */
export interface LeaderElectorOptions {
  leases: LeaseClient;
  namespace: string;
  name: string;
  /** This candidate's unique identity (e.g. pod name + random suffix). */
  identity: string;
  /** How long a Lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Runs once leadership is gained; `signal` aborts when it is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void;
  /** Runs once leadership is lost or released (only after onStartedLeading). */
  onStoppedLeading?(): void;
  clock?: Clock;
  logger?: Logger;
}

/** A running candidate. */
export interface LeaderElector {
  /**
   * Campaigns until this candidate leads, then renews until `signal` aborts (the Lease is released)
   * or renewals fail for renewDeadline (leadership lost). Resolves in both cases, after
   * onStoppedLeading; the caller decides whether to campaign again or exit.
   */
  run(signal: AbortSignal): Promise<void>;
  /** True while this candidate holds the Lease. */
  isLeader(): boolean;
}

/** Creates a candidate; nothing happens until `run`. */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  return new LeaseElector(options);
}

/** MicroTime as the API expects it: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

class LeaseElector implements LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #durationMs: number;
  #leading = false;
  /** The last record seen and when it was first seen locally (expiry is judged on our clock, as client-go does). */
  #observed: { record: string; lease: LeaseRecord; at: number } | undefined;
  #current: LeaseRecord | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.#durationMs = options.leaseDurationMs ?? 15_000;
  }

  isLeader(): boolean {
    return this.#leading;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.#campaign(signal))) return;
    const leadership = new AbortController();
    this.#leading = true;
    this.#logger.info('started leading');
    this.#options.onStartedLeading(leadership.signal);
    try {
      await this.#renewLoop(signal);
    } finally {
      this.#leading = false;
      leadership.abort();
      if (signal.aborted) await this.#release();
      this.#logger.info('stopped leading');
      this.#options.onStoppedLeading?.();
    }
  }

  /** Tries until the Lease is ours (true) or `signal` aborts (false). */
  async #campaign(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew()) return true;
      await this.#pause(signal);
    }
    return false;
  }

  /** Renews every retry period; returns when `signal` aborts or renewals failed for renewDeadline. */
  async #renewLoop(signal: AbortSignal): Promise<void> {
    const deadline = this.#options.renewDeadlineMs ?? 10_000;
    let lastRenewed = this.#clock.now();
    while (!signal.aborted) {
      await this.#pause(signal);
      if (signal.aborted) return;
      if (await this.#tryAcquireOrRenew()) lastRenewed = this.#clock.now();
      else if (this.#clock.now() - lastRenewed >= deadline) {
        this.#logger.warn('could not renew the lease within the renew deadline');
        return;
      }
    }
  }

  async #pause(signal: AbortSignal): Promise<void> {
    await clockSleep(this.#clock, this.#options.retryPeriodMs ?? 2_000, signal).catch(() => undefined);
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { leases, namespace, name, identity } = this.#options;
    const now = this.#clock.now();
    try {
      const existing = await leases.read(namespace, name);
      if (existing === undefined) {
        this.#current = await leases.create(namespace, name, this.#fresh(now, 0));
        return true;
      }
      this.#observe(existing, now);
      if (existing.holderIdentity && existing.holderIdentity !== identity && !this.#expired(now)) return false;
      const mine = existing.holderIdentity === identity;
      const next: LeaseRecord = mine
        ? { ...existing, renewTime: microTime(now), leaseDurationSeconds: Math.ceil(this.#durationMs / 1000) }
        : { ...this.#fresh(now, (existing.leaseTransitions ?? 0) + 1), resourceVersion: existing.resourceVersion };
      this.#current = await leases.replace(namespace, name, next);
      return true;
    } catch (error) {
      // 409: another candidate wrote first. Anything else: try again next period.
      if (!(error instanceof ConflictError)) this.#logger.warn('lease update failed', { error: messageOf(error) });
      return false;
    }
  }

  #fresh(now: number, transitions: number): LeaseRecord {
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.ceil(this.#durationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: transitions,
    };
  }

  #observe(record: LeaseRecord, now: number): void {
    const text = JSON.stringify(record);
    if (this.#observed?.record !== text) this.#observed = { record: text, lease: { ...record }, at: now };
  }

  #expired(now: number): boolean {
    const record = this.#observed?.lease ?? {};
    const durationMs = (record.leaseDurationSeconds ?? Math.ceil(this.#durationMs / 1000)) * 1000;
    return (this.#observed?.at ?? now) + durationMs <= now;
  }

  /** Gives the Lease up so a standby need not wait for it to expire. */
  async #release(): Promise<void> {
    const current = this.#current;
    if (current?.holderIdentity !== this.#options.identity) return;
    try {
      const released = { ...current, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.#clock.now()) };
      await this.#options.leases.replace(this.#options.namespace, this.#options.name, released);
    } catch (error) {
      this.#logger.warn('could not release the lease; it expires by itself', { error: messageOf(error) });
    }
  }
}
