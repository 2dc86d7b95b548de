import { describe, expect, it } from 'vitest';
import { ConflictError, KubeApiError } from './errors.ts';
import { createLeaderElector, type LeaseClient, type LeaseRecord } from './leader.ts';
import { createManualClock, flushMicrotasks, type ManualClock } from './testing/index.ts';

/** One in-memory Lease with resourceVersion checks, like the API server's optimistic concurrency. */
class MemoryLeases implements LeaseClient {
  record: LeaseRecord | undefined;
  failing = false;
  #version = 0;

  read(): Promise<LeaseRecord | undefined> {
    if (this.failing) return Promise.reject(new KubeApiError('connection refused'));
    return Promise.resolve(this.record && { ...this.record });
  }

  create(_ns: string, _name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    if (this.record !== undefined) return Promise.reject(new ConflictError('exists'));
    return Promise.resolve(this.#store(lease));
  }

  replace(_ns: string, _name: string, lease: LeaseRecord): Promise<LeaseRecord> {
    if (this.failing) return Promise.reject(new KubeApiError('connection refused'));
    if (lease.resourceVersion !== this.record?.resourceVersion) return Promise.reject(new ConflictError('stale'));
    return Promise.resolve(this.#store(lease));
  }

  #store(lease: LeaseRecord): LeaseRecord {
    this.record = { ...lease, resourceVersion: String(++this.#version) };
    return { ...this.record };
  }
}

function candidate(
  leases: LeaseClient,
  clock: ManualClock,
  identity: string,
): { log: string[]; run: (signal: AbortSignal) => Promise<void>; isLeader: () => boolean; leadSignal: () => AbortSignal | undefined } {
  const log: string[] = [];
  let leadSignal: AbortSignal | undefined;
  const elector = createLeaderElector({
    leases,
    namespace: 'ns',
    name: 'lock',
    identity,
    clock,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    onStartedLeading: (signal) => {
      leadSignal = signal;
      log.push('started');
    },
    onStoppedLeading: () => log.push('stopped'),
  });
  return { log, run: (signal) => elector.run(signal), isLeader: () => elector.isLeader(), leadSignal: () => leadSignal };
}

describe('createLeaderElector', () => {
  it('creates the Lease, keeps a second candidate waiting, and hands over at once on release', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    const a = candidate(leases, clock, 'a');
    const b = candidate(leases, clock, 'b');
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    await flushMicrotasks();
    const runB = b.run(stopB.signal);
    await clock.advance(30_000);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(leases.record?.holderIdentity).toBe('a');
    expect(leases.record?.leaseTransitions).toBe(0);
    stopA.abort();
    await runA;
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.leadSignal()?.aborted).toBe(true);
    expect(leases.record?.holderIdentity).toBe('');
    await clock.advance(2_000);
    expect(b.isLeader()).toBe(true);
    expect(leases.record?.holderIdentity).toBe('b');
    expect(leases.record?.leaseTransitions).toBe(1);
    stopB.abort();
    await runB;
  });

  it('takes over a Lease whose holder stopped renewing only after the lease duration', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    await leases.create('ns', 'lock', {
      holderIdentity: 'ghost',
      leaseDurationSeconds: 15,
      renewTime: new Date(clock.now()).toISOString(),
      leaseTransitions: 3,
    });
    const b = candidate(leases, clock, 'b');
    const stop = new AbortController();
    const run = b.run(stop.signal);
    await clock.advance(14_000);
    expect(b.isLeader()).toBe(false);
    await clock.advance(2_000);
    expect(b.isLeader()).toBe(true);
    expect(leases.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 4 });
    stop.abort();
    await run;
  });

  it('renews while leading and steps down when renewals fail for the renew deadline', async () => {
    const clock = createManualClock();
    const leases = new MemoryLeases();
    const a = candidate(leases, clock, 'a');
    let finished = false;
    const run = a.run(new AbortController().signal).then(() => (finished = true));
    await clock.advance(1);
    const firstRenew = leases.record?.renewTime;
    await clock.advance(4_000);
    expect(leases.record?.renewTime).not.toBe(firstRenew);
    leases.failing = true;
    await clock.advance(8_000);
    expect(a.isLeader()).toBe(true);
    await clock.advance(4_000);
    await run;
    expect(finished).toBe(true);
    expect(a.isLeader()).toBe(false);
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.leadSignal()?.aborted).toBe(true);
  });
});
