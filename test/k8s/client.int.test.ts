// KubeClient against the real kube-apiserver: reads, lists, watches, merge-patches of /status with a
// resourceVersion precondition (409 → ConflictError), Events, and errors that keep Secret data out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/shared/index.ts';
import { ConflictError, createKubeClient, ForbiddenError, GoneError, type KubeClient, type WatchEvent } from '../../src/k8s/index.ts';
import { waitUntil } from '../harness/index.ts';
import { connectAs, kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;
let client: KubeClient;

let scratch: string;

beforeAll(async () => {
  setup = await setUpKube({ users: [{ name: 'nobody', groups: ['k8s-test:nobody'] }] });
  scratch = await mkdtemp(join(tmpdir(), 'k8s-client-'));
  client = createKubeClient(setup.connection);
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await setup?.kube.stop();
});

const store = (name: string, image = 'registry.test/bp:1'): string =>
  JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name }, spec: { sources: [{ image }] } });

describe('KubeClient', () => {
  it('gets and lists a ClusterStore, and reports a missing one as NotFoundError', async () => {
    await kubectlOk(setup.kube, ['apply', '-f', '-'], store('client-get'));
    const object = await client.get({ kind: 'ClusterStore', name: 'client-get' });
    expect(object.metadata.name).toBe('client-get');
    expect(object.spec).toEqual({ sources: [{ image: 'registry.test/bp:1' }] });
    const list = await client.list({ kind: 'ClusterStore' });
    expect(list.items.map((i) => i.metadata.name)).toContain('client-get');
    expect(Number(list.resourceVersion)).toBeGreaterThan(0);
    const missing = await client.get({ kind: 'ClusterStore', name: 'no-such-store' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('clusterstores "no-such-store"');
  });

  it('patches /status and refuses a stale resourceVersion with ConflictError', async () => {
    await kubectlOk(setup.kube, ['apply', '-f', '-'], store('client-status'));
    const before = await client.get({ kind: 'ClusterStore', name: 'client-status' });
    const status = { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    const patched = await client.patchStatus({ kind: 'ClusterStore', name: 'client-status', status, resourceVersion: before.metadata.resourceVersion });
    expect(patched.status).toEqual(status);
    expect(patched.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(patched.metadata.generation).toBe(before.metadata.generation);
    const stale = await client
      .patchStatus({ kind: 'ClusterStore', name: 'client-status', status: { observedGeneration: 2 }, resourceVersion: before.metadata.resourceVersion })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    const after = await client.get({ kind: 'ClusterStore', name: 'client-status' });
    expect(after.status).toEqual(status);
  });

  it('patches the status of a namespaced Builder', async () => {
    await kubectlOk(setup.kube, ['create', 'namespace', 'client-ns']);
    const builder = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'Builder',
      metadata: { name: 'b', namespace: 'client-ns' },
      spec: { tag: 'registry.test/b', stack: { kind: 'ClusterStack', name: 's' }, store: { kind: 'ClusterStore', name: 'st' }, order: [] },
    };
    await kubectlOk(setup.kube, ['apply', '-f', '-'], JSON.stringify(builder));
    const patched = await client.patchStatus({ kind: 'Builder', namespace: 'client-ns', name: 'b', status: { latestImage: 'registry.test/b@sha256:00' } });
    expect(patched.status).toMatchObject({ latestImage: 'registry.test/b@sha256:00' });
    const listed = await client.list({ kind: 'Builder', namespace: 'client-ns' });
    expect(listed.items).toHaveLength(1);
  });

  it('watches from a resourceVersion and reports an expired one as GoneError', async () => {
    const start = await client.list({ kind: 'ClusterStore' });
    const events: WatchEvent[] = [];
    const handle = await client.watch({ kind: 'ClusterStore', resourceVersion: start.resourceVersion, onEvent: (e) => events.push(e) });
    await kubectlOk(setup.kube, ['apply', '-f', '-'], store('client-watch'));
    await kubectlOk(setup.kube, ['delete', 'clusterstore', 'client-watch']);
    await waitUntil(() => Promise.resolve(events.some((e) => e.type === 'DELETED')), {
      timeoutMs: 10_000,
      intervalMs: 50,
      describe: () => JSON.stringify(events.map((e) => e.type)),
    });
    expect(events.filter((e) => e.object.metadata.name === 'client-watch').map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    handle.stop();
    await handle.done;
    const gone = await client
      .watch({ kind: 'ClusterStore', resourceVersion: '1', onEvent: () => undefined })
      .then(async (h) => h.done)
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GoneError);
  });

  it('records an Event about an object', async () => {
    const regarding = await client.get({ kind: 'ClusterStore', name: 'client-get' });
    await client.createEvent({ regarding, type: 'Warning', reason: 'ReadFailed', message: 'registry.test answered 404' });
    const out = await kubectlOk(setup.kube, ['get', 'events', '-n', 'default', '-o', 'json']);
    const items = (JSON.parse(out) as { items: { reason: string; message: string; type: string; involvedObject: { name: string; kind: string } }[] }).items;
    expect(items).toContainEqual(expect.objectContaining({ reason: 'ReadFailed', type: 'Warning', message: 'registry.test answered 404' }));
    expect(items.find((i) => i.reason === 'ReadFailed')?.involvedObject).toMatchObject({ name: 'client-get', kind: 'ClusterStore' });
  });

  it('aggregates a repeated Event into one with a count, and keeps different messages apart', async () => {
    const regarding = await client.get({ kind: 'ClusterStore', name: 'client-get' });
    for (let i = 0; i < 3; i++) await client.createEvent({ regarding, type: 'Warning', reason: 'Repeated', message: 'same failure' });
    await client.createEvent({ regarding, type: 'Warning', reason: 'Repeated', message: 'another failure' });
    const out = await kubectlOk(setup.kube, ['get', 'events', '-n', 'default', '--field-selector', 'reason=Repeated', '-o', 'json']);
    const items = (JSON.parse(out) as { items: { message: string; count: number }[] }).items;
    expect(items.map((i) => [i.message, i.count]).sort()).toEqual([
      ['another failure', 1],
      ['same failure', 3],
    ]);
  });

  it('maps 403 to ForbiddenError and keeps Secret data out of every error', async () => {
    await kubectlOk(setup.kube, ['create', 'namespace', 'client-secrets']);
    await kubectlOk(setup.kube, ['create', 'secret', 'generic', 'creds', '-n', 'client-secrets', '--from-literal=password=hunter2-secret']);
    const nobody = createKubeClient(await connectAs(setup.kube, 'nobody', scratch));
    const forbidden = await nobody.get({ kind: 'Secret', namespace: 'client-secrets', name: 'creds' }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect((forbidden as Error).message).toContain('secrets "creds"');
    const invalid = await client
      .patchStatus({ kind: 'Secret', namespace: 'client-secrets', name: 'creds', status: { data: 'hunter2-secret' } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(Error);
    expect(JSON.stringify({ message: (invalid as Error).message, cause: String((invalid as Error).cause) })).not.toContain('hunter2');
    const secret = await client.get({ kind: 'Secret', namespace: 'client-secrets', name: 'creds' });
    expect(secret.data).toEqual({ password: Buffer.from('hunter2-secret').toString('base64') });
  });
});
