/**
 * Work shared by several controller replicas: the key space is cut into a fixed number of shards,
 * each guarded by its own Lease (`<name>-shard-<i>`), and every replica announces itself with a
 * member Lease (`<name>-member-<identity>`). Every retry period a replica renews its member Lease,
 * lists the live members, and computes the same assignment as every other replica (shard i goes
 * to the i-th member modulo their count, identities sorted), so no coordinator is needed:
 *
 * - it acquires the shards assigned to it once they are free or their holder's Lease has expired,
 *   and renews them;
 * - it releases at once the shards now assigned to another member (a replica that joined);
 * - a replica that dies stops renewing: its member Lease and then its shard Leases expire, and the
 *   survivors take its shards over, within one Lease duration plus a retry period.
 *
 * A shard counts as held only while its last renewal is younger than the renew deadline, which is
 * shorter than the Lease duration, so two replicas never both believe they hold a shard. Expiry is
 * judged on this replica's clock from when it saw a record change, as client-go's election does.
 */
import { clockSleep, messageOf, silentLogger, systemClock, type Clock, type Logger } from '../shared/index.ts';
import { ConflictError } from './errors.ts';
import type { LeaseClient, LeaseRecord } from './leader.ts';

/** A Lease and its name, as a list returns it. */
export interface NamedLease extends LeaseRecord {
  name: string;
}

/** Lease storage that can also list the Leases of a namespace. */
export interface ShardLeaseClient extends LeaseClient {
  list(namespace: string): Promise<NamedLease[]>;
}

/** Options of `createShardMembership`. */
export interface ShardMembershipOptions {
  leases: ShardLeaseClient;
  namespace: string;
  /** Prefix of the Lease names. */
  name: string;
  /** This replica's unique identity (a Lease name segment: lowercase letters, digits, `-`). */
  identity: string;
  /** How many shards the keys are cut into (the same on every replica). */
  shards: number;
  /** How long a Lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long a shard stays held without a successful renewal (default 10 s). */
  renewDeadlineMs?: number;
  /** Pause between rounds (default 2 s). */
  retryPeriodMs?: number;
  /** Called whenever the set of held shards changes, with the new set. */
  onChange(held: ReadonlySet<number>): void;
  clock?: Clock;
  logger?: Logger;
}

/** A running member. */
export interface ShardMembership {
  /** Takes part until `signal` aborts, then releases its shards and its member Lease. */
  run(signal: AbortSignal): Promise<void>;
  /** The shards this replica holds now. */
  held(): ReadonlySet<number>;
}

/** MicroTime as the API expects it: RFC 3339 with microseconds. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

/** Creates a member; nothing happens until `run`. */
export function createShardMembership(options: ShardMembershipOptions): ShardMembership {
  return new Membership(options);
}

class Membership implements ShardMembership {
  readonly #o: ShardMembershipOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #durationMs: number;
  /** Per Lease name: the record last seen and when it was first seen in that form (local clock). */
  readonly #observed = new Map<string, { text: string; at: number }>();
  /** Shard → when this replica last wrote it successfully. */
  readonly #renewed = new Map<number, number>();
  #held: ReadonlySet<number> = new Set();

  constructor(options: ShardMembershipOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({ shards: `${options.namespace}/${options.name}`, identity: options.identity });
    this.#durationMs = options.leaseDurationMs ?? 15_000;
  }

