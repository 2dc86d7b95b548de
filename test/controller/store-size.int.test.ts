// A store too large for a full status (kpack#964), against a REAL kube-apiserver (+ etcd) and a REAL
// docker-registry (Basic auth; see world.ts), with `packsmith controller run` as a child process:
// 100 buildpackages of 50 buildpacks each (5,000 in all) reconcile to Ready with a status under
// 1 MiB in compact form, say so in a StatusSize condition, and a Builder of 251 of them is built from
// the pinned sources with a status far under 1 MiB; `packsmith clusterstore status` still reads the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { createBuildpackage, type BuildpackTree } from '../../src/cnb/index.ts';
import { Credentials, staticKeychain } from '../../src/oci/index.ts';
import { createLimiter } from '../../src/shared/index.ts';
import { cliEntry, controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from './world.ts';

const packages = 100;
const perPackage = 50;
let world: World;
let controller: ManagedProcess | undefined;

beforeAll(async () => {
  world = await startWorld('controller-store-size');
}, 240_000);

afterAll(async () => {
  await controller?.stop(5_000);
  await world.stop();
});

/** Buildpackage `p`: a meta-buildpack `huge/pkg-p` whose one group holds 49 buildpacks, each optional. */
async function buildpackage(p: number): Promise<Awaited<ReturnType<typeof createBuildpackage>>> {
  const components: BuildpackTree[] = Array.from({ length: perPackage - 1 }, (_v, i) => ({
    descriptor: {
      api: '0.10',
      buildpack: { id: `huge/pkg-${p}-bp-${i}`, version: '1.0.0', homepage: `https://example.test/huge/${p}/${i}` },
      targets: [{ os: 'linux', arch: 'amd64' }],
    },
    files: { 'bin/detect': { content: '#!/bin/sh\nexit 0\n' }, 'bin/build': { content: '#!/bin/sh\nexit 0\n' } },
  }));
  const meta: BuildpackTree = {
    descriptor: {
      api: '0.10',
      buildpack: { id: `huge/pkg-${p}`, version: '1.0.0' },
      order: [{ group: components.map((c) => ({ id: c.descriptor.buildpack.id, version: '1.0.0', optional: true })) }],
    },
  };
  return createBuildpackage([meta, ...components]);
}

describe('a ClusterStore of 5,000 buildpacks', () => {
  it('reconciles to Ready in compact form under 1 MiB, and a Builder is built from it', async () => {
    const { kubectl, until, registry, at } = world;
    const images = new OciImageAccess({ userAgent: 'packsmith-test' });
    const keychain = staticKeychain({ [registry.host]: Credentials.of({ username: registry.username ?? '', password: registry.password ?? '' }) });
    const limit = createLimiter(4);
    const sources = await Promise.all(
      Array.from({ length: packages }, (_v, p) =>
        limit(async () => {
          const reference = `${registry.host}/huge/pkg-${p}:1`;
          await images.registry.write(await buildpackage(p), reference, { keychain });
          return reference;
        }),
      ),
    );
    await images.close();
    // The world's store, stack and lifecycle, then the huge store and a Builder using two of its buildpacks.
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], 'unused'));
    await kubectl(['delete', 'builders.kpack.io', 'unused', '-n', 'team']);
    const storeYaml =
      `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: huge}\nspec:\n  serviceAccountRef: {name: builder, namespace: team}\n  sources:\n` +
      sources.map((image) => `  - image: ${image}\n`).join('');
    const builderYaml =
      `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: from-huge, namespace: team}\nspec:\n  tag: ${registry.host}/builders/from-huge\n` +
      `  serviceAccountName: builder\n  stack: {name: base}\n  store: {name: huge}\n  order:\n  - group: [{id: huge/pkg-7-bp-3}]\n  - group: [{id: huge/pkg-93}]\n` +
      // Four more buildpackages: 1 + 5 × 50 = 251 buildpacks in the builder.
      [1, 2, 3, 4].map((p) => `  - group: [{id: huge/pkg-${p}}]\n`).join('');
    controller = startProcess({
      command: process.execPath,
      args: controllerRunArgs(world.kube.kubeconfigPath, '--no-leader-elect'),
      logFile: join(world.work, 'controller.log'),
    });
    const started = Date.now();
    await kubectl(['apply', '-f', '-'], storeYaml);
    await until(
      async () => conditionOf((await world.getJson('clusterstores.kpack.io', 'huge')).status, 'Ready')?.status === 'True',
      300_000,
      'huge store Ready',
    );
    const readyMs = Date.now() - started;

    // What etcd stores: the whole object, as the API server returns it.
    const stored = await kubectl(['get', 'clusterstores.kpack.io', 'huge', '-o', 'json']);
    const store = JSON.parse(stored) as { status: { buildpacks: Array<Record<string, unknown>>; compacted?: { sources?: unknown[] } } };
    // kubectl indents; the API server stores and serves the object without (measured the same way).
    const objectBytes = Buffer.byteLength(JSON.stringify(store));
    const statusBytes = Buffer.byteLength(JSON.stringify(store.status));
    console.log(`[e2e] object ${objectBytes} bytes, status ${statusBytes} bytes`);
    expect(objectBytes).toBeLessThan(1024 * 1024);
    expect(store.status.buildpacks).toHaveLength(packages * perPackage);
    expect(store.status.buildpacks[0]).toEqual({ id: 'huge/pkg-0-bp-0', version: '1.0.0', storeImage: { image: sources[0] } });
    expect(store.status.buildpacks.find((b) => b.id === 'huge/pkg-0')).toEqual({
      id: 'huge/pkg-0',
      version: '1.0.0',
      buildpackage: { id: 'huge/pkg-0', version: '1.0.0' },
      storeImage: { image: sources[0] },
    });
    expect(store.status.compacted?.sources).toHaveLength(packages);
    const size = conditionOf(store.status, 'StatusSize');
    expect(size).toMatchObject({ status: 'True', reason: 'Compacted' });

    await kubectl(['apply', '-f', '-'], builderYaml);
    await until(
      async () => conditionOf((await world.getJson('builders.kpack.io', 'from-huge', 'team')).status, 'UpToDate')?.status === 'True',
      120_000,
      'Builder from the huge store UpToDate',
    );
    const builder = await world.getJson('builders.kpack.io', 'from-huge', 'team');
    expect(builder.status?.order).toEqual(
      ['huge/pkg-7-bp-3', 'huge/pkg-93', 'huge/pkg-1', 'huge/pkg-2', 'huge/pkg-3', 'huge/pkg-4'].map((id) => ({ group: [{ id, version: '1.0.0' }] })),
    );
    const builderBytes = Buffer.byteLength(JSON.stringify(builder));
    expect(builderBytes).toBeLessThan(1024 * 1024);

    // The kp-style status reads the compact store.
    const { stdout } = await promisify(execFile)(process.execPath, [cliEntry, 'clusterstore', 'status', 'huge', '--kubeconfig', world.kube.kubeconfigPath], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/Status:\s+Ready/);
    // kp's table of buildpackages: one row per buildpackage.
    expect(stdout.split('\n').filter((line) => /^huge\/pkg-\d+\s+1\.0\.0/.test(line))).toHaveLength(packages);
    console.log(
      `[e2e] ${packages * perPackage} buildpacks: store Ready in ${readyMs} ms, object ${Math.round(objectBytes / 1024)} KiB (compact; status ${Math.round(statusBytes / 1024)} KiB); builder of 251 buildpacks: object ${Math.round(builderBytes / 1024)} KiB`,
    );
  }, 600_000);
});
