// Secrets stay out of every controller output. `packsmith controller run` (a real process) works
// against a REAL kube-apiserver and the REAL docker-registry with htpasswd Basic auth (see
// test/controller/world.ts). Registry credentials reach it only through Kubernetes Secrets: a
// dockerconfigjson Secret (the world's `builder` ServiceAccount), a basic-auth Secret annotated
// `kpack.io/docker`, and two Secrets (one of each type) holding a wrong password. After the good
// builders are built and the wrong ones have failed, every output is searched for the passwords,
// the base64 `auth` strings, the base64 of the passwords and their URL-encoded forms: the process's
// stdout and stderr (JSON logs), all Events, every packsmith resource's `-o yaml`, and /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from '../controller/world.ts';

let world: World;
let controller: ManagedProcess | undefined;

beforeAll(async () => {
  world = await startWorld('controller-secrets');
}, 240_000);

afterAll(async () => {
  await controller?.stop(5_000);
  await world.stop();
});

const wrongPassword = 'wr0ng-Pa55word-7f3a';

/** Every form in which a password might leak. */
function leakFormsOf(username: string, password: string): string[] {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  return [password, b64(`${username}:${password}`), b64(password), encodeURIComponent(password)];
}

function credentialsYaml(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${wrongPassword}`).toString('base64');
  const wrongConfig = JSON.stringify({ auths: { [host]: { auth } } });
  const account = (name: string): string => `apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: team}
secrets: [{name: ${name}}]
`;
  return `apiVersion: v1
kind: Secret
metadata: {name: basic, namespace: team, annotations: {kpack.io/docker: '${host}'}}
type: kubernetes.io/basic-auth
stringData: {username: '${username}', password: '${password}'}
---
${account('basic')}---
apiVersion: v1
kind: Secret
metadata: {name: wrong-config, namespace: team}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${wrongConfig}'}
---
${account('wrong-config')}---
apiVersion: v1
kind: Secret
metadata: {name: wrong-basic, namespace: team, annotations: {kpack.io/docker: '${host}'}}
type: kubernetes.io/basic-auth
stringData: {username: '${username}', password: '${wrongPassword}'}
---
${account('wrong-basic')}`;
}

function builderYaml(name: string, account: string, host: string): string {
  return `apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: ${name}, namespace: team}
spec:
  tag: ${host}/builders/${name}
  serviceAccountName: ${account}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/ruby}]
`;
}

describe('controller outputs never carry registry secrets', () => {
  it('logs, events, status and metrics hold no password in any form (right and wrong credentials)', async () => {
    const { kubectl, getJson, until, registry, at } = world;
    const host = registry.host;
    const username = registry.username ?? '';
    const password = registry.password ?? '';
    expect(password.length).toBeGreaterThan(0);
    await kubectl(['create', 'namespace', 'packsmith']);
    const args = controllerRunArgs(world.kube.kubeconfigPath, '--lease-namespace', 'packsmith', '--resync-period', '20s');
    controller = startProcess({ command: process.execPath, args, logFile: join(world.work, 'controller.log'), env: { ...process.env, HOSTNAME: 'secrets' } });
    const running = controller;
    const metricsPort = async (): Promise<number> => Number(/metrics on port (\d+)/.exec(await running.log())?.[1] ?? 0);
    await until(async () => (await metricsPort()) > 0, 30_000, 'controller listening');

    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby]));
    await kubectl(['apply', '-f', '-'], credentialsYaml(host, username, password));
    await kubectl(
      ['apply', '-f', '-'],
      [builderYaml('basic', 'basic', host), builderYaml('wrong-config', 'wrong-config', host), builderYaml('wrong-basic', 'wrong-basic', host)].join('---\n'),
    );
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: shared-basic}
spec:
  tag: ${host}/builders/shared-basic
  serviceAccountRef: {name: basic, namespace: team}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/web}]
`,
    );
    const condition = async (kind: string, name: string, type: string, namespace?: string): Promise<string | undefined> =>
      conditionOf((await getJson(kind, name, namespace)).status, type)?.status;
    for (const name of ['web', 'basic'])
      await until(async () => (await condition('builders.kpack.io', name, 'UpToDate', 'team')) === 'True', 180_000, `Builder ${name} UpToDate`);
    await until(async () => (await condition('clusterbuilders.kpack.io', 'shared-basic', 'UpToDate')) === 'True', 120_000, 'ClusterBuilder UpToDate');
    for (const name of ['wrong-config', 'wrong-basic'])
      await until(async () => (await condition('builders.kpack.io', name, 'Ready', 'team')) === 'False', 120_000, `Builder ${name} failed`);
    const wrongMessages = await Promise.all(
      ['wrong-config', 'wrong-basic'].map(async (name) => conditionOf((await getJson('builders.kpack.io', name, 'team')).status, 'UpToDate')?.message ?? ''),
    );
    for (const message of wrongMessages) expect(message).toMatch(/401 Unauthorized/);
    const wrongMessage = wrongMessages.join(' | ').replaceAll('\n', ' ');
    // Let a resync (20 s) retry the failing builders, so their errors go through logs, events and metrics more than
    // once: wait until the controller has counted two more Builder failures than now.
    const builderFailures = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${await metricsPort()}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('packsmith_reconcile_errors_total{') && line.includes('kind="Builder"'))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    };
    const failuresBefore = await builderFailures();
    expect(failuresBefore).toBeGreaterThanOrEqual(2);
    await until(async () => (await builderFailures()) >= failuresBefore + 2, 90_000, 'the failing builders retried by a resync');

    const outputs: Record<string, string> = {
      'controller stdout+stderr': await running.log(),
      events: await kubectl(['get', 'events', '-A', '-o', 'yaml']),
      resources: await kubectl(['get', 'clusterstores,clusterstacks,clusterlifecycles,builders,clusterbuilders', '-A', '-o', 'yaml']),
      metrics: await (await fetch(`http://127.0.0.1:${await metricsPort()}/metrics`)).text(),
    };
    // The searches must be able to fail: each output has content worth searching.
    expect(outputs['controller stdout+stderr']).toContain('"msg":"starting workers"');
    expect(outputs.events).toContain('reason: Built');
    expect(outputs.events).toContain('401 Unauthorized');
    expect(outputs.resources).toContain('wrong-basic');
    expect(outputs.metrics).toContain('packsmith_reconciles_total');
    const forms = [...leakFormsOf(username, password), ...leakFormsOf(username, wrongPassword)];
    const leaks = Object.entries(outputs).flatMap(([name, text]) => forms.filter((form) => text.includes(form)).map((form) => `${name}: ${form}`));
    expect(leaks).toEqual([]);
    const lines = Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, text.split('\n').length]));
    console.log(`[secrets] searched ${forms.length} forms in ${JSON.stringify(lines)} lines; wrong password → ${wrongMessage.slice(0, 160)}`);
  }, 420_000);
});
