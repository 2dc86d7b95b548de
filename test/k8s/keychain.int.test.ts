// Keychains from real ServiceAccounts and Secrets in the real kube-apiserver, used against the real
// docker-registry with htpasswd Basic auth: the service account's annotated basic-auth Secret
// pushes, a dockerconfigjson pull secret pushes, and a wrong password is refused with 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialRefOf } from '../../src/api/index.ts';
import { createKeychainFactory, createKubeClient, type KeychainFactory } from '../../src/k8s/index.ts';
import { RegistryError, RegistryTransport, pushImage, type Keychain } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import { startRegistry, type RegistryHandle } from '../harness/index.ts';
import { kubectlOk, setUpKube, type KubeSetup } from './setup.ts';

let setup: KubeSetup;
let registry: RegistryHandle;
let factory: KeychainFactory;
const transports: RegistryTransport[] = [];

const ns = 'keychain-test';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

beforeAll(async () => {
  [setup, registry] = await Promise.all([setUpKube(), startRegistry({ mode: 'basic' })]);
  factory = createKeychainFactory({ client: createKubeClient(setup.connection) });
  const user = registry.username ?? '';
  const password = registry.password ?? '';
  const dockerconfig = JSON.stringify({ auths: { [`https://${registry.host}`]: { auth: b64(`${user}:${password}`) } } });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/basic-auth',
      metadata: { name: 'registry-basic', namespace: ns, annotations: { 'kpack.io/docker': registry.host } },
      stringData: { username: user, password },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/basic-auth',
      metadata: { name: 'registry-wrong', namespace: ns, annotations: { 'kpack.io/docker': registry.host } },
      stringData: { username: user, password: 'not-the-password' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'pull', namespace: ns },
      stringData: { '.dockerconfigjson': dockerconfig },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder-sa', namespace: ns },
      secrets: [{ name: 'registry-basic' }, { name: 'registry-wrong' }],
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'wrong-sa', namespace: ns },
      secrets: [{ name: 'registry-wrong' }],
      imagePullSecrets: [{ name: 'pull' }],
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pull-sa', namespace: ns }, imagePullSecrets: [{ name: 'pull' }] },
  ];
  await kubectlOk(setup.kube, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
}, 120_000);

afterAll(async () => {
  await Promise.all(transports.map(async (t) => t.close()));
  await registry?.stop();
  await setup?.kube.stop();
});

async function push(keychain: Keychain, repository: string): Promise<string> {
  const transport = new RegistryTransport({ keychain });
  transports.push(transport);
  const result = await pushImage(randomImage(7, { layers: 1 }), `${registry.host}/${repository}:v1`, { transport });
  return result.digest;
}

describe('keychains from ServiceAccounts against the real registry', () => {
  it('a Builder with serviceAccountName pushes with the annotated basic-auth Secret (first secret wins)', async () => {
    const builder = { kind: 'Builder', metadata: { name: 'b', namespace: ns }, spec: { serviceAccountName: 'builder-sa' } };
    const keychain = await factory.keychainFor(credentialRefOf(builder));
    const credentials = await keychain.resolve(registry.host);
    expect(credentials.username).toBe(registry.username);
    expect(String(credentials)).not.toContain(registry.password ?? '?');
    expect(await push(keychain, 'k8s/basic')).toMatch(/^sha256:/);
  });

  it('a ClusterBuilder serviceAccountRef reaches pull secrets (dockerconfigjson) of that account', async () => {
    const clusterBuilder = { kind: 'ClusterBuilder', metadata: { name: 'cb' }, spec: { serviceAccountRef: { name: 'pull-sa', namespace: ns } } };
    const keychain = await factory.keychainFor(credentialRefOf(clusterBuilder));
    expect(await push(keychain, 'k8s/pull')).toMatch(/^sha256:/);
  });

  it('a wrong password in the service account Secret wins over the pull secret and the registry answers 401', async () => {
    const keychain = await factory.keychainFor({ namespace: ns, serviceAccount: 'wrong-sa' });
    const error = await push(keychain, 'k8s/wrong').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('a missing service account is no error: its keychain answers anonymous', async () => {
    const keychain = await factory.keychainFor({ namespace: ns, serviceAccount: 'absent' });
    expect((await keychain.resolve(registry.host)).isAnonymous).toBe(true);
  });
});
