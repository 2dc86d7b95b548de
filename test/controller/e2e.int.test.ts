// The controller end to end against a REAL kube-apiserver (+ etcd) and the REAL docker-registry
// (htpasswd Basic auth; see world.ts). The registry password reaches the controller only through a
// ServiceAccount's dockerconfigjson Secret. The manager runs in-process with a 3 s resync.
// Checked: the Builder becomes Ready and its latestImage is what skopeo sees; a newer buildpack
// version in the store rebuilds it with a new digest and the resolved order shows it; an unrelated
// store does not rebuild it (the builder is reconciled on every resync, but nothing is written);
// 20 Builders sharing the store are all rebuilt after one change; a wrong password gives a clear
// condition; a stack image that disappears keeps the last resolved stack (D-b) and the builder
// stays Ready; a deleted stack makes the builder not up to date and its re-creation brings it back;
// a ClusterBuilder uses its serviceAccountRef. Leader election and SIGTERM/SIGKILL of
// `packsmith controller run` processes are in replicas.int.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createControllerMetrics, createManager, serviceAccountKeychains, type ControllerMetrics, type Manager } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { skopeoInspect } from '../harness/index.ts';
import { buildpackages, stackId } from '../app/fixtures.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;
let manager: Manager;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
let images: OciImageAccess;
let metrics: ControllerMetrics;
let at: World['at'];
let registry: World['registry'];
const kubectl = (args: string[], input?: string): Promise<string> => world.kubectl(args, input);
const getJson = (kind: string, name: string, namespace?: string): ReturnType<World['getJson']> => world.getJson(kind, name, namespace);
const publish = (...args: Parameters<World['publish']>): Promise<string> => world.publish(...args);
const until = (check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> => world.until(check, timeoutMs, what);
const resourcesYaml = (sources: readonly string[]): string => world.resourcesYaml(sources);

/** The value of one metric sample, e.g. `packsmith_reconciles_total{kind="Builder",outcome="done"}`. */
async function sample(prefix: string): Promise<number> {
  const { body } = await metrics.render();
  return body
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

async function builderStatus(): Promise<Record<string, unknown> | undefined> {
  return (await getJson('builders.kpack.io', 'web', 'team')).status;
}

beforeAll(async () => {
  world = await startWorld('controller-e2e');
  ({ at, registry } = world);
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  images = new OciImageAccess({ userAgent: 'packsmith-e2e' });
  const transfers = (): { requests: number; bytesSent: number; bytesReceived: number } => images.registry.totals();
  metrics = createControllerMetrics({ queueDepth: () => manager.queueDepth(), transfers });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    clock: systemClock,
    logger: silentLogger,
    workers: 2,
    resyncMs: 3_000,
    metrics,
  });
  running = manager.run(stop.signal);
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await world.stop();
});

