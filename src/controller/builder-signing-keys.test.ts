import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import type { Resource } from '../api/index.ts';
import { signingErrorCodes } from '../app/index.ts';
import { errorCode } from '../shared/index.ts';
import { builderSigningKeys } from './builder-signing-keys.ts';
import type { CosignSecret } from './ports.ts';
import { encryptedTestKey } from './testdata/signing-key.ts';

const builder: Resource<'Builder'> = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Builder',
  metadata: { name: 'web', namespace: 'team' },
  spec: { tag: 'registry.test/web', serviceAccountName: 'signer', order: [] },
};

const source = (secrets: CosignSecret[], asked: unknown[] = []): { cosignSecretsFor: (ref: unknown) => Promise<CosignSecret[]> } => ({
  cosignSecretsFor: (ref) => {
    asked.push(ref);
    return Promise.resolve(secrets);
  },
});

describe('builderSigningKeys', () => {
  it("opens each cosign Secret of the builder's ServiceAccount and names it k8s://namespace/name", async () => {
    const asked: unknown[] = [];
    const plain = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const keys = await builderSigningKeys(
      builder,
      source(
        [
          { namespace: 'team', name: 'encrypted', key: encryptedTestKey.pem, password: encryptedTestKey.password },
          { namespace: 'team', name: 'plain', key: plain },
        ],
        asked,
      ),
    );
    expect(asked).toEqual([{ namespace: 'team', serviceAccount: 'signer' }]);
    expect(keys.map((k) => k.source)).toEqual(['k8s://team/encrypted', 'k8s://team/plain']);
  });

  it('says a missing cosign.password is missing, and a wrong one is wrong, without the password', async () => {
    const missing = await builderSigningKeys(builder, source([{ namespace: 'team', name: 's', key: encryptedTestKey.pem }])).catch((e: unknown) => e);
    expect(errorCode(missing)).toBe(signingErrorCodes.missingPassword);
    expect(String(missing)).toContain('signing key k8s://team/s: the key is encrypted and the Secret has no cosign.password');
    const wrong = await builderSigningKeys(builder, source([{ namespace: 'team', name: 's', key: encryptedTestKey.pem, password: 'hunter2' }])).catch(
      (e: unknown) => e,
    );
    expect(errorCode(wrong)).toBe(signingErrorCodes.wrongPassword);
    expect(String(wrong)).not.toContain('hunter2');
  });

  it("carries the Secret's signature repository and media types to the key", async () => {
    const [key] = await builderSigningKeys(
      builder,
      source([
        { namespace: 'team', name: 's', key: encryptedTestKey.pem, password: encryptedTestKey.password, repository: 'other.test/sigs', dockerMediaTypes: true },
      ]),
    );
    expect(key).toMatchObject({ source: 'k8s://team/s', artifactRepository: 'other.test/sigs', dockerMediaTypes: true });
  });

  it('has no keys without a source', async () => {
    expect(await builderSigningKeys(builder, undefined)).toEqual([]);
  });
});
