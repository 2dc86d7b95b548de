// The resource commands' shared machinery against the REAL kube-apiserver, docker-registry and the
// in-process controller (world.ts): the session reads kp-config; relocation copies a registry image
// into the default repository by mounting its blobs (nothing uploaded), a local .cnb by uploading,
// and a second relocation writes nothing; a dry run reads but never writes; waiting sees the
// controller's verdict; the object client's server-side dry run stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reporter, readKpConfig, relocateImage, waitUntilReconciled, withClusterSession } from '../../src/cli/cluster/index.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { skopeoInspectRaw } from '../harness/index.ts';
import { startCliWorld, type CliWorld } from './world.ts';

let world: CliWorld;
const printed: string[] = [];
let io: CliIo;

beforeAll(async () => {
  world = await startCliWorld('cli-foundation');
  io = {
    stdout: (t) => void printed.push(t),
    stderr: (t) => void printed.push(t),
    isTty: false,
    env: world.env,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
  };
}, 300_000);

afterAll(async () => {
  await world.stop();
});

const writes = async (): Promise<string[]> =>
  (await world.registry.accessLog()).filter((e) => ['POST', 'PUT', 'PATCH'].includes(e.method)).map((e) => `${e.method} ${e.path}`);

describe('cluster session', () => {
  it('reads kp-config and the namespace of the context', async () => {
    const config = await withClusterSession(io, { kube: {} }, async (session) => ({
      kp: await readKpConfig(session.objects),
      namespace: session.targetNamespace,
    }));
    expect(config.kp).toEqual({ defaultRepository: world.defaultRepository, serviceAccount: { name: 'kp-sa', namespace: 'kpack' } });
    expect(config.namespace).toBe('default');
    const other = await withClusterSession(io, { kube: { namespace: 'team' } }, (session) => Promise.resolve(session.targetNamespace));
    expect(other).toBe('team');
  });

  it('relocates a registry image by mounting, a .cnb by uploading, and writes nothing the second time', async () => {
    const before = (await writes()).length;
    const reporter = new Reporter(io);
    const relocated = await withClusterSession(io, { kube: {} }, (session) =>
      relocateImage({ source: world.at.web, repository: world.defaultRepository }, session, { reporter, io }),
    );
    expect(relocated.reference).toMatch(new RegExp(`^${world.defaultRepository}@sha256:[0-9a-f]{64}$`));
    expect(relocated.labels['io.buildpacks.buildpackage.metadata']).toContain('test/web');
    const skopeo = await skopeoInspectRaw(`docker://${relocated.reference}`, world.registry.skopeoArgs());
    expect(skopeo.digest).toBe(relocated.digest);
    const firstWrites = (await writes()).slice(before);
    // Same registry: every blob is mounted, so the only writes are mount POSTs and the manifest PUT.
    expect(firstWrites.filter((w) => w.startsWith('PATCH'))).toEqual([]);
    expect(firstWrites.filter((w) => w.startsWith('PUT')).every((w) => w.includes('/manifests/'))).toBe(true);
    expect((await world.registry.mounts()).length).toBeGreaterThan(0);

    const cnb = await withClusterSession(io, { kube: {} }, (session) =>
      relocateImage({ source: world.cnb.ruby2, repository: world.defaultRepository }, session, { reporter, io }),
    );
    expect((await skopeoInspectRaw(`docker://${cnb.reference}`, world.registry.skopeoArgs())).digest).toBe(cnb.digest);

    const settled = (await writes()).length;
    const again = await withClusterSession(io, { kube: {} }, (session) =>
      relocateImage({ source: world.cnb.ruby2, repository: world.defaultRepository }, session, { reporter, io }),
    );
    expect(again.reference).toBe(cnb.reference);
    expect((await writes()).length).toBe(settled);
    expect(printed.join('')).toContain(`\tUploading '${cnb.reference}'\n`);
  });

  it('a dry run reads the digest but writes nothing', async () => {
    const before = (await writes()).length;
    const reporter = new Reporter(io, { mode: 'dry-run' });
    const result = await withClusterSession(io, { kube: {} }, (session) =>
      relocateImage({ source: world.at.ruby, repository: `${world.registry.host}/never-written` }, session, { reporter, io }),
    );
    expect(printed.join('')).toContain(`\tSkipping '${result.reference}'\n`);
    expect((await writes()).length).toBe(before);
  });

  it('waits for the controller to reconcile, and a server-side dry run stores nothing', async () => {
    const ready = await withClusterSession(io, { kube: {} }, (session) =>
      waitUntilReconciled(session.objects, { kind: 'ClusterLifecycle', name: 'default-lifecycle', timeoutMs: 60_000 }),
    );
    expect((ready.status as { image?: { latestImage?: string } }).image?.latestImage).toContain('@sha256:');
    const object = { metadata: { name: 'dry' }, spec: { image: world.at.lifecycle } };
    const created = await withClusterSession(io, { kube: {} }, (session) => session.objects.create({ kind: 'ClusterLifecycle', object, dryRun: true }));
    expect(created.metadata.name).toBe('dry');
    await expect(world.kubectl(['get', 'clusterlifecycle', 'dry'])).rejects.toThrow(/not found/);
  });

  it('shell completion offers the names of existing resources from the cluster', async () => {
    await world.kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: completion-stack}
spec: {id: some.stack, buildImage: {image: ${world.at.build}}, runImage: {image: ${world.at.run}}}
`,
    );
    const names = await world.run(['__complete', 'clusterstack', 'status', 'comp']);
    expect(names).toMatchObject({ code: 0, stdout: 'completion-stack\n' });
    const none = await world.run(['__complete', 'builder', 'status', '-n', 'team', '']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
  });

  it('a kubeconfig that does not exist is a clear error', async () => {
    await expect(withClusterSession(io, { kube: { kubeconfig: '/nonexistent/kubeconfig' } }, () => Promise.resolve())).rejects.toThrow(
      /cannot load the Kubernetes configuration/,
    );
  });
});
