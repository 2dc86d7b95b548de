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
    leases,
    namespace: 'leader-test',
    name: 'packsmith-controller',
    identity,
    // A lease far longer than any wait below: a takeover within a wait comes from a release, never from expiry.
    leaseDurationMs: 120_000,
    renewDeadlineMs: 6_000,
    retryPeriodMs: 300,
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
      // Several renewals (new renewTimes on the Lease) later there is still exactly one leader.
      const renewals = new Set<string>();
      await waitUntil(
        async () => {
          const renewTime = (await leases.read('leader-test', 'packsmith-controller'))?.renewTime;
          if (renewTime !== undefined) renewals.add(renewTime);
          return renewals.size >= 4;
        },
        { timeoutMs: 10_000, intervalMs: 50, describe: () => `${renewals.size} renewTimes seen; ${events.join(', ')}` },
      );
      expect(Number(a.isLeader()) + Number(b.isLeader())).toBe(1);
      expect(events.filter((e) => e.endsWith('started'))).toHaveLength(1);
      const [leader, standby, stopLeader, leaderRun] = a.isLeader() ? [a, b, stopA, runA] : [b, a, stopB, runB];
      const out = await kubectlOk(setup.kube, ['get', 'lease', '-n', 'leader-test', 'packsmith-controller', '-o', 'jsonpath={.spec.holderIdentity}']);
      expect(out).toBe(leader === a ? 'replica-a' : 'replica-b');
      const transitions = (await leases.read('leader-test', 'packsmith-controller'))?.leaseTransitions ?? 0;
      stopLeader.abort();
      await leaderRun;
      expect(leader.isLeader()).toBe(false);
      // Released, not expired: the lease lasts 120 s, so only the release lets the standby in within this wait.
      await waitUntil(() => Promise.resolve(standby.isLeader()), { timeoutMs: 10_000, intervalMs: 50, describe: () => events.join(', ') });
      const taken = await leases.read('leader-test', 'packsmith-controller');
      expect(taken?.holderIdentity).toBe(standby === a ? 'replica-a' : 'replica-b');
      expect(taken?.leaseTransitions).toBe(transitions + 1);
      expect(events.filter((e) => e.endsWith('started'))).toHaveLength(2);
    } finally {
      stopA.abort();
      stopB.abort();
      await Promise.all([runA, runB]);
    }
  }, 30_000);
});
