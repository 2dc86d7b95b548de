// `packsmith webhook --publish-ca-bundle` as a process against the real kube-apiserver: with the
// install manifests' CRDs and webhook configurations applied, it patches its own CA bundle into all
// of them, so the API server can verify the webhook it calls.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, removeDir, scratchDir, startKube, startProcess, waitUntil, type KubeHandle, type ManagedProcess } from '../harness/index.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const deployDir = fileURLToPath(new URL('../../config/deploy/', import.meta.url));
let kube: KubeHandle;
let dir: string;
let webhook: ManagedProcess | undefined;

beforeAll(async () => {
  [kube, dir] = await Promise.all([startKube(), scratchDir('webhook-publish')]);
  for (const file of ['00-namespace.yaml', '10-crds.yaml', '60-webhook-configurations.yaml']) {
    const applied = await kube.kubectl(['apply', '-f', join(deployDir, file)]);
    if (applied.code !== 0) throw new Error(`kubectl apply ${file}: ${applied.stderr}`);
  }
}, 180_000);

afterAll(async () => {
  await webhook?.stop();
  await kube?.stop();
  await removeDir(dir);
});

async function caBundles(): Promise<string[]> {
  const paths = [
    ['mutatingwebhookconfiguration', '{.items[*].webhooks[*].clientConfig.caBundle}'],
    ['validatingwebhookconfiguration', '{.items[*].webhooks[*].clientConfig.caBundle}'],
    ['crd', '{.items[?(@.spec.conversion.strategy=="Webhook")].spec.conversion.webhook.clientConfig.caBundle}'],
  ];
  const found: string[] = [];
  for (const [kind, jsonpath] of paths) {
    const out = await kube.kubectl(['get', kind!, '-o', `jsonpath=${jsonpath}`]);
    found.push(...out.stdout.split(/\s+/).filter(Boolean));
  }
  return found;
}

describe('packsmith webhook --publish-ca-bundle', () => {
  it('patches its CA bundle into every webhook configuration and conversion-webhook CRD', async () => {
    const port = await freePort();
    webhook = startProcess({
      command: process.execPath,
      args: [
        cli,
        'webhook',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--publish-ca-bundle',
        '--kubeconfig',
        kube.kubeconfigPath,
        '--ca-bundle-file',
        join(dir, 'ca.pem'),
      ],
      logFile: join(dir, 'webhook.log'),
    });
    const describeState = async (): Promise<string> => `${await webhook!.log()}\nbundles: ${(await caBundles()).length}`;
    await waitUntil(async () => (await webhook!.log()).includes('listening on'), { timeoutMs: 20_000, describe: describeState });
    // Every webhook of the two configurations (defaults; validation and delete protection), plus the CRDs that convert through the webhook.
    const names = async (kind: string, jsonpath: string): Promise<string[]> =>
      (await kube.kubectl(['get', kind, '-o', `jsonpath=${jsonpath}`])).stdout.split(/\s+/).filter(Boolean);
    const convertible = await names('crd', '{.items[?(@.spec.conversion.strategy=="Webhook")].metadata.name}');
    const webhooks = [
      ...(await names('mutatingwebhookconfiguration', '{.items[*].webhooks[*].name}')),
      ...(await names('validatingwebhookconfiguration', '{.items[*].webhooks[*].name}')),
    ];
    expect(convertible.length).toBeGreaterThan(0);
    expect(webhooks).toEqual(expect.arrayContaining(['protection.webhook.packsmith.kpack.io']));
    await waitUntil(async () => (await caBundles()).length === webhooks.length + convertible.length, { timeoutMs: 20_000, describe: describeState });
    const bundles = new Set(await caBundles());
    expect(bundles.size).toBe(1);
    expect(Buffer.from([...bundles][0]!, 'base64').toString()).toBe(await readFile(join(dir, 'ca.pem'), 'utf8'));
  });
});
