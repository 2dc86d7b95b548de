// Credential changes reach the controller by watch, against a REAL kube-apiserver and docker-registry
// (see world.ts). The manager runs in-process with kpack's 10 h resync, so only the Secret and
// ServiceAccount watches can explain a quick recovery: a ClusterStore that failed with a wrong
// password becomes Ready soon after its Secret is fixed, with no change to its spec; a Builder whose
// ServiceAccount did not exist builds once the account appears. Every log record is kept and checked
// for the registry password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createManager, serviceAccountKeychains, type Manager } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import type { LogFields, Logger } from '../../src/shared/index.ts';
import { stackId } from '../app/fixtures.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;
let manager: Manager;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
let images: OciImageAccess;
const records: string[] = [];

/** Keeps every record as JSON, so the test can look for secrets in them. */
function recordingLogger(base: LogFields = {}): Logger {
  const write =
    (level: string) =>
    (message: string, fields: LogFields = {}): void =>
      void records.push(JSON.stringify({ level, message, ...base, ...fields }));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => recordingLogger({ ...base, ...fields }) };
}

const dockerConfig = (password: string): string =>
  JSON.stringify({ auths: { [world.registry.host]: { auth: Buffer.from(`${world.registry.username}:${password}`).toString('base64') } } });
const secretYaml = (password: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: team}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '${dockerConfig(password)}'}\n`;
const password = (): string => world.registry.password ?? '';
const storeReady = async (): Promise<string | undefined> => conditionOf((await world.getJson('clusterstores.kpack.io', 'default')).status, 'Ready')?.status;

beforeAll(async () => {
  world = await startWorld('controller-credentials');
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  images = new OciImageAccess({ userAgent: 'packsmith-e2e' });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    clock: systemClock,
    logger: recordingLogger(),
    workers: 2,
  });
  running = manager.run(stop.signal);
  await world.until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await world.stop();
});

describe('credentials are watched (10 h resync)', () => {
  it('a fixed Secret makes the failed store Ready without a spec change', async () => {
    const { kubectl, until, at } = world;
    await kubectl(['create', 'namespace', 'team']);
    await kubectl(
      ['apply', '-f', '-'],
      `${secretYaml('wrong-password')}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: team}
secrets: [{name: creds}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  serviceAccountRef: {name: reader, namespace: team}
  sources: [{image: ${at.ruby}}]
`,
    );
    await until(async () => (await storeReady()) === 'False', 60_000, 'store failed with the wrong password');
    const failed = await world.getJson('clusterstores.kpack.io', 'default');
    expect(conditionOf(failed.status, 'Ready')?.message).toMatch(/401|unauthori[sz]ed/i);
    // The reason says it is the credentials, and the message names the ServiceAccount and Secret (never the content).
    expect(conditionOf(failed.status, 'Ready')).toMatchObject({
      reason: 'CredentialsFailed',
      message: expect.stringMatching(/^the registry refused the credentials of ServiceAccount team\/reader \(Secrets: creds\): /) as unknown,
    });
    expect(JSON.stringify(failed.status)).not.toContain('wrong-password');
    const fixed = Date.now();
    await kubectl(['apply', '-f', '-'], secretYaml(password()));
    await until(async () => (await storeReady()) === 'True', 20_000, 'store Ready after the Secret was fixed');
    const after = await world.getJson('clusterstores.kpack.io', 'default');
    expect(conditionOf(after.status, 'Ready')?.reason).toBeUndefined();
    expect((after as unknown as { metadata: { generation: number } }).metadata.generation).toBe(1);
    console.log(`[e2e] Secret fixed → store Ready: ${Date.now() - fixed} ms (no spec change, 10 h resync)`);
  }, 120_000);

  it('a Builder whose ServiceAccount was missing builds once the account is created', async () => {
    const { kubectl, until, at, registry } = world;
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec:
  id: ${stackId}
  serviceAccountRef: {name: reader, namespace: team}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec:
  serviceAccountRef: {name: reader, namespace: team}
  image: ${at.lifecycle}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: late, namespace: team}
spec:
  tag: ${registry.host}/builders/late
  serviceAccountName: pusher
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/ruby}]
`,
    );
    const builder = async (): Promise<Record<string, unknown> | undefined> => (await world.getJson('builders.kpack.io', 'late', 'team')).status;
    await until(async () => conditionOf(await builder(), 'Ready')?.status === 'False', 60_000, 'builder failed without credentials');
    // The refused push names the builder's own ServiceAccount (it does not exist yet, so no Secrets).
    expect(conditionOf(await builder(), 'UpToDate')?.message).toMatch(
      /^the registry refused the credentials of ServiceAccount team\/pusher \(no Secrets\): .*401/,
    );
    const created = Date.now();
    await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: pusher, namespace: team}\nsecrets: [{name: creds}]\n');
    await until(async () => conditionOf(await builder(), 'UpToDate')?.status === 'True', 60_000, 'builder built after its account appeared');
    expect((await builder())?.latestImage).toMatch(new RegExp(`^${registry.host}/builders/late:builder-team-late@sha256:`));
    console.log(`[e2e] ServiceAccount created → Builder UpToDate: ${Date.now() - created} ms`);
  }, 150_000);

  it('never logs the registry password or the Secret data', () => {
    const joined = records.join('\n');
    expect(records.length).toBeGreaterThan(0);
    expect(joined).not.toContain(password());
    expect(joined).not.toContain(Buffer.from(`${world.registry.username}:${password()}`).toString('base64'));
    expect(joined).not.toContain('dockerconfigjson');
  });
});
