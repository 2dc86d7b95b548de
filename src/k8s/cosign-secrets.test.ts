import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../shared/index.ts';
import type { GetRequest } from './client.ts';
import { createCosignSecretReader } from './cosign-secrets.ts';
import type { KubeObject } from './types.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

const secret = (name: string, data: Record<string, string>): KubeObject => ({
  kind: 'Secret',
  metadata: { name, namespace: 'ns' },
  type: 'Opaque',
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});

function client(objects: KubeObject[]): { get: (r: GetRequest) => Promise<KubeObject> } {
  return {
    get: (r) => {
      const found = objects.find((o) => o.kind === r.kind && o.metadata.name === r.name && r.namespace === 'ns');
      return found ? Promise.resolve(found) : Promise.reject(new NotFoundError(`${r.kind} ${r.name} not found`));
    },
  };
}

describe('cosign Secrets of a ServiceAccount', () => {
  const account: KubeObject = {
    kind: 'ServiceAccount',
    metadata: { name: 'builder-sa', namespace: 'ns' },
    secrets: [{ name: 'registry' }, { name: 'signing' }, { name: 'gone' }, { name: 'no-password' }],
    imagePullSecrets: [{ name: 'pull-signing' }],
  };
  const objects = [
    account,
    secret('registry', { '.dockerconfigjson': '{}' }),
    secret('signing', { 'cosign.key': 'PEM-1', 'cosign.password': 'pw' }),
    secret('no-password', { 'cosign.key': 'PEM-2' }),
    secret('pull-signing', { 'cosign.key': 'PEM-3' }),
  ];

  it("reads every Secret in the account's secrets with cosign.key, decoded, skipping missing ones and pull secrets", async () => {
    const reader = createCosignSecretReader({ client: client(objects) });
    expect(await reader.cosignSecretsFor({ namespace: 'ns', serviceAccount: 'builder-sa' })).toEqual([
      { namespace: 'ns', name: 'signing', key: 'PEM-1', password: 'pw' },
      { namespace: 'ns', name: 'no-password', key: 'PEM-2' },
    ]);
  });

  it("reads kpack's cosign.repository and cosign.docker-media-types annotations", async () => {
    const annotated: KubeObject = {
      ...secret('annotated', { 'cosign.key': 'PEM' }),
      metadata: {
        name: 'annotated',
        namespace: 'ns',
        annotations: { 'kpack.io/cosign.repository': 'other.test/sigs', 'kpack.io/cosign.docker-media-types': '1' },
      },
    };
    const sa: KubeObject = { kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'ns' }, secrets: [{ name: 'annotated' }] };
    const reader = createCosignSecretReader({ client: client([sa, annotated]) });
    expect(await reader.cosignSecretsFor({ namespace: 'ns', serviceAccount: 'a' })).toEqual([
      { namespace: 'ns', name: 'annotated', key: 'PEM', repository: 'other.test/sigs', dockerMediaTypes: true },
    ]);
  });

  it('has no keys without a namespace or without the ServiceAccount', async () => {
    const reader = createCosignSecretReader({ client: client(objects) });
    expect(await reader.cosignSecretsFor({})).toEqual([]);
    expect(await reader.cosignSecretsFor({ namespace: 'ns', serviceAccount: 'missing' })).toEqual([]);
  });
});
