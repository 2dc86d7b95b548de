// The installation manifests against a real kube-apiserver: `packsmith install --print` applies
// cleanly, and the RBAC it creates lets the controller and the webhook do their jobs and no more
// (checked with `kubectl auth can-i` and by applying the webhook's own caBundle patches as its
// service account).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caBundlePatches, createCertificateAuthority } from '../../src/webhook/index.ts';
import { runCommand, startKube, type KubeHandle } from '../harness/index.ts';

let kube: KubeHandle;
const controller = 'system:serviceaccount:packsmith:packsmith-controller';
const webhook = 'system:serviceaccount:packsmith:packsmith-webhook';

beforeAll(async () => {
  kube = await startKube();
});

afterAll(async () => {
  await kube?.stop();
});

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function canI(as: string, ...args: string[]): Promise<string> {
  const result = await kube.kubectl(['auth', 'can-i', `--as=${as}`, ...args]);
  return result.stdout.trim();
}

describe('packsmith install --print against the real API server', () => {
  it('applies: namespace, CRDs, RBAC, Deployments, Service, default ClusterLifecycle, webhook registrations', async () => {
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    // The steps `packsmith install --help` documents.
    const crdsOnly = await runCommand(process.execPath, [cli, 'install', '--print', '--crds-only']);
    expect(crdsOnly.code, crdsOnly.stderr).toBe(0);
    expect((await kubectlOk(['apply', '-f', '-'], crdsOnly.stdout)).match(/created/g)).toHaveLength(7);
    await kubectlOk(['wait', '--for=condition=Established', 'crd', '-l', 'app.kubernetes.io/part-of=packsmith', '--timeout=60s']);
    const printed = await runCommand(process.execPath, [cli, 'install', '--print']);
    expect(printed.code, printed.stderr).toBe(0);
    const out = await kubectlOk(['apply', '-f', '-'], printed.stdout);
    expect(out).toContain('namespace/packsmith created');
    expect(out).toContain('deployment.apps/packsmith-webhook created');
    expect(out).toContain('clusterlifecycle.kpack.io/default-lifecycle created');
    expect(out).toContain('validatingwebhookconfiguration.admissionregistration.k8s.io/packsmith-validation created');
    const lifecycle = JSON.parse(await kubectlOk(['get', 'clusterlifecycle', 'default-lifecycle', '-o', 'json'])) as { spec: { image: string } };
    expect(lifecycle.spec.image).toBe('mirror.gcr.io/buildpacksio/lifecycle:0.21.17');
    const crd = JSON.parse(await kubectlOk(['get', 'crd', 'builders.kpack.io', '-o', 'json'])) as { spec: { conversion: unknown } };
    expect(crd.spec.conversion).toMatchObject({
      strategy: 'Webhook',
      webhook: { clientConfig: { service: { name: 'packsmith-webhook', namespace: 'packsmith', path: '/convert' } } },
    });
  });

  it('lets the controller read the kinds, patch status, read and watch credentials and hold a lease, and nothing more', async () => {
    expect(await canI(controller, 'list', 'builders.kpack.io', '-A')).toBe('yes');
    expect(await canI(controller, 'watch', 'clusterstores.kpack.io')).toBe('yes');
    expect(await canI(controller, 'patch', 'builders.kpack.io', '--subresource=status', '-n', 'team')).toBe('yes');
    expect(await canI(controller, 'patch', 'builders.kpack.io', '-n', 'team')).toBe('no');
    expect(await canI(controller, 'update', 'clusterbuilders.kpack.io')).toBe('no');
    expect(await canI(controller, 'get', 'secrets', '-n', 'team')).toBe('yes');
    // Watched cluster-wide so that a fixed Secret re-reconciles its users; never written.
    expect(await canI(controller, 'watch', 'secrets', '-A')).toBe('yes');
    expect(await canI(controller, 'list', 'serviceaccounts', '-A')).toBe('yes');
    expect(await canI(controller, 'update', 'secrets', '-n', 'team')).toBe('no');
    expect(await canI(controller, 'create', 'serviceaccounts', '-n', 'team')).toBe('no');
    expect(await canI(controller, 'create', 'events', '-n', 'team')).toBe('yes');
    expect(await canI(controller, 'update', 'leases.coordination.k8s.io', '-n', 'packsmith')).toBe('yes');
    expect(await canI(controller, 'update', 'leases.coordination.k8s.io', '-n', 'default')).toBe('no');
    expect(await canI(controller, 'delete', 'builders.kpack.io', '-n', 'team')).toBe('no');
  });

  it('lets the webhook patch its CA bundle into its own registrations and CRDs only', async () => {
    const ca = createCertificateAuthority({ commonName: 'install test CA', now: new Date(), validityMs: 86_400_000 });
    for (const patch of caBundlePatches(ca.certPem)) {
      const type = patch.contentType === 'application/merge-patch+json' ? 'merge' : 'strategic';
      await kubectlOk([
        'patch',
        `${patch.resource}.${patch.apiVersion.split('/')[0]}`,
        patch.name,
        `--as=${webhook}`,
        `--type=${type}`,
        '-p',
        JSON.stringify(patch.body),
      ]);
    }
    const config = JSON.parse(await kubectlOk(['get', 'mutatingwebhookconfiguration', 'packsmith-defaults', '-o', 'json'])) as {
      webhooks: Array<{ clientConfig: { caBundle?: string; service?: unknown } }>;
    };
    expect(config.webhooks).toHaveLength(1);
    expect(Buffer.from(config.webhooks[0]!.clientConfig.caBundle!, 'base64').toString()).toBe(ca.certPem);
    expect(config.webhooks[0]!.clientConfig.service).toMatchObject({ name: 'packsmith-webhook', path: '/defaults' });
    expect(await canI(webhook, 'patch', 'customresourcedefinitions.apiextensions.k8s.io/buildpacks.kpack.io')).toBe('no');
    expect(await canI(webhook, 'patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/someone-else')).toBe('no');
    expect(await canI(webhook, 'get', 'secrets', '-n', 'packsmith')).toBe('no');
    // In-use protection: the webhook lists builders in every namespace, and may not change them.
    expect(await canI(webhook, 'list', 'builders.kpack.io', '--all-namespaces')).toBe('yes');
    expect(await canI(webhook, 'list', 'clusterbuilders.kpack.io')).toBe('yes');
    expect(await canI(webhook, 'delete', 'builders.kpack.io', '-n', 'team')).toBe('no');
    expect(await canI(webhook, 'list', 'clusterstores.kpack.io')).toBe('no');
  });
});
