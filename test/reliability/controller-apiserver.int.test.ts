// The controller through API-server faults, against a REAL kube-apiserver and docker-registry (see
// test/controller/world.ts). The manager runs in-process and reaches the apiserver through a TCP
// proxy that can be cut (like test/k8s/outage.int.test.ts). (a) Status-write conflicts: another
// client keeps changing the Builder's labels (bumping resourceVersion) while the controller rebuilds
// it; the status still converges and, once the writer stops, reconciles stop (no error loop).
// (b) An apiserver outage: every connection cut and new ones refused while the Builder's spec
// changes; when the proxy accepts again the informers recover and the change is reconciled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createControllerMetrics, createManager, serviceAccountKeychains, type ControllerMetrics, type Manager } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig, type KubeClient } from '../../src/k8s/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { skopeoInspect, startTcpProxy, type TcpProxy } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from '../controller/world.ts';

let world: World;
let manager: Manager;
let metrics: ControllerMetrics;
let images: OciImageAccess;
let proxy: TcpProxy;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
const warnings: string[] = [];
const results: string[] = [];
const writes = { status: 0, conflicts: 0 };

/** The real client, counting status writes and the 409 conflicts the apiserver answers to them. */
function countingClient(base: KubeClient): KubeClient {
  return {
    get: (request) => base.get(request),
    list: (request) => base.list(request),
    watch: (request) => base.watch(request),
    createEvent: (request) => base.createEvent(request),
    patchStatus: async (request) => {
      writes.status += 1;
      try {
        return await base.patchStatus(request);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'CONFLICT') writes.conflicts += 1;
        throw error;
      }
    },
  };
}

const collecting: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => void warnings.push(message),
  error: (message) => void warnings.push(message),
  child: () => collecting,
};

async function sample(prefix: string): Promise<number> {
  const { body } = await metrics.render();
  return body
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

interface BuilderJson {
  metadata: { generation?: number; resourceVersion: string };
  status?: Record<string, unknown>;
}

async function builder(): Promise<BuilderJson> {
  return world.getJson('builders.kpack.io', 'web', 'team');
}

/** The Builder reconciled at its current generation, up to date, with `groups` order groups. */
async function converged(groups: number): Promise<boolean> {
  const b = await builder();
  const order = b.status?.order as unknown[] | undefined;
  return b.status?.observedGeneration === b.metadata.generation && conditionOf(b.status, 'UpToDate')?.status === 'True' && order?.length === groups;
}

async function setOrder(ids: readonly string[]): Promise<void> {
  const order = ids.map((id) => ({ group: [{ id }] }));
  await world.kubectl(['patch', 'builders.kpack.io', 'web', '-n', 'team', '--type', 'merge', '-p', JSON.stringify({ spec: { order } })]);
}

async function expectTagIsLatest(): Promise<string> {
  const latest = (await builder()).status?.latestImage as string;
  const inspected = await skopeoInspect(`docker://${latest.split('@')[0] ?? ''}`, world.registry.skopeoArgs());
  expect(inspected.Digest).toBe(latest.split('@')[1]);
  return latest;
}

beforeAll(async () => {
  world = await startWorld('controller-apiserver');
  proxy = await startTcpProxy(new URL(world.kube.server));
  const path = join(world.work, 'proxied-kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'proxy',
    clusters: [{ name: 'proxy', cluster: { server: `https://127.0.0.1:${proxy.port}`, 'certificate-authority': world.kube.caFile } }],
    users: [{ name: 'admin', user: { token: world.kube.token } }],
    contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'admin' } }],
  };
  await writeFile(path, JSON.stringify(config), { mode: 0o600 });
  const client = countingClient(createKubeClient(loadKubeConfig({ kubeconfig: path })));
  images = new OciImageAccess({ userAgent: 'packsmith-faults' });
  metrics = createControllerMetrics({ queueDepth: () => manager.queueDepth(), transfers: () => ({ requests: 0, bytesSent: 0, bytesReceived: 0 }) });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    clock: systemClock,
    logger: collecting,
    workers: 2,
    resyncMs: 600_000,
    metrics,
  });
  running = manager.run(stop.signal);
  await world.until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
  await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby]));
  await world.until(() => converged(2), 150_000, 'Builder web built');
}, 420_000);

afterAll(async () => {
  console.log(`[apiserver-faults] ${results.join('\n  ')}`);
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await proxy?.down();
  await world.stop();
});

