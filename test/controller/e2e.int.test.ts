// The controller end to end against a REAL kube-apiserver (+ etcd) and the REAL docker-registry
// (htpasswd Basic auth): the CRDs are applied, buildpackages made by our writer, a stack and a
// lifecycle image holding the real lifecycle binary are copied into the registry with skopeo, and
// the registry password reaches the controller only through a dockerconfigjson Secret of a
// ServiceAccount. The manager runs in-process with a short resync. Checked: the Builder becomes
// Ready and its latestImage is what skopeo sees; a newer buildpack version in the store rebuilds it
// with a new digest and the resolved order shows it; an unrelated store does not rebuild it (the
// builder is reconciled on every resync, but nothing is written). Then two `packsmith controller
// run` processes elect one leader over a Lease; SIGTERM stops the leader gracefully and the standby
// takes over and builds; a leader killed with SIGKILL is replaced by a fresh replica once the Lease
// expires, and the work converges. Failures: a wrong password gives a clear condition; a stack image that
// disappears keeps the last resolved stack (D-b) and the builder stays Ready; a deleted stack makes
// the builder not up to date and its re-creation brings it back; a ClusterBuilder uses its
// serviceAccountRef.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createControllerMetrics, createManager, serviceAccountKeychains, type ControllerMetrics, type Manager } from '../../src/controller/index.ts';
import { installCrds, renderManifestsYaml } from '../../src/deploy/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { removeDir, scratchDir, skopeoCopy, skopeoInspect, startKube, startProcess, startRegistry, stopAllRegistries, waitUntil, type KubeHandle, type ManagedProcess, type RegistryHandle } from '../harness/index.ts';
import { buildpackages, lifecycleImage, stackId, stackImage } from '../app/fixtures.ts';

let kube: KubeHandle;
let registry: RegistryHandle;
let work = '';
let manager: Manager;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
let images: OciImageAccess;
let metrics: ControllerMetrics;

