/**
 * Puts packsmith's CRDs and webhook in front of a test kube-apiserver: applies the generated CRDs,
 * starts the webhook in this process on 127.0.0.1 with its own CA, switches the CRDs to the
 * conversion webhook, registers the admission webhooks by URL, and publishes the CA bundle through
 * the same patches the webhook applies in a cluster. Resolves once the API server uses all three.
 */
import { fileURLToPath } from 'node:url';
import { allCustomResourceDefinitions } from '../../src/api/index.ts';
import { createBuilderUsersLookup, imageReferenceChecks } from '../../src/compose.ts';
import {
  conversionClientConfig,
  generatedCertificateSource,
  type GeneratedLifetimes,
  mutatingWebhookConfiguration,
  publishCaBundle,
  startWebhookServer,
  urlEndpoint,
  validatingWebhookConfiguration,
  type PatchFunction,
  type UsersLookup,
  type WebhookServer,
} from '../../src/webhook/index.ts';
import { waitUntil, type KubeHandle } from '../harness/index.ts';

const crdDir = fileURLToPath(new URL('../../config/crds', import.meta.url));

async function kubectlOk(kube: KubeHandle, args: readonly string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A PatchFunction over the test apiserver's HTTPS API (what src/k8s will do with its client). */
export function kubePatch(kube: KubeHandle): PatchFunction {
  return async (patch) => {
    const response = await kube.request({
      path: `/apis/${patch.apiVersion}/${patch.resource}/${patch.name}`,
      method: 'PATCH',
      body: patch.body,
      contentType: patch.contentType,
    });
    if (response.status !== 200) throw new Error(`PATCH ${patch.resource}/${patch.name}: ${response.status} ${response.body}`);
  };
}

async function waitForWebhooks(kube: KubeHandle): Promise<void> {
  const probe = {
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'ClusterStore',
    metadata: { name: 'webhook-probe' },
    spec: { sources: [{ image: 'registry.test/probe:1' }], serviceAccountRef: { name: 'sa', namespace: 'default' } },
  };
  await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify(probe));
  // Admission: a dry-run of an invalid object is refused by our webhook. Conversion: listing in
  // v1alpha1 shows the probe with our annotation only once the CRD's webhook and caBundle are in force.
  await waitUntil(
    async () => {
      const invalid = await kube.request({
        path: '/apis/kpack.io/v1alpha2/clusterlifecycles?dryRun=All',
        method: 'POST',
        body: { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterLifecycle', metadata: { name: 'probe' }, spec: {} },
      });
      const listed = await kube.request({ path: '/apis/kpack.io/v1alpha1/clusterstores' });
      return (
        invalid.body.includes('validation.webhook.packsmith.kpack.io') && listed.status === 200 && listed.body.includes('packsmith.kpack.io/v1alpha2-fields')
      );
    },
    { timeoutMs: 30_000, intervalMs: 200, describe: async () => kube.logs() },
  );
  await kubectlOk(kube, ['delete', 'clusterstore', 'webhook-probe']);
}

/** The webhook's clock and certificate lifetimes, so a test can make it renew its CA. */
export interface RegisterOptions {
  now?: () => Date;
  lifetimes?: GeneratedLifetimes;
  /** In-use lookup; default: builders listed from `kube`. */
  usersOf?: UsersLookup;
}

/**
 * Registers a freshly started webhook with `kube`; the caller closes the returned server. The
 * server publishes every CA bundle itself, through the caBundle patches.
 */
export async function registerWebhook(kube: KubeHandle, options: RegisterOptions = {}): Promise<WebhookServer> {
  await kubectlOk(kube, ['apply', '-f', crdDir]);
  await kubectlOk(kube, ['wait', '--for=condition=Established', '-f', crdDir, '--timeout=60s']);
  const server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    certificates: generatedCertificateSource(['127.0.0.1'], options.lifetimes),
    referenceChecks: imageReferenceChecks,
    usersOf: options.usersOf ?? createBuilderUsersLookup({ kubeconfig: kube.kubeconfigPath }),
    now: options.now,
    onCaBundle: async (bundle) => publishCaBundle(bundle, kubePatch(kube)),
  });
  try {
    // Registered without a CA first, then patched, as a cluster install does.
    const endpoint = urlEndpoint(server.url);
    const objects = [
      ...allCustomResourceDefinitions({ conversionClientConfig: conversionClientConfig(endpoint) }),
      mutatingWebhookConfiguration(endpoint),
      validatingWebhookConfiguration(endpoint),
    ];
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    // Publishing at start failed (nothing was registered yet); a refresh retries it, as the timer would.
    await server.refresh();
    await waitForWebhooks(kube);
    return server;
  } catch (error) {
    await server.close();
    throw error;
  }
}
