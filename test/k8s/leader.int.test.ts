// Leader election against the real kube-apiserver's coordination.k8s.io/v1 Leases: of two
// candidates exactly one leads, the other waits; when the leader stops it releases the Lease and
// the other takes over without waiting for expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, createLeaderElector, createLeaseClient, type LeaseClient } from '../../src/k8s/index.ts';
import { waitUntil } from '../harness/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;
let leases: LeaseClient;

beforeAll(async () => {
  setup = await setUpKube();
  leases = createLeaseClient(setup.connection);
  await kubectlOk(setup.kube, ['create', 'namespace', 'leader-test']);
}, 120_000);

afterAll(async () => {
  await setup?.kube.stop();
});

function candidate(identity: string, events: string[]): { run: (s: AbortSignal) => Promise<void>; isLeader: () => boolean } {
  const elector = createLeaderElector({
    leases, namespace: 'leader-test', name: 'packsmith-controller', identity,
    leaseDurationMs: 8_000, renewDeadlineMs: 6_000, retryPeriodMs: 300,
    onStartedLeading: () => events.push(`${identity} started`),
    onStoppedLeading: () => events.push(`${identity} stopped`),
  });
  return { run: (signal) => elector.run(signal), isLeader: () => elector.isLeader() };
}

describe('leader election against the real apiserver', () => {
  it('refuses a replace with a stale resourceVersion (409 → ConflictError)', async () => {
    const created = await leases.create('leader-test', 'stale-check', { holderIdentity: 'x', leaseDurationSeconds: 10 });
    await leases.replace('leader-test', 'stale-check', { ...created, holderIdentity: 'y' });
    const stale = await leases.replace('leader-test', 'stale-check', { ...created, holderIdentity: 'z' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((await leases.read('leader-test', 'stale-check'))?.holderIdentity).toBe('y');
    expect(await leases.read('leader-test', 'no-such-lease')).toBeUndefined();
  });

  it('elects exactly one of two candidates and fails over on release', async () => {
    const events: string[] = [];
    const a = candidate('replica-a', events);
    const b = candidate('replica-b', events);
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    const runB = b.run(stopB.signal);
    try {
      await waitUntil(() => Promise.resolve(a.isLeader() || b.isLeader()), { timeoutMs: 10_000, intervalMs: 50, describe: () => events.join(', ') });
      // Several renew periods later there is still exactly one leader.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(Number(a.isLeader()) + Number(b.isLeader())).toBe(1);
      const [leader, standby, stopLeader, leaderRun] = a.isLeader() ? [a, b, stopA, runA] : [b, a, stopB, runB];
      const out = await kubectlOk(setup.kube, ['get', 'lease', '-n', 'leader-test', 'packsmith-controller', '-o', 'jsonpath={.spec.holderIdentity}']);
      expect(out).toBe(leader === a ? 'replica-a' : 'replica-b');
      const releasedAt = Date.now();
      stopLeader.abort();
      await leaderRun;
      expect(leader.isLeader()).toBe(false);
      await waitUntil(() => Promise.resolve(standby.isLeader()), { timeoutMs: 10_000, intervalMs: 50, describe: () => events.join(', ') });
      // Released, not expired: the standby took over within a couple of retry periods, not the 8 s lease duration.
      expect(Date.now() - releasedAt).toBeLessThan(4_000);
      expect(events.filter((e) => e.endsWith('started'))).toHaveLength(2);
    } finally {
      stopA.abort();
      stopB.abort();
      await Promise.all([runA, runB]);
    }
  }, 30_000);
});
