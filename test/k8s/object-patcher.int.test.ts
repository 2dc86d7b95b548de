// The webhook's CA bundle reaches its registrations and the CRDs' conversion settings through the
// Kubernetes adapter's object patcher, against the real kube-apiserver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterObjectPatcher } from '../../src/k8s/index.ts';
import { publishCaBundle, type CaBundleTargets } from '../../src/webhook/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;

beforeAll(async () => {
  setup = await setUpKube();
}, 120_000);

afterAll(async () => {
  await setup?.kube.stop();
});

const registration = (kind: string, name: string): string =>
  JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      {
        name: 'check.patcher.packsmith.dev',
        clientConfig: { url: 'https://127.0.0.1:1/check' },
        rules: [{ apiGroups: ['patcher.packsmith.dev'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets'] }],
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Ignore',
      },
    ],
  });

describe('createClusterObjectPatcher', () => {
  it('publishes a CA bundle into mutating and validating webhook configurations', async () => {
    await kubectlOk(setup.kube, ['apply', '-f', '-'], registration('MutatingWebhookConfiguration', 'patcher-mutating'));
    await kubectlOk(setup.kube, ['apply', '-f', '-'], registration('ValidatingWebhookConfiguration', 'patcher-validating'));
    const targets: CaBundleTargets = {
      mutating: [{ name: 'patcher-mutating', webhooks: ['check.patcher.packsmith.dev'] }],
      validating: [{ name: 'patcher-validating', webhooks: ['check.patcher.packsmith.dev'] }],
      crds: [],
    };
    const pem = '-----BEGIN CERTIFICATE-----\nnot-a-real-certificate\n-----END CERTIFICATE-----\n';
    await publishCaBundle(pem, createClusterObjectPatcher(setup.connection), targets);
    for (const kind of ['mutatingwebhookconfiguration/patcher-mutating', 'validatingwebhookconfiguration/patcher-validating']) {
      const out = await kubectlOk(setup.kube, ['get', kind, '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}']);
      expect(Buffer.from(out.trim(), 'base64').toString()).toBe(pem);
    }
  });

  it('reports a missing object by name', async () => {
    const patch = createClusterObjectPatcher(setup.connection);
    const targets: CaBundleTargets = { mutating: [{ name: 'no-such-configuration', webhooks: ['x'] }], validating: [], crds: [] };
    await expect(publishCaBundle('pem', patch, targets)).rejects.toThrow(/MutatingWebhookConfiguration no-such-configuration/);
  });
});
