// `packsmith doctor` in a cluster, against the real kube-apiserver and a docker-registry with token
// auth: each resource is checked with its own ServiceAccount's Secrets (the one credential rule), a
// good Secret reads and pushes, a wrong password and a read-only Secret fail with fixes naming the
// ServiceAccount and Secret, a cluster resource without serviceAccountRef is checked anonymously,
// and no secret content appears in the output.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../../src/cli/testing/index.ts';
import {
  makeOciFixture,
  readerPullsOnly,
  removeDir,
  scratchDir,
  skopeoCopy,
  startKube,
  startRegistry,
  type KubeHandle,
  waitUntil,
  type RegistryHandle,
} from '../harness/index.ts';

const crdDir = fileURLToPath(new URL('../../config/crds', import.meta.url));
const readerPassword = 'reader-secret-51bd';
const wrongPassword = 'wrong-secret-0c3e';
let kube: KubeHandle;
let registry: RegistryHandle;
let dir: string;

interface DoctorRow {
  resource: string;
  image: string;
  access: string;
  result: string;
  credentials: string;
  fix?: string;
}

function dockerSecret(name: string, user: string, password: string): object {
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'team' },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry.host]: { auth } } }) },
  };
}

const account = (name: string): object => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'team' }, secrets: [{ name }] });

function builder(name: string, serviceAccountName: string): object {
  return {
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'Builder',
    metadata: { name, namespace: 'team' },
    spec: {
      tag: `${registry.host}/team/${name}-builder`,
      serviceAccountName,
      stack: { name: 'base' },
      store: { name: 'store' },
      order: [{ group: [{ id: 'test/bp' }] }],
    },
  };
}

beforeAll(async () => {
  dir = await scratchDir('doctor-cluster');
  [kube, registry] = await Promise.all([startKube(), startRegistry({ mode: 'token', extraUsers: { reader: readerPassword }, tokenPolicy: readerPullsOnly })]);
  const fixture = await makeOciFixture({ dir: join(dir, 'fixture') });
  await skopeoCopy({ src: fixture.reference, dest: `docker://${registry.host}/team/bp:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  expect((await kube.kubectl(['apply', '-f', crdDir])).code).toBe(0);
  expect((await kube.kubectl(['wait', '--for=condition=Established', '-f', crdDir, '--timeout=60s'])).code).toBe(0);
  const image = `${registry.host}/team/bp:1`;
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
    dockerSecret('good', registry.username!, registry.password!),
    dockerSecret('wrong', registry.username!, wrongPassword),
    dockerSecret('reader', 'reader', readerPassword),
    account('good'),
    account('wrong'),
    account('reader'),
    {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStore',
      metadata: { name: 'store' },
      spec: { serviceAccountRef: { name: 'good', namespace: 'team' }, sources: [{ image }] },
    },
    { apiVersion: 'kpack.io/v1alpha2', kind: 'Buildpack', metadata: { name: 'bp', namespace: 'team' }, spec: { serviceAccountName: 'wrong', image } },
    {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStack',
      metadata: { name: 'base' },
      spec: { id: 'io.buildpacks.stacks.jammy', buildImage: { image }, runImage: { image } },
    },
    builder('app', 'good'),
    builder('ro', 'reader'),
  ];
  const applied = await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  expect(applied.code, applied.stderr).toBe(0);
  // Established CRDs may still answer "storage is (re)initializing" for a moment.
  const kinds = 'clusterstores,clusterstacks,clusterlifecycles,buildpacks,clusterbuildpacks,builders,clusterbuilders';
  await waitUntil(async () => (await kube.kubectl(['get', kinds, '-A'])).code === 0, { timeoutMs: 30_000, describe: async () => kube.logs() });
});

afterAll(async () => {
  await registry?.stop();
  await kube?.stop();
  await removeDir(dir);
});

describe('packsmith doctor in a cluster', () => {
  it("checks each resource with its ServiceAccount's Secrets and says how to fix each failure", async () => {
    const env = { KUBECONFIG: kube.kubeconfigPath, HOME: dir, PATH: process.env.PATH };
    const io = captureIo({ env });
    const code = await runCli(['doctor', '-o', 'json'], io);
    expect(io.err.join('')).toBe('error: 4 of 6 credential checks failed\n');
    const table = captureIo({ env });
    expect(await runCli(['doctor'], table)).toBe(1);
    expect(code, io.err.join('')).toBe(1);
    const rows = JSON.parse(io.out.join('')) as DoctorRow[];
    const row = (resource: string): DoctorRow | undefined => rows.find((r) => r.resource === resource);
    expect(row('ClusterStore/store')).toMatchObject({ access: 'read', result: 'ok', credentials: 'ServiceAccount team/good (Secrets: good)' });
    expect(row('Builder/team/app')).toMatchObject({ access: 'push', result: 'ok' });
    expect(row('Buildpack/team/bp')).toMatchObject({
      result: 'failed',
      fix: `${registry.host} refused the credentials: correct the registry Secret (wrong) of ServiceAccount team/wrong`,
    });
    expect(row('Builder/team/ro')).toMatchObject({
      access: 'push',
      result: 'failed',
      fix: `the credentials may not push ${registry.host}/team/ro-builder: grant them push access on ${registry.host}, or correct the registry Secret (reader) of ServiceAccount team/reader`,
    });
    const stack = rows.filter((r) => r.resource === 'ClusterStack/base');
    expect(stack).toHaveLength(2);
    for (const r of stack) {
      expect(r).toMatchObject({ result: 'failed', credentials: expect.stringContaining('controller-wide credentials only') as unknown });
      expect(r.fix).toContain('set spec.serviceAccountRef');
    }
    const all = [...io.out, ...io.err, ...table.out, ...table.err].join('');
    for (const secret of [registry.password!, wrongPassword, readerPassword]) expect(all).not.toContain(secret);
    expect(table.out.join('')).toMatch(/^RESOURCE +IMAGE +ACCESS +RESULT +FIX\n/);
    expect(table.err.join('')).toContain('4 of 6 credential checks failed');
  });

  it('-n narrows the namespaced kinds to one namespace; the cluster kinds are always checked', async () => {
    const io = captureIo({ env: { KUBECONFIG: kube.kubeconfigPath, HOME: dir, PATH: process.env.PATH } });
    await runCli(['doctor', '-n', 'elsewhere', '-o', 'json'], io);
    const rows = JSON.parse(io.out.join('')) as DoctorRow[];
    expect([...new Set(rows.map((r) => r.resource))]).toEqual(['ClusterStore/store', 'ClusterStack/base']);
  });
});
