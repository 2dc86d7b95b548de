import { describe, expect, it } from 'vitest';
import { ConflictError, KubeApiError } from './errors.ts';
import type { LeaseRecord } from './leader.ts';
import { createShardMembership, shardOf, type NamedLease, type ShardLeaseClient } from './shards.ts';
import { createManualClock, flushMicrotasks, type ManualClock } from './testing/index.ts';

/** Leases of one namespace in memory, with the API server's resourceVersion checks; `down` makes one replica's calls fail. */
class MemoryLeases {
  readonly records = new Map<string, LeaseRecord>();
  readonly down = new Set<string>();
  #version = 0;

  /** The client one replica uses (its calls fail while it is in `down`). */
  clientFor(identity: string): ShardLeaseClient {
    const guard = <T>(run: () => T): Promise<T> => (this.down.has(identity) ? Promise.reject(new KubeApiError('connection refused')) : Promise.resolve(run()));
    return {
      read: (_ns, name) => guard(() => this.#copy(this.records.get(name))),
      list: () => guard((): NamedLease[] => [...this.records].map(([name, record]) => ({ name, ...record }))),
      create: (_ns, name, lease) => (this.records.has(name) ? Promise.reject(new ConflictError('exists')) : guard(() => this.#store(name, lease))),
      replace: (_ns, name, lease) =>
        lease.resourceVersion !== this.records.get(name)?.resourceVersion ? Promise.reject(new ConflictError('stale')) : guard(() => this.#store(name, lease)),
    };
  }

  holders(shards: number): string[] {
    return Array.from({ length: shards }, (_v, i) => this.records.get(`ctl-shard-${i}`)?.holderIdentity ?? '');
  }

  #copy(record: LeaseRecord | undefined): LeaseRecord | undefined {
    return record && { ...record };
  }

  #store(name: string, lease: LeaseRecord): LeaseRecord {
    const record = { ...lease, resourceVersion: String(++this.#version) };
    this.records.set(name, record);
    return { ...record };
  }
}

function replica(leases: MemoryLeases, clock: ManualClock, identity: string) {
  const changes: string[] = [];
  const membership = createShardMembership({
    leases: leases.clientFor(identity),
    namespace: 'ns',
    name: 'ctl',
    identity,
    shards: 4,
    clock,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    onChange: (held) => changes.push([...held].sort().join(',')),
  });
  const stop = new AbortController();
  const done = membership.run(stop.signal);
  const held = (): number[] => [...membership.held()].sort();
  return { changes, held, stop: async () => (stop.abort(), await done) };
}

describe('createShardMembership', () => {
  it('gives a lone replica every shard, and half to each once a second one joins', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    const a = replica(leases, clock, 'a');
    await flushMicrotasks();
    expect(a.held()).toEqual([0, 1, 2, 3]);
    const b = replica(leases, clock, 'b');
    await flushMicrotasks();
    expect(b.held()).toEqual([]);
    await clock.advance(6_000);
    expect(a.held()).toEqual([0, 2]);
    expect(b.held()).toEqual([1, 3]);
    expect(leases.holders(4)).toEqual(['a', 'b', 'a', 'b']);
    // Never both: a gave 1 and 3 up before b took them.
    expect(a.changes).toEqual(['0,1,2,3', '0,2']);
    expect(b.changes).toEqual(['1,3']);
    await b.stop();
    await a.stop();
  });

  it('hands a stopped replica’s shards over at once: it releases them and its membership', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    const a = replica(leases, clock, 'a');
    const b = replica(leases, clock, 'b');
    await clock.advance(6_000);
    expect(b.held()).toEqual([1, 3]);
    await b.stop();
    expect(leases.holders(4)).toEqual(['a', '', 'a', '']);
    await clock.advance(2_000);
    expect(a.held()).toEqual([0, 1, 2, 3]);
    await a.stop();
    expect(leases.holders(4)).toEqual(['', '', '', '']);
  });

  it('takes over from a replica that stopped answering only after its Leases expired; it stops working first', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    const a = replica(leases, clock, 'a');
    const b = replica(leases, clock, 'b');
    await clock.advance(6_000);
    leases.down.add('b');
    await clock.advance(10_000);
    // b cannot renew: after the renew deadline it no longer counts 1 and 3 as held; a waits for expiry.
    expect(b.held()).toEqual([]);
    expect(a.held()).toEqual([0, 2]);
    await clock.advance(8_000);
    expect(a.held()).toEqual([0, 1, 2, 3]);
    expect(leases.holders(4)).toEqual(['a', 'a', 'a', 'a']);
    await a.stop();
    leases.down.delete('b');
    await b.stop();
  });
});

describe('shardOf', () => {
  it('is stable and spreads keys over every shard', () => {
    expect(shardOf('Builder:team/web', 8)).toBe(shardOf('Builder:team/web', 8));
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 400; i += 1) counts[shardOf(`Builder:team/b-${i}`, 4)] = (counts[shardOf(`Builder:team/b-${i}`, 4)] ?? 0) + 1;
    for (const count of counts) expect(count).toBeGreaterThan(60);
  });
});
