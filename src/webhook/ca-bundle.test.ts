import { describe, expect, it } from 'vitest';
import { caBundlePatches, CaBundlePublishError, defaultCaBundleTargets, publishCaBundle, type ResourcePatch } from './ca-bundle.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = Buffer.from(pem).toString('base64');

describe('caBundlePatches', () => {
  it('patches both webhook configurations by webhook name and the four convertible CRDs', () => {
    const patches = caBundlePatches(pem);
    expect(patches.map((p) => `${p.kind}/${p.name}`)).toEqual([
      'MutatingWebhookConfiguration/packsmith-defaults',
      'ValidatingWebhookConfiguration/packsmith-validation',
      'CustomResourceDefinition/clusterstores.kpack.io',
      'CustomResourceDefinition/clusterstacks.kpack.io',
      'CustomResourceDefinition/builders.kpack.io',
      'CustomResourceDefinition/clusterbuilders.kpack.io',
    ]);
    expect(patches[0]).toMatchObject({
      contentType: 'application/strategic-merge-patch+json',
      body: { webhooks: [{ name: 'defaults.webhook.packsmith.kpack.io', clientConfig: { caBundle: b64 } }] },
    });
    expect(patches[2]).toMatchObject({
      contentType: 'application/merge-patch+json',
      body: { spec: { conversion: { webhook: { clientConfig: { caBundle: b64 } } } } },
    });
    expect(defaultCaBundleTargets().crds).toHaveLength(4);
  });
});

describe('publishCaBundle', () => {
  it('tries every patch and names each failure', async () => {
    const applied: string[] = [];
    const patch = async (p: ResourcePatch): Promise<void> => {
      if (p.name.startsWith('builders')) throw new Error('forbidden');
      applied.push(p.name);
      return Promise.resolve();
    };
    const failure = await publishCaBundle(pem, patch).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CaBundlePublishError);
    expect((failure as CaBundlePublishError).failures).toEqual(['CustomResourceDefinition builders.kpack.io: forbidden']);
    expect((failure as CaBundlePublishError).retryable).toBe(true);
    expect(applied).toHaveLength(5);
  });

  it('resolves when every patch applied', async () => {
    const seen: ResourcePatch[] = [];
    await publishCaBundle(pem, (p) => Promise.resolve(void seen.push(p)), { mutating: [], validating: [], crds: ['x.kpack.io'] });
    expect(seen.map((p) => p.name)).toEqual(['x.kpack.io']);
  });
});