describe('controller through API-server faults', () => {
  it('(a) converges while another client keeps bumping the Builder resourceVersion, with no error loop', async () => {
    const errorsBefore = await sample('packsmith_reconcile_errors_total');
    const writesBefore = { ...writes };
    let bumps = 0;
    let bumping = true;
    const bumper = (async (): Promise<void> => {
      while (bumping) {
        const response = await world.kube.request({
          path: '/apis/kpack.io/v1alpha2/namespaces/team/builders/web',
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { metadata: { labels: { bump: String(bumps) } } },
        });
        if (response.status === 200) bumps += 1;
      }
    })();
    // Three rebuilds (alternating orders), each converging while the labels keep changing.
    const orders = [['test/web'], ['test/ruby'], ['test/web']];
    const times: number[] = [];
    let latest = await expectTagIsLatest();
    try {
      for (const order of orders) {
        const started = Date.now();
        await setOrder(order);
        await world.until(() => converged(1), 150_000, `Builder rebuilt with ${order.join(',')} while its labels change`);
        times.push(Date.now() - started);
        const next = await expectTagIsLatest();
        expect(next).not.toBe(latest);
        latest = next;
      }
      // Keep writing a little longer: the label writes (and whatever reconciles they cause) must not break the status.
      // Wait for 20 more of them.
      const bumpsNow = bumps;
      await world.until(() => Promise.resolve(bumps >= bumpsNow + 20), 60_000, 'more label writes');
    } finally {
      bumping = false;
      await bumper;
    }
    expect(bumps).toBeGreaterThan(20);
    expect(await converged(1)).toBe(true);
    expect(await expectTagIsLatest()).toBe(latest);
    // No error loop: once the writer stops, reconciles and errors settle. This is a quiet window, kept as a fixed wait on
    // purpose: what it checks is that no event comes (the resync is 10 min, so any reconcile in it would be a loop),
    // and no event marks "no more reconciles". First 2 s for the last label writes' reconciles to finish.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [reconciles, errors] = [await sample('packsmith_reconciles_total{kind="Builder"'), await sample('packsmith_reconcile_errors_total')];
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await sample('packsmith_reconciles_total{kind="Builder"')).toBeLessThanOrEqual(reconciles + 1);
    expect(await sample('packsmith_reconcile_errors_total')).toBe(errors);
    const conflicts = writes.conflicts - writesBefore.conflicts;
    // The fault really happened: status writes met 409s (they are guarded by resourceVersion).
    expect(conflicts).toBeGreaterThan(0);
    const logged = warnings.filter((w) => /conflict|409/i.test(w)).length;
    results.push(
      `(a) runs ${orders.length}, converged ${times.length} (${times.join(', ')} ms); ${bumps} label writes; ${writes.status - writesBefore.status} status writes, ${conflicts} answered 409; reconcile errors ${errors - errorsBefore}; conflict warnings logged ${logged}; ${latest}`,
    );
  }, 300_000);

  it('(b) recovers after an apiserver outage and reconciles a change made during it', async () => {
    const before = await expectTagIsLatest();
    await proxy.down();
    const cut = Date.now();
    await setOrder(['test/web', 'test/ruby']);
    // The informers fail for a while (connections refused) before the apiserver is back: wait until they have logged
    // a dozen failed list/watch attempts (several informers, several backoff rounds).
    const failedWatches = (): number => warnings.filter((w) => w.startsWith('list/watch failed')).length;
    const failedBefore = failedWatches();
    await world.until(() => Promise.resolve(failedWatches() >= failedBefore + 12), 60_000, 'the informers retrying list/watch');
    expect(await converged(2)).toBe(false);
    await proxy.up();
    const restored = Date.now();
    await world.until(() => converged(2), 150_000, 'the change made during the outage reconciled');
    const after = await expectTagIsLatest();
    expect(after).not.toBe(before);
    // Still watching: a change after the outage arrives too.
    await setOrder(['test/ruby']);
    await world.until(() => converged(1), 150_000, 'a change after the outage reconciled');
    results.push(
      `(b) runs 1, converged 1: outage ${restored - cut} ms; change made during it reconciled ${Date.now() - restored} ms after the proxy accepted again (incl. a second change); ${after}`,
    );
  }, 360_000);

  it('(c) recovers after the kube-apiserver process itself restarts, and reconciles changes made around it', async () => {
    const before = await expectTagIsLatest();
    // A change lands just before the apiserver goes down; the controller may or may not see it first.
    await setOrder(['test/web', 'test/ruby']);
    const stopped = Date.now();
    await world.kube.restartApiserver({ downMs: 5_000 });
    const back = Date.now();
    await world.until(() => converged(2), 150_000, 'the change made before the restart reconciled');
    const after = await expectTagIsLatest();
    expect(after).not.toBe(before);
    await setOrder(['test/ruby']);
    await world.until(() => converged(1), 150_000, 'a change after the restart reconciled');
    results.push(
      `(c) runs 1, converged 1: apiserver down ${back - stopped} ms (stop, 5 s, start, ready); both changes reconciled ${Date.now() - back} ms after it was ready again`,
    );
  }, 360_000);
});