describe('packsmith controller against a real apiserver and registry', () => {
  let first = '';

  it('builds the Builder: Ready and UpToDate, latestImage in the registry with that digest', async () => {
    await until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
    const started = Date.now();
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web, at.ruby]));
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
    await kubectl(['apply', '-f', '-'], resourcesYaml([at.web, at.ruby, ruby2]));
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
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: unrelated}\nspec:\n  serviceAccountRef: {name: builder, namespace: team}\n  sources: [{image: ${at.ruby}}]\n`,
    );
    await until(
      async () => conditionOf((await getJson('clusterstores.kpack.io', 'unrelated')).status, 'Ready')?.status === 'True',
      60_000,
      'unrelated store Ready',
    );
    // The builder is reconciled again (resyncs, every 3 s) but nothing changes: wait for two more finished Builder
    // reconciles, then look.
    await until(async () => (await sample('packsmith_reconciles_total{kind="Builder"')) - reconcilesBefore >= 2, 60_000, 'two more Builder reconciles');
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
    const list = JSON.parse(await kubectl(['get', 'builders.kpack.io', '-n', 'team', '-o', 'json'])) as {
      items: Array<{ metadata: { name: string }; status?: { order?: Array<{ group: Array<{ id: string; version: string }> }> } }>;
    };
    return list.items.filter((b) => b.metadata.name.startsWith('many-')).map((b) => b.status?.order?.[1]?.group[0]?.version ?? '');
  };

  it(`rebuilds all ${count} after one store change`, async () => {
    await kubectl(['apply', '-f', '-'], names.map(builderYaml).join('---\n'));
    await until(async () => (await versions()).filter((v) => v === '2.0.0').length === count, 180_000, 'all builders built');
    const ruby3 = await publish((await buildpackages('3.0.0')).ruby, 'store/ruby', '3');
    const requestsBefore = await sample('packsmith_registry_requests_total');
    const started = Date.now();
    const store = await getJson('clusterstores.kpack.io', 'default');
    const sources = (store as unknown as { spec: { sources: Array<{ image: string }> } }).spec.sources.map((x) => x.image);
    await kubectl([
      'patch',
      'clusterstores.kpack.io',
      'default',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { sources: [...sources, ruby3].map((image) => ({ image })) } }),
    ]);
    await until(async () => (await versions()).filter((v) => v === '3.0.0').length === count, 180_000, 'all builders rebuilt');
    const elapsed = Date.now() - started;
    const requests = (await sample('packsmith_registry_requests_total')) - requestsBefore;
    console.log(
      `[e2e] store change → ${count} builders rebuilt in ${elapsed} ms; ${(requests / count).toFixed(1)} registry requests per builder (store read included)`,
    );
    expect(await versions()).toEqual(Array.from({ length: count }, () => '3.0.0'));
  }, 400_000);
});

describe('failures in the real cluster', () => {
  it('a wrong password gives a clear condition on the resource', async () => {
    const auth = Buffer.from(`${registry.username}:wrong-password`).toString('base64');
    const config = JSON.stringify({ auths: { [registry.host]: { auth } } });
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: v1
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
`,
    );
    await until(
      async () => conditionOf((await getJson('clusterstores.kpack.io', 'private')).status, 'Ready')?.status === 'False',
      60_000,
      'private store failed',
    );
    const ready = conditionOf((await getJson('clusterstores.kpack.io', 'private')).status, 'Ready');
    expect(ready?.reason).toBe('CredentialsFailed');
    expect(ready?.message).toMatch(
      /^the registry refused the credentials of ServiceAccount team\/wrong \(Secrets: wrong\): spec\.sources\[0\] \(.*store\/ruby:1\): .*(401|unauthori[sz]ed)/i,
    );
    expect(await sample('packsmith_reconcile_errors_total{kind="ClusterStore",class="permanent"}')).toBeGreaterThanOrEqual(1);
    console.log(`[e2e] wrong password → Ready False: ${ready?.message ?? ''}`);
  }, 90_000);

  it('a stack image that disappears keeps the last resolved stack (D-b) and the builder stays Ready', async () => {
    const before = await getJson('builders.kpack.io', 'web', 'team');
    const stack = await getJson('clusterstacks.kpack.io', 'base');
    const reconciles = await sample('packsmith_reconciles_total{kind="Builder"');
    await kubectl([
      'patch',
      'clusterstacks.kpack.io',
      'base',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { runImage: { image: `${registry.host}/stack/run:missing` } } }),
    ]);
    await until(async () => conditionOf((await getJson('clusterstacks.kpack.io', 'base')).status, 'Ready')?.status === 'False', 60_000, 'stack failed');
    const failed = (await getJson('clusterstacks.kpack.io', 'base')).status!;
    expect(conditionOf(failed, 'Ready')?.message).toMatch(/spec\.runImage\.image .*stack\/run:missing.*\n\(the last resolved status is kept/s);
    expect(failed.runImage).toEqual(stack.status?.runImage);
    expect(failed.observedGeneration).toBe(2);
    // The builder is reconciled for the stack's status change (and by resyncs): wait for a Builder reconcile that
    // finished after the failed stack status was seen, then check it still builds from the kept stack.
    const reconcilesAtFailure = await sample('packsmith_reconciles_total{kind="Builder"');
    await until(
      async () => (await sample('packsmith_reconciles_total{kind="Builder"')) > reconcilesAtFailure,
      60_000,
      'a Builder reconcile after the stack failed',
    );
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
    await until(
      async () => conditionOf(await builderStatus(), 'UpToDate')?.message === 'clusterstack.kpack.io "base" not found',
      30_000,
      'builder sees the stack gone',
    );
    const gone = await builderStatus();
    expect(conditionOf(gone, 'Ready')?.status).toBe('True');
    expect(gone?.latestImage).toBe(latest);
    await kubectl(['apply', '-f', '-'], stackYaml());
    await until(async () => conditionOf(await builderStatus(), 'UpToDate')?.status === 'True', 60_000, 'builder up to date after the stack came back');
  }, 120_000);

  it('a ClusterBuilder reads and pushes with its serviceAccountRef', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: shared}
spec:
  tag: ${registry.host}/builders/shared
  serviceAccountRef: {name: builder, namespace: team}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/ruby}]
`,
    );
    await until(
      async () => conditionOf((await getJson('clusterbuilders.kpack.io', 'shared')).status, 'UpToDate')?.status === 'True',
      60_000,
      'ClusterBuilder UpToDate',
    );
    const latest = (await getJson('clusterbuilders.kpack.io', 'shared')).status?.latestImage as string;
    expect(latest).toMatch(new RegExp(`^${registry.host}/builders/shared:clusterbuilder-shared@sha256:`));
    const inspected = await skopeoInspect(`docker://${registry.host}/builders/shared:clusterbuilder-shared`, registry.skopeoArgs());
    expect(inspected.Digest).toBe(latest.split('@')[1]);
  }, 90_000);
});