/** The value of one metric sample, e.g. `packsmith_reconciles_total{kind="Builder",outcome="done"}`. */
async function sample(prefix: string): Promise<number> {
  const { body } = await metrics.render();
  return body.split('\n').filter((l) => l.startsWith(prefix)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
const at: Record<string, string> = {};

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function getJson(kind: string, name: string, namespace?: string): Promise<{ metadata: { resourceVersion: string }; status?: Record<string, unknown> }> {
  return JSON.parse(await kubectl(['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])])) as never;
}

async function publish(image: Image, repository: string, tag = '1'): Promise<string> {
  const layout = join(work, 'staging');
  const name = `${repository.replaceAll('/', '-')}-${tag}`;
  await writeLayout(layout, image, { tag: name });
  await skopeoCopy({ src: `oci:${layout}:${name}`, dest: `docker://${registry.host}/${repository}:${tag}`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return `${registry.host}/${repository}:${tag}`;
}

const conditionOf = (status: Record<string, unknown> | undefined, type: string): { status?: string; message?: string } | undefined =>
  (status?.conditions as Array<{ type: string; status: string; message?: string }> | undefined)?.find((c) => c.type === type);

/** Waits for `check`; on timeout the message carries every kind's status as the apiserver has it. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const describe = async (): Promise<string> => `${what}:\n${await kubectl(['get', 'clusterstores,clusterstacks,clusterlifecycles,builders', '-A', '-o', 'yaml']).catch(String)}`;
  await waitUntil(check, { timeoutMs, intervalMs: 250, describe });
}

async function builderStatus(): Promise<Record<string, unknown> | undefined> {
  return (await getJson('builders.kpack.io', 'web', 'team')).status;
}

function resourcesYaml(storeSources: string[]): string {
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  const config = JSON.stringify({ auths: { [registry.host]: { auth } } });
  return `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: team}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${config}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: team}
secrets: [{name: registry}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  sources: [${storeSources.map((s) => `{image: ${s}}`).join(', ')}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec:
  id: ${stackId}
  serviceAccountRef: {name: builder, namespace: team}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  image: ${at.lifecycle}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: web, namespace: team}
spec:
  tag: ${registry.host}/builders/app
  serviceAccountName: builder
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/web}]
  - group: [{id: test/ruby}]
`;
}

beforeAll(async () => {
  work = await scratchDir('controller-e2e');
  [kube, registry] = await Promise.all([startKube(), startRegistry({ mode: 'basic' })]);
  await kubectl(['apply', '-f', '-'], renderManifestsYaml(installCrds({ namespace: 'packsmith' })));
  await kubectl(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=packsmith']).catch(() =>
    kubectl(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '--all']),
  );
  const packages = await buildpackages();
  at.web = await publish(packages.web, 'store/web');
  at.ruby = await publish(packages.ruby, 'store/ruby');
  at.build = await publish(stackImage('build'), 'stack/build');
  at.run = await publish(stackImage('run'), 'stack/run');
  at.lifecycle = await publish(await lifecycleImage(true), 'lifecycle');
  const connection = loadKubeConfig({ kubeconfig: kube.kubeconfigPath });
  const client = createKubeClient(connection);
  images = new OciImageAccess({ userAgent: 'packsmith-e2e' });
  const transfers = (): { requests: number; bytesSent: number; bytesReceived: number } =>
    images.registry.totals().map((c) => c.totals()).reduce((a, t) => ({ requests: a.requests + t.requests, bytesSent: a.bytesSent + t.bytesSent, bytesReceived: a.bytesReceived + t.bytesReceived }), { requests: 0, bytesSent: 0, bytesReceived: 0 });
  metrics = createControllerMetrics({ queueDepth: () => manager.queueDepth(), transfers });
  manager = createManager({ client, keychains: serviceAccountKeychains(createKeychainFactory({ client })), images, clock: systemClock, logger: silentLogger, workers: 2, resyncMs: 3_000, metrics });
  running = manager.run(stop.signal);
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await kube.stop();
  await stopAllRegistries();
  await removeDir(work);
});

describe('packsmith controller against a real apiserver and registry', () => {
  let first = '';

  it('builds the Builder: Ready and UpToDate, latestImage in the registry with that digest', async () => {
    await until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
    const started = Date.now();
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web!, at.ruby!]));
    await until(async () => conditionOf(await builderStatus(), 'UpToDate')?.status === 'True', 120_000, 'Builder UpToDate');
    const readyMs = Date.now() - started;
    const status = (await builderStatus())!;
    expect(conditionOf(status, 'Ready')?.status).toBe('True');
    first = status.latestImage as string;
    expect(first).toMatch(new RegExp(`^${registry.host}/builders/app:builder-team-web@sha256:[0-9a-f]{64}$`));
    const inspected = await skopeoInspect(`docker://${registry.host}/builders/app:builder-team-web`, registry.skopeoArgs());
    expect(inspected.Digest).toBe(first.split('@')[1]);
    expect(status.order).toEqual([{ group: [{ id: 'test/web', version: '2.0.0' }] }, { group: [{ id: 'test/ruby', version: '1.0.0' }] }]);
    const store = await getJson('clusterstores.kpack.io', 'default');
    expect(conditionOf(store.status, 'Ready')?.status).toBe('True');
    console.log(`[e2e] apply → Builder Ready: ${readyMs} ms`);
  }, 150_000);

  it('rebuilds with a new digest when the store gains a newer buildpack version', async () => {
    const ruby2 = await publish((await buildpackages('2.0.0')).ruby, 'store/ruby', '2');
    const started = Date.now();
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web!, at.ruby!, ruby2]));
    await until(async () => ((await builderStatus())?.latestImage ?? first) !== first, 120_000, 'a new latestImage');
    const rebuildMs = Date.now() - started;
    const status = (await builderStatus())!;
    expect(status.order).toEqual([{ group: [{ id: 'test/web', version: '2.0.0' }] }, { group: [{ id: 'test/ruby', version: '2.0.0' }] }]);
    const latest = status.latestImage as string;
    const inspected = await skopeoInspect(`docker://${registry.host}/builders/app:builder-team-web`, registry.skopeoArgs());
    expect(inspected.Digest).toBe(latest.split('@')[1]);
    expect(latest.split('@')[1]).not.toBe(first.split('@')[1]);
    const events = await kubectl(['get', 'events', '-n', 'team', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']);
    expect(events).toContain(`Built builder image ${latest}`);
    first = latest;
    console.log(`[e2e] store change → Builder rebuilt: ${rebuildMs} ms`);
  }, 150_000);

  it('does not rebuild for an unrelated store, even across resyncs', async () => {
    const before = await getJson('builders.kpack.io', 'web', 'team');
    const reconcilesBefore = await sample('packsmith_reconciles_total{kind="Builder"');
    const requestsBefore = await sample('packsmith_registry_requests_total');
    const writesBefore = (await registry.accessLog()).filter((e) => e.repository === 'builders/app' && e.method !== 'GET' && e.method !== 'HEAD').length;
    await kubectl(['apply', '-f', '-'], `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: unrelated}\nspec:\n  serviceAccountRef: {name: builder, namespace: team}\n  sources: [{image: ${at.ruby}}]\n`);
    await until(async () => conditionOf((await getJson('clusterstores.kpack.io', 'unrelated')).status, 'Ready')?.status === 'True', 60_000, 'unrelated store Ready');
    // Two resync periods: the builder is reconciled again but nothing changes.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const after = await getJson('builders.kpack.io', 'web', 'team');
    expect(after.status?.latestImage).toBe(first);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const writesAfter = (await registry.accessLog()).filter((e) => e.repository === 'builders/app' && e.method !== 'GET' && e.method !== 'HEAD').length;
    expect(writesAfter).toBe(writesBefore);
    // It was looked at again (resyncs), only nothing changed.
    const reconciles = (await sample('packsmith_reconciles_total{kind="Builder"')) - reconcilesBefore;
    expect(reconciles).toBeGreaterThanOrEqual(2);
    const requests = (await sample('packsmith_registry_requests_total')) - requestsBefore;
    console.log(`[e2e] unrelated store + resyncs: ${reconciles} Builder reconciles, 0 registry writes, ${requests} registry requests in all (all kinds)`);
  }, 90_000);
});

describe('many builders sharing one store', () => {
  const count = 20;
  const names = Array.from({ length: count }, (_v, i) => `many-${i}`);
  const builderYaml = (name: string): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: ${name}, namespace: team}\nspec:\n  tag: ${registry.host}/builders/many\n  serviceAccountName: builder\n  stack: {name: base}\n  store: {name: default}\n  order:\n  - group: [{id: test/web}]\n  - group: [{id: test/ruby}]\n`;
  const versions = async (): Promise<string[]> => {
    const list = JSON.parse(await kubectl(['get', 'builders.kpack.io', '-n', 'team', '-o', 'json'])) as { items: Array<{ metadata: { name: string }; status?: { order?: Array<{ group: Array<{ id: string; version: string }> }> } }> };
    return list.items.filter((b) => b.metadata.name.startsWith('many-')).map((b) => b.status?.order?.[1]?.group[0]?.version ?? '');
  };

  it(`rebuilds all ${count} after one store change`, async () => {
    await kubectl(['apply', '-f', '-'], names.map(builderYaml).join('---\n'));
    await until(async () => (await versions()).filter((v) => v === '2.0.0').length === count, 180_000, 'all builders built');
    const ruby3 = await publish((await buildpackages('3.0.0')).ruby, 'store/ruby', '3');
    const requestsBefore = await sample('packsmith_registry_requests_total');
    const started = Date.now();
    const store = await getJson('clusterstores.kpack.io', 'default');
    const sources = ((store as unknown as { spec: { sources: Array<{ image: string }> } }).spec.sources).map((x) => x.image);
    await kubectl(['patch', 'clusterstores.kpack.io', 'default', '--type', 'merge', '-p', JSON.stringify({ spec: { sources: [...sources, ruby3].map((image) => ({ image })) } })]);
    await until(async () => (await versions()).filter((v) => v === '3.0.0').length === count, 180_000, 'all builders rebuilt');
    const elapsed = Date.now() - started;
    const requests = (await sample('packsmith_registry_requests_total')) - requestsBefore;
    console.log(`[e2e] store change → ${count} builders rebuilt in ${elapsed} ms; ${(requests / count).toFixed(1)} registry requests per builder (store read included)`);
    expect(await versions()).toEqual(Array.from({ length: count }, () => '3.0.0'));
  }, 400_000);
});

describe('failures in the real cluster', () => {
  it('a wrong password gives a clear condition on the resource', async () => {
    const auth = Buffer.from(`${registry.username}:wrong-password`).toString('base64');
    const config = JSON.stringify({ auths: { [registry.host]: { auth } } });
    await kubectl(['apply', '-f', '-'], `apiVersion: v1
kind: Secret
metadata: {name: wrong, namespace: team}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${config}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: wrong, namespace: team}
secrets: [{name: wrong}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: private}
spec:
  serviceAccountRef: {name: wrong, namespace: team}
  sources: [{image: ${at.ruby}}]
`);
    await until(async () => conditionOf((await getJson('clusterstores.kpack.io', 'private')).status, 'Ready')?.status === 'False', 60_000, 'private store failed');
    const ready = conditionOf((await getJson('clusterstores.kpack.io', 'private')).status, 'Ready');
    expect(ready?.message).toMatch(/^spec\.sources\[0\] \(.*store\/ruby:1\): .*(401|unauthori[sz]ed)/i);
    expect(await sample('packsmith_reconcile_errors_total{kind="ClusterStore",class="permanent"}')).toBeGreaterThanOrEqual(1);
    console.log(`[e2e] wrong password → Ready False: ${ready?.message ?? ''}`);
  }, 90_000);

  it('a stack image that disappears keeps the last resolved stack (D-b) and the builder stays Ready', async () => {
    const before = await getJson('builders.kpack.io', 'web', 'team');
    const stack = await getJson('clusterstacks.kpack.io', 'base');
    const reconciles = await sample('packsmith_reconciles_total{kind="Builder"');
    await kubectl(['patch', 'clusterstacks.kpack.io', 'base', '--type', 'merge', '-p', JSON.stringify({ spec: { runImage: { image: `${registry.host}/stack/run:missing` } } })]);
    await until(async () => conditionOf((await getJson('clusterstacks.kpack.io', 'base')).status, 'Ready')?.status === 'False', 60_000, 'stack failed');
    const failed = (await getJson('clusterstacks.kpack.io', 'base')).status!;
    expect(conditionOf(failed, 'Ready')?.message).toMatch(/spec\.runImage\.image .*stack\/run:missing.*\n\(the last resolved status is kept/s);
    expect(failed.runImage).toEqual(stack.status?.runImage);
    expect(failed.observedGeneration).toBe(2);
    // The builder was reconciled for the stack's status change and still builds from the kept stack.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const after = (await getJson('builders.kpack.io', 'web', 'team')).status;
    expect(conditionOf(after, 'Ready')?.status).toBe('True');
    expect(conditionOf(after, 'UpToDate')?.status).toBe('True');
    expect(after?.latestImage).toBe(before.status?.latestImage);
    expect(await sample('packsmith_reconciles_total{kind="Builder"')).toBeGreaterThan(reconciles);
  }, 90_000);
});

describe('more kinds and dependency changes', () => {
  const stackYaml = (): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: ClusterStack\nmetadata: {name: base}\nspec:\n  id: ${stackId}\n  serviceAccountRef: {name: builder, namespace: team}\n  buildImage: {image: ${at.build}}\n  runImage: {image: ${at.run}}\n`;

  it('a deleted stack makes the builder not up to date (image kept); recreating it brings it back', async () => {
    await kubectl(['apply', '-f', '-'], stackYaml());
    await until(async () => conditionOf((await getJson('clusterstacks.kpack.io', 'base')).status, 'Ready')?.status === 'True', 60_000, 'stack Ready again');
    const latest = (await builderStatus())?.latestImage;
    await kubectl(['delete', 'clusterstacks.kpack.io', 'base']);
    await until(async () => conditionOf(await builderStatus(), 'UpToDate')?.message === 'clusterstack.kpack.io "base" not found', 30_000, 'builder sees the stack gone');
    const gone = await builderStatus();
    expect(conditionOf(gone, 'Ready')?.status).toBe('True');
    expect(gone?.latestImage).toBe(latest);
    await kubectl(['apply', '-f', '-'], stackYaml());
    await until(async () => conditionOf(await builderStatus(), 'UpToDate')?.status === 'True', 60_000, 'builder up to date after the stack came back');
  }, 120_000);

  it('a ClusterBuilder reads and pushes with its serviceAccountRef', async () => {
    await kubectl(['apply', '-f', '-'], `apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: shared}
spec:
  tag: ${registry.host}/builders/shared
  serviceAccountRef: {name: builder, namespace: team}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/ruby}]
`);
    await until(async () => conditionOf((await getJson('clusterbuilders.kpack.io', 'shared')).status, 'UpToDate')?.status === 'True', 60_000, 'ClusterBuilder UpToDate');
    const latest = (await getJson('clusterbuilders.kpack.io', 'shared')).status?.latestImage as string;
    expect(latest).toMatch(new RegExp(`^${registry.host}/builders/shared:clusterbuilder-shared@sha256:`));
    const inspected = await skopeoInspect(`docker://${registry.host}/builders/shared:clusterbuilder-shared`, registry.skopeoArgs());
    expect(inspected.Digest).toBe(latest.split('@')[1]);
  }, 90_000);
});

describe('packsmith controller run as two processes', () => {
  const processes: ManagedProcess[] = [];
  const cli = join(import.meta.dirname, '../../src/cli/main.ts');
  const start = (name: string): ManagedProcess => {
    const args = [cli, 'controller', 'run', '--kubeconfig', kube.kubeconfigPath, '--host', '127.0.0.1', '--health-port', '0', '--metrics-port', '0', '--lease-namespace', 'packsmith', '--resync-period', '1h'];
    const child = startProcess({ command: process.execPath, args, logFile: join(work, `${name}.log`), env: { ...process.env, HOSTNAME: name } });
    processes.push(child);
    return child;
  };
  const port = async (child: ManagedProcess): Promise<number> => Number(/health on port (\d+)/.exec(await child.log())?.[1] ?? 0);
  const leads = async (child: ManagedProcess): Promise<boolean> => (await child.log()).includes('"msg":"starting workers"');

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop(2_000)));
  });

  it('elects one leader, serves health and metrics, and hands over on SIGTERM', async () => {
    stop.abort();
    await running;
    await kubectl(['create', 'namespace', 'packsmith']);
    const [a, b] = [start('replica-a'), start('replica-b')];
    await until(async () => (await port(a)) > 0 && (await port(b)) > 0, 30_000, 'both replicas listening');
    for (const child of [a, b]) {
      const base = `http://127.0.0.1:${await port(child)}`;
      await until(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 'readyz');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('packsmith_workqueue_depth');
    }
    await until(async () => (await leads(a)) || (await leads(b)), 30_000, 'a leader');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [leader, standby] = (await leads(a)) ? [a, b] : [b, a];
    expect(await leads(standby)).toBe(false);
    // The leader builds a new builder.
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web!, at.ruby!]).replace('name: web, namespace: team', 'name: second, namespace: team'));
    await until(async () => conditionOf((await getJson('builders.kpack.io', 'second', 'team')).status, 'UpToDate')?.status === 'True', 120_000, 'second Builder UpToDate');
    // SIGTERM: the leader stops gracefully (well within the 15 s before SIGKILL) and releases the Lease.
    const stopped = Date.now();
    await leader.stop(15_000);
    const exitMs = Date.now() - stopped;
    expect(exitMs).toBeLessThan(14_000);
    expect(await leader.log()).toMatch(/"outcome":"stopped","signal":"SIGTERM","msg":"controller stopped"/);
    await until(() => leads(standby), 30_000, 'the standby leads');
    // Never two leaders: the standby started leading only after the leader had stopped.
    const timeOf = async (child: ManagedProcess, msg: string): Promise<number> => Date.parse(/"time":"([^"]+)"[^\n]*"msg":"(?:[^"]*)"/.exec((await child.log()).split('\n').find((l) => l.includes(`"msg":"${msg}"`)) ?? '')?.[1] ?? '');
    const released = await timeOf(leader, 'stopped leading');
    const acquired = await timeOf(standby, 'started leading');
    expect(acquired).toBeGreaterThanOrEqual(released);
    const takeoverMs = acquired - released;
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web!, at.ruby!]).replace('name: web, namespace: team', 'name: third, namespace: team'));
    await until(async () => conditionOf((await getJson('builders.kpack.io', 'third', 'team')).status, 'UpToDate')?.status === 'True', 120_000, 'third Builder UpToDate');
    const logs = await standby.log();
    expect(logs).not.toMatch(/password|packsmith-secret/);
    console.log(`[e2e] leader exit after SIGTERM: ${exitMs} ms; standby leading ${takeoverMs} ms after the leader released the Lease`);

    // Killed in the middle (SIGKILL right after a new Builder appears: no release, work lost): a
    // fresh replica waits for the Lease to expire, then converges.
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web!, at.ruby!]).replace('name: web, namespace: team', 'name: fourth, namespace: team'));
    process.kill(standby.pid, 'SIGKILL');
    await until(() => Promise.resolve(!standby.alive()), 10_000, 'killed');
    const killed = Date.now();
    const fresh = start('replica-c');
    await until(async () => conditionOf((await getJson('builders.kpack.io', 'fourth', 'team')).status, 'UpToDate')?.status === 'True', 90_000, 'fourth Builder UpToDate after the restart');
    expect(await leads(fresh)).toBe(true);
    console.log(`[e2e] SIGKILLed leader → new replica converged after ${Date.now() - killed} ms (Lease expiry included)`);
  }, 240_000);
});
