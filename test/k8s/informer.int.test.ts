// The informer against the real kube-apiserver: create/update/delete of a ClusterStore reach the
// cache and the handlers; after the watch is cut and the next one asks for an expired
// resourceVersion (a real 410 Gone), the informer relists and reports what changed meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInformer, createKubeClient, type InformerEvent, type KubeClient, type WatchHandle } from '../../src/k8s/index.ts';
import { waitUntil } from '../harness/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;

beforeAll(async () => {
  setup = await setUpKube();
}, 120_000);

afterAll(async () => {
  await setup?.kube.stop();
});

/** The real client, with a way to cut the running watch and to make the next one start from an expired version. */
function interruptible(client: KubeClient): { client: KubeClient; cut: (expire: boolean) => void; watchVersions: string[] } {
  let current: WatchHandle | undefined;
  let expireNext = false;
  const watchVersions: string[] = [];
  return {
    watchVersions,
    cut: (expire) => {
      expireNext = expire;
      current?.stop();
    },
    client: {
      ...client,
      get: (r) => client.get(r),
      list: (r) => client.list(r),
      patchStatus: (r) => client.patchStatus(r),
      createEvent: (r) => client.createEvent(r),
      watch: async (request) => {
        const resourceVersion = expireNext ? '1' : request.resourceVersion;
        expireNext = false;
        watchVersions.push(resourceVersion);
        current = await client.watch({ ...request, resourceVersion });
        return current;
      },
    },
  };
}

const store = (name: string, image: string): string =>
  JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name }, spec: { sources: [{ image }] } });

describe('informer against the real apiserver', () => {
  it('sees create, update and delete, and survives a cut watch and a 410 relist', async () => {
    await kubectlOk(setup.kube, ['apply', '-f', '-'], store('inf-before', 'registry.test/a:1'));
    const wrapped = interruptible(createKubeClient(setup.connection));
    const informer = createInformer({
      client: wrapped.client,
      kind: 'ClusterStore',
      resyncMs: 0,
      backoff: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0 },
    });
    const events: InformerEvent[] = [];
    informer.subscribe((e) => events.push(e));
    const seen = (type: string, key: string): Promise<void> =>
      waitUntil(() => Promise.resolve(events.some((e) => e.type === type && e.key === key)), {
        timeoutMs: 15_000,
        intervalMs: 50,
        describe: () => events.map((e) => `${e.type}:${e.key}`).join(' '),
      });
    informer.start();
    try {
      await informer.waitForSync();
      expect(informer.get('inf-before')?.spec).toEqual({ sources: [{ image: 'registry.test/a:1' }] });
      expect(events).toContainEqual(expect.objectContaining({ type: 'add', key: 'inf-before' }));

      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('inf-live', 'registry.test/b:1'));
      await seen('add', 'inf-live');
      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('inf-live', 'registry.test/b:2'));
      await seen('update', 'inf-live');
      expect(informer.get('inf-live')?.spec).toEqual({ sources: [{ image: 'registry.test/b:2' }] });
      await kubectlOk(setup.kube, ['delete', 'clusterstore', 'inf-live']);
      await seen('delete', 'inf-live');
      expect(informer.get('inf-live')).toBeUndefined();

      // Cut the watch: the informer watches again from where it was and misses nothing.
      wrapped.cut(false);
      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('inf-after-cut', 'registry.test/c:1'));
      await seen('add', 'inf-after-cut');
      expect(wrapped.watchVersions.length).toBeGreaterThanOrEqual(2);

      // Cut it and force an expired version: the apiserver answers 410 and the informer relists.
      const listsBefore = wrapped.watchVersions.length;
      wrapped.cut(true);
      await kubectlOk(setup.kube, ['delete', 'clusterstore', 'inf-before']);
      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('inf-after-gone', 'registry.test/d:1'));
      await seen('delete', 'inf-before');
      await seen('add', 'inf-after-gone');
      expect(wrapped.watchVersions.slice(listsBefore)).toContain('1');
      expect(
        informer
          .list()
          .map((o) => o.metadata.name)
          .filter((n) => n.startsWith('inf-'))
          .sort(),
      ).toEqual(['inf-after-cut', 'inf-after-gone']);
      expect(informer.hasSynced()).toBe(true);
    } finally {
      await informer.stop();
    }
  });

  it('informs about Secrets of one namespace, with kind and apiVersion filled in', async () => {
    await kubectlOk(setup.kube, ['create', 'namespace', 'inf-secrets']);
    await kubectlOk(setup.kube, ['create', 'namespace', 'inf-other']);
    await kubectlOk(setup.kube, ['create', 'secret', 'generic', 'one', '-n', 'inf-secrets', '--from-literal=a=b']);
    await kubectlOk(setup.kube, ['create', 'secret', 'generic', 'elsewhere', '-n', 'inf-other', '--from-literal=a=b']);
    const informer = createInformer({ client: createKubeClient(setup.connection), kind: 'Secret', namespace: 'inf-secrets', resyncMs: 0 });
    const keys: string[] = [];
    informer.subscribe((e) => keys.push(`${e.type}:${e.key}`));
    informer.start();
    try {
      await informer.waitForSync();
      expect(informer.get('inf-secrets/one')).toMatchObject({ kind: 'Secret', apiVersion: 'v1', data: { a: 'Yg==' } });
      await kubectlOk(setup.kube, ['create', 'secret', 'generic', 'two', '-n', 'inf-secrets', '--from-literal=a=c']);
      await waitUntil(() => Promise.resolve(keys.includes('add:inf-secrets/two')), { timeoutMs: 15_000, intervalMs: 50, describe: () => keys.join(' ') });
      expect(
        informer
          .list()
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['one', 'two']);
    } finally {
      await informer.stop();
    }
  });
});
