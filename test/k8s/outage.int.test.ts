// The informer through an API-server outage: a TCP proxy in front of the real kube-apiserver cuts
// every connection and refuses new ones for a while. The watch fails, lists fail with connection
// errors, the informer keeps retrying with backoff, and once the proxy accepts again it catches up
// with the changes made during the outage.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInformer, createKubeClient, loadKubeConfig, type InformerEvent } from '../../src/k8s/index.ts';
import { startTcpProxy, waitUntil } from '../harness/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;
let scratch: string;

beforeAll(async () => {
  setup = await setUpKube();
  scratch = await mkdtemp(join(tmpdir(), 'k8s-outage-'));
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await setup?.kube.stop();
});

describe('informer through an apiserver outage', () => {
  it('retries failed watches and lists with backoff and catches up afterwards', async () => {
    const proxy = await startTcpProxy(new URL(setup.kube.server));
    const path = join(scratch, 'kubeconfig');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'proxy',
      clusters: [{ name: 'proxy', cluster: { server: `https://127.0.0.1:${proxy.port}`, 'certificate-authority': setup.kube.caFile } }],
      users: [{ name: 'admin', user: { token: setup.kube.token } }],
      contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'admin' } }],
    };
    await writeFile(path, JSON.stringify(config), { mode: 0o600 });
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (message: string) => warnings.push(message),
      child: () => logger,
    };
    const informer = createInformer({
      client: createKubeClient(loadKubeConfig({ kubeconfig: path })),
      kind: 'ClusterStore',
      resyncMs: 0,
      logger,
      backoff: { initialMs: 100, maxMs: 400, factor: 2, jitter: 0 },
    });
    const events: InformerEvent[] = [];
    informer.subscribe((e) => events.push(e));
    const store = (name: string): string =>
      JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name }, spec: { sources: [{ image: 'registry.test/x:1' }] } });
    await kubectlOk(setup.kube, ['apply', '-f', '-'], store('outage-before'));
    informer.start();
    try {
      await informer.waitForSync();
      expect(informer.get('outage-before')).toBeDefined();
      await proxy.down();
      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('outage-during'));
      await kubectlOk(setup.kube, ['delete', 'clusterstore', 'outage-before']);
      // Several failed attempts while the proxy refuses connections.
      await waitUntil(() => Promise.resolve(warnings.length >= 3), { timeoutMs: 10_000, intervalMs: 50, describe: () => warnings.join('; ') });
      expect(informer.get('outage-during')).toBeUndefined();
      await proxy.up();
      await waitUntil(() => Promise.resolve(informer.get('outage-during') !== undefined && informer.get('outage-before') === undefined), {
        timeoutMs: 15_000,
        intervalMs: 50,
        describe: () => events.map((e) => `${e.type}:${e.key}`).join(' '),
      });
      expect(events.map((e) => `${e.type}:${e.key}`)).toEqual(expect.arrayContaining(['add:outage-during', 'delete:outage-before']));
      // Still watching after the outage: a new object arrives through the watch.
      await kubectlOk(setup.kube, ['apply', '-f', '-'], store('outage-after'));
      await waitUntil(() => Promise.resolve(informer.get('outage-after') !== undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
        describe: () => 'outage-after not seen',
      });
    } finally {
      await informer.stop();
      await proxy.down();
    }
  }, 60_000);
});
