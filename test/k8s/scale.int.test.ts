// Scale check of the adapter against the real kube-apiserver at the size of the controller benchmark:
// an informer syncs 200 Builders, 200 status patches (10 at a time) all arrive as updates, and the
// work queue de-duplicates the resulting keys. Timings are printed for the issue note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInformer, createKubeClient, createWorkQueue, type KubeClient } from '../../src/k8s/index.ts';
import { waitUntil } from '../harness/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;
let client: KubeClient;
const count = 200;
const ns = 'scale-test';

beforeAll(async () => {
  setup = await setUpKube();
  client = createKubeClient(setup.connection);
  await kubectlOk(setup.kube, ['create', 'namespace', ns]);
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'Builder',
    metadata: { name: `b-${i}`, namespace: ns },
    spec: { tag: `registry.test/b-${i}`, stack: { kind: 'ClusterStack', name: 's' }, store: { kind: 'ClusterStore', name: 'st' }, order: [] },
  }));
  await kubectlOk(setup.kube, ['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
}, 180_000);

afterAll(async () => {
  await setup?.kube.stop();
});

describe('adapter at benchmark scale', () => {
  it('syncs 200 Builders, sees 200 status patches, and queues each key once', async () => {
    const queue = createWorkQueue();
    const informer = createInformer({ client, kind: 'Builder', namespace: ns, resyncMs: 0 });
    let updates = 0;
    informer.subscribe((e) => {
      if (e.type === 'update') updates++;
      queue.add(e.key);
    });
    const started = performance.now();
    informer.start();
    try {
      await informer.waitForSync();
      const syncMs = performance.now() - started;
      expect(informer.list()).toHaveLength(count);
      expect(queue.length).toBe(count);
      const patchStart = performance.now();
      const names = informer.list().map((o) => o.metadata.name);
      for (let i = 0; i < names.length; i += 10) {
        await Promise.all(
          names
            .slice(i, i + 10)
            .map(async (name) => client.patchStatus({ kind: 'Builder', namespace: ns, name, status: { latestImage: `registry.test/${name}@sha256:01` } })),
        );
      }
      const patchMs = performance.now() - patchStart;
      await waitUntil(() => Promise.resolve(updates >= count), { timeoutMs: 30_000, intervalMs: 50, describe: () => `${updates} updates` });
      const seenMs = performance.now() - patchStart;
      // Every key was already waiting: the updates added nothing.
      expect(queue.length).toBe(count);
      expect(informer.list().every((o) => (o.status as { latestImage?: string } | undefined)?.latestImage?.endsWith('@sha256:01'))).toBe(true);
      console.log(
        `scale: informer sync of ${count} Builders ${syncMs.toFixed(0)} ms; ${count} status patches ${patchMs.toFixed(0)} ms; all updates seen after ${seenMs.toFixed(0)} ms`,
      );
    } finally {
      await informer.stop();
      await queue.shutDown({ drain: false });
    }
  }, 120_000);
});
