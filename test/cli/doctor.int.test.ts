// `packsmith doctor -f DIR` (local mode, Docker config) against the real docker-registry with
// Basic and with token auth: a good credential passes read and push, a wrong password fails with
// the fix to log in again, a read-only credential reads but may not push, a missing image is
// named, nothing is written, and no secret appears in the output.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../../src/cli/testing/index.ts';
import { makeOciFixture, removeDir, scratchDir, skopeoCopy, startRegistry, readerPullsOnly, type RegistryHandle } from '../harness/index.ts';

let dir: string;
const registries: RegistryHandle[] = [];
const wrongPassword = 'not-the-password-9f2c';
const readerPassword = 'reader-secret-77aa';

interface DoctorRow {
  resource: string;
  image: string;
  access: string;
  result: string;
  credentials: string;
  reason?: string;
  fix?: string;
}

beforeAll(async () => {
  dir = await scratchDir('doctor');
});

afterAll(async () => {
  await Promise.all(registries.map(async (r) => r.stop()));
  await removeDir(dir);
});

/** A registry holding `team/bp:1`, with a `reader` user that the token policy lets pull only. */
async function registryWithImage(mode: 'basic' | 'token'): Promise<RegistryHandle> {
  const registry = await startRegistry({
    mode,
    extraUsers: { reader: readerPassword },
    ...(mode === 'token' ? { tokenPolicy: readerPullsOnly } : {}),
  });
  registries.push(registry);
  const fixture = await makeOciFixture({ dir: join(dir, `fixture-${mode}`) });
  await skopeoCopy({ src: fixture.reference, dest: `docker://${registry.host}/team/bp:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return registry;
}

/** Resources naming `registry`'s images: a store with one present and one missing image, and a builder. */
async function resourcesFor(registry: RegistryHandle, name: string): Promise<string> {
  const resourceDir = join(dir, `resources-${name}`);
  await mkdir(resourceDir, { recursive: true });
  const yaml = `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: store}
spec:
  sources: [{image: ${registry.host}/team/bp:1}, {image: ${registry.host}/team/missing:1}]
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: app, namespace: team}
spec:
  tag: ${registry.host}/team/builder
  stack: {name: base}
  store: {name: store}
  order: [{group: [{id: test/bp}]}]
`;
  await writeFile(join(resourceDir, 'resources.yaml'), yaml);
  return resourceDir;
}

async function doctor(registry: RegistryHandle, user: string, password: string, resources: string): Promise<{ code: number; rows: DoctorRow[]; all: string }> {
  const dockerDir = join(dir, `docker-${registry.port}-${user}-${password.length}`);
  await mkdir(dockerDir, { recursive: true });
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  await writeFile(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  const env = { DOCKER_CONFIG: dockerDir, HOME: dir, PATH: process.env.PATH };
  const table = captureIo({ env });
  await runCli(['doctor', '-f', resources], table);
  const json = captureIo({ env });
  const code = await runCli(['doctor', '-f', resources, '-o', 'json'], json);
  const all = [...table.out, ...table.err, ...json.out, ...json.err].join('');
  expect(all).not.toContain(password);
  expect(all).not.toContain(auth);
  return { code, rows: JSON.parse(json.out.join('')) as DoctorRow[], all: table.out.join('') + table.err.join('') };
}

const byImage = (rows: readonly DoctorRow[], repository: string): DoctorRow => rows.find((r) => r.image.includes(`/team/${repository}`))!;

describe.each(['basic', 'token'] as const)('packsmith doctor -f with %s auth', (mode) => {
  let registry: RegistryHandle;
  let resources: string;

  beforeAll(async () => {
    registry = await registryWithImage(mode);
    resources = await resourcesFor(registry, mode);
  });

  it('passes read and push with a good credential, names the missing image, and writes nothing', async () => {
    const result = await doctor(registry, registry.username!, registry.password!, resources);
    expect(result.code).toBe(1);
    expect(byImage(result.rows, 'bp')).toMatchObject({ resource: 'ClusterStore/store', access: 'read', result: 'ok' });
    expect(byImage(result.rows, 'builder')).toMatchObject({ resource: 'Builder/team/app', access: 'push', result: 'ok' });
    expect(byImage(result.rows, 'missing')).toMatchObject({
      result: 'failed',
      fix: expect.stringContaining('does not exist (the credentials were accepted)') as unknown,
    });
    expect(result.all).toMatch(/^RESOURCE +IMAGE +ACCESS +RESULT +FIX\n/);
    expect(result.all).toContain('1 of 3 credential checks failed');
    const log = await registry.accessLog();
    const writes = log.filter((e) => e.method === 'PUT' || e.method === 'PATCH');
    // Only skopeo's upload of the fixture wrote; the doctor's upload sessions were all cancelled.
    expect(writes.every((e) => e.repository === 'team/bp')).toBe(true);
    // Every session opened (202) was cancelled (204); a token registry first asks for a wider scope (401).
    const opened = log.filter((e) => e.method === 'POST' && e.repository === 'team/builder' && e.status === 202);
    const cancelled = log.filter((e) => e.method === 'DELETE' && e.repository === 'team/builder' && e.status === 204);
    expect(opened.length).toBeGreaterThan(0);
    expect(cancelled).toHaveLength(opened.length);
    expect(log.some((e) => e.repository === 'team/builder' && e.method === 'GET' && e.path.includes('/manifests/'))).toBe(false);
  });

  it('fails every check with a wrong password and says to log in again', async () => {
    const result = await doctor(registry, registry.username!, wrongPassword, resources);
    expect(result.code).toBe(1);
    for (const row of result.rows) {
      expect(row.result, row.image).toBe('failed');
      expect(row.fix, row.image).toBe(`${registry.host} refused the credentials: run docker login with credentials that have access`);
    }
  });

  it(
    mode === 'token' ? 'reads but may not push with a read-only credential' : 'accepts the reader for read and push (htpasswd has no read-only users)',
    async () => {
      const result = await doctor(registry, 'reader', readerPassword, resources);
      expect(byImage(result.rows, 'bp').result).toBe('ok');
      const push = byImage(result.rows, 'builder');
      if (mode === 'basic') {
        expect(push.result).toBe('ok');
        return;
      }
      expect(push).toMatchObject({ access: 'push', result: 'failed' });
      expect(push.fix).toBe(
        `the credentials may not push ${registry.host}/team/builder: grant them push access on ${registry.host}, or run docker login with credentials that have access`,
      );
    },
  );
});