  held(): ReadonlySet<number> {
    return this.#held;
  }

  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        await this.#round().catch((error: unknown) => this.#logger.warn('shard round failed', { error: messageOf(error) }));
        this.#publish();
        await clockSleep(this.#clock, this.#o.retryPeriodMs ?? 2_000, signal).catch(() => undefined);
      }
    } finally {
      await this.#releaseAll();
    }
  }

  #shardName(shard: number): string {
    return `${this.#o.name}-shard-${shard}`;
  }

  get #memberPrefix(): string {
    return `${this.#o.name}-member-`;
  }

  /** This replica's member Lease: the identity made a valid object name (host names may hold capitals or `_`). */
  get #memberName(): string {
    const segment = this.#o.identity.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    return `${this.#memberPrefix}${segment}`.slice(0, 253).replace(/[-.]+$/, '');
  }

  /** Notes when each Lease was first seen in its current form (every round, so expiry counts from the last change). */
  #observe(listed: readonly NamedLease[], now: number): void {
    for (const { resourceVersion: _version, ...record } of listed) {
      const text = JSON.stringify(record);
      if (this.#observed.get(record.name)?.text !== text) this.#observed.set(record.name, { text, at: now });
    }
  }

  /** True when `lease` (named `name`) has a holder whose renewal this replica saw within its duration. */
  #live(name: string, lease: LeaseRecord, now: number): boolean {
    if (!lease.holderIdentity) return false;
    const at = this.#observed.get(name)?.at ?? now;
    return at + (lease.leaseDurationSeconds ?? Math.ceil(this.#durationMs / 1000)) * 1000 > now;
  }

  #record(now: number, previous?: LeaseRecord): LeaseRecord {
    const mine = previous?.holderIdentity === this.#o.identity;
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#durationMs / 1000),
      acquireTime: mine && previous.acquireTime ? previous.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (previous && !mine ? 1 : 0),
      ...(previous?.resourceVersion ? { resourceVersion: previous.resourceVersion } : {}),
    };
  }

  /** Creates or renews `name` as ours; false when another replica wrote first. */
  async #write(name: string, previous: LeaseRecord | undefined, now: number): Promise<boolean> {
    const { leases, namespace } = this.#o;
    try {
      if (previous === undefined) await leases.create(namespace, name, this.#record(now));
      else await leases.replace(namespace, name, this.#record(now, previous));
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** One round: renew membership, list, and acquire, renew or release each shard. */
  async #round(): Promise<void> {
    const { leases, namespace, identity, shards } = this.#o;
    const now = this.#clock.now();
    const memberName = this.#memberName;
    const listed = await leases.list(namespace);
    this.#observe(listed, now);
    const byName = new Map(listed.map((lease) => [lease.name, lease]));
    await this.#write(memberName, byName.get(memberName), now);
    const members = [
      ...new Set([
        identity,
        ...listed.filter((l) => l.name.startsWith(this.#memberPrefix) && this.#live(l.name, l, now)).flatMap((l) => l.holderIdentity ?? []),
      ]),
    ].sort();
    const toRelease: Array<{ shard: number; lease: LeaseRecord }> = [];
    for (let shard = 0; shard < shards; shard += 1) {
      const name = this.#shardName(shard);
      const lease = byName.get(name);
      const ours = lease?.holderIdentity === identity;
      if (members[shard % members.length] !== identity) {
        if (ours) toRelease.push({ shard, lease });
        continue;
      }
      if (!ours && lease !== undefined && this.#live(name, lease, now)) continue;
      if (await this.#write(name, lease, now)) this.#renewed.set(shard, now);
    }
    await this.#release(toRelease);
  }

  /** Held = renewed within the renew deadline; tells the owner when that set changed. */
  #publish(): void {
    const deadline = this.#o.renewDeadlineMs ?? 10_000;
    const now = this.#clock.now();
    const held = new Set([...this.#renewed].filter(([, at]) => now - at < deadline).map(([shard]) => shard));
    for (const shard of this.#renewed.keys()) if (!held.has(shard)) this.#renewed.delete(shard);
    const changed = held.size !== this.#held.size || [...held].some((s) => !this.#held.has(s));
    this.#held = held;
    if (changed) {
      this.#logger.info('shards held', { held: [...held].sort((a, b) => a - b).join(',') || 'none' });
      this.#o.onChange(held);
    }
  }

  /** Gives shards up (other members are assigned them) so their new owners need not wait for expiry. */
  async #release(shards: ReadonlyArray<{ shard: number; lease: LeaseRecord }>): Promise<void> {
    if (shards.length === 0) return;
    // Not held from here on, before the writes: a new owner may start as soon as it sees a release.
    for (const { shard } of shards) this.#renewed.delete(shard);
    this.#publish();
    for (const { shard, lease } of shards) {
      const released = { ...lease, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.#clock.now()) };
      await this.#o.leases.replace(this.#o.namespace, this.#shardName(shard), released).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) this.#logger.warn('could not release a shard; it expires by itself', { shard, error: messageOf(error) });
      });
    }
  }

  /** On stop: every shard and the member Lease released, so the others take over at once. */
  async #releaseAll(): Promise<void> {
    const held = [...this.#renewed.keys()];
    this.#renewed.clear();
    this.#publish();
    const { leases, namespace, identity } = this.#o;
    const names = [...held.map((shard) => this.#shardName(shard)), this.#memberName];
    await Promise.all(
      names.map(async (name) => {
        try {
          const lease = await leases.read(namespace, name);
          if (lease?.holderIdentity !== identity) return;
          await leases.replace(namespace, name, { ...lease, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.#clock.now()) });
        } catch (error) {
          this.#logger.warn('could not release a lease on stop; it expires by itself', { lease: name, error: messageOf(error) });
        }
      }),
    );
  }
}

/** The shard of `key` among `shards`: FNV-1a over its UTF-16 code units, stable across processes and versions. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
