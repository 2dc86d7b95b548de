import { describe, expect, it } from 'vitest';
import { Credentials, staticKeychain } from '../oci/index.ts';
import { NotFoundError, ValidationError } from '../shared/index.ts';
import type { GetRequest } from './client.ts';
import { createKeychainFactory } from './keychain.ts';
import type { KubeObject } from './types.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

function secret(name: string, type: string, data: Record<string, string>, annotations?: Record<string, string>): KubeObject {
  return {
    kind: 'Secret',
    metadata: { name, namespace: 'ns', ...(annotations ? { annotations } : {}) },
    type,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

const dockerconfigjson = (auths: Record<string, { username: string; password: string }>): Record<string, string> => ({
  '.dockerconfigjson': JSON.stringify({ auths: Object.fromEntries(Object.entries(auths).map(([k, v]) => [k, { auth: b64(`${v.username}:${v.password}`) }])) }),
});

/** Objects by `Kind/name` in namespace `ns`; records every read. */
function store(objects: KubeObject[]): { get: (r: GetRequest) => Promise<KubeObject>; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    get: (r) => {
      reads.push(`${r.kind}/${r.namespace ?? ''}/${r.name}`);
      const found = objects.find((o) => (o.kind ?? '') === r.kind && o.metadata.name === r.name && r.namespace === 'ns');
      return found ? Promise.resolve(found) : Promise.reject(new NotFoundError(`${r.kind} ${r.name} not found`));
    },
  };
}

const sa = (name: string, secrets: string[], pull: string[] = []): KubeObject => ({
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'ns' },
  secrets: secrets.map((n) => ({ name: n })),
  imagePullSecrets: pull.map((n) => ({ name: n })),
});

const userOf = async (keychain: { resolve(r: string): Promise<Credentials> }, registry: string): Promise<string | undefined> =>
  (await keychain.resolve(registry)).username;

describe('createKeychainFactory', () => {
  it('reads annotated basic-auth, dockerconfigjson and dockercfg secrets of the service account; the first secret per registry wins', async () => {
    const objects = [
      sa('builder-sa', ['basic', 'unannotated', 'json', 'cfg', 'missing']),
      secret('basic', 'kubernetes.io/basic-auth', { username: 'basic-user', password: 'p1' }, { 'kpack.io/docker': 'registry.one:5000' }),
      secret('unannotated', 'kubernetes.io/basic-auth', { username: 'ignored', password: 'x' }),
      secret(
        'json',
        'kubernetes.io/dockerconfigjson',
        dockerconfigjson({ 'https://registry.one:5000': { username: 'later', password: 'x' }, 'registry.two': { username: 'json-user', password: 'p2' } }),
      ),
      secret('cfg', 'kubernetes.io/dockercfg', { '.dockercfg': JSON.stringify({ 'https://index.docker.io/v1/': { auth: b64('hub-user:p3') } }) }),
    ];
    const keychain = await createKeychainFactory({ client: store(objects) }).keychainFor({ namespace: 'ns', serviceAccount: 'builder-sa' });
    expect(await userOf(keychain, 'registry.one:5000')).toBe('basic-user');
    expect((await keychain.resolve('registry.one:5000')).password).toBe('p1');
    expect(await userOf(keychain, 'registry.two')).toBe('json-user');
    expect(await userOf(keychain, 'docker.io')).toBe('hub-user');
    expect((await keychain.resolve('registry.three')).isAnonymous).toBe(true);
  });

  it('uses the default service account, then controller-wide credentials, then pull secrets (explicit first)', async () => {
    const objects = [
      sa('default', ['own'], ['sa-pull']),
      secret('own', 'kubernetes.io/dockerconfigjson', dockerconfigjson({ 'own.registry': { username: 'own', password: 'x' } })),
      secret(
        'sa-pull',
        'kubernetes.io/dockerconfigjson',
        dockerconfigjson({ 'pull.registry': { username: 'sa-pull', password: 'x' }, 'shared.registry': { username: 'sa-pull', password: 'x' } }),
      ),
      secret('explicit', 'kubernetes.io/dockerconfigjson', dockerconfigjson({ 'pull.registry': { username: 'explicit', password: 'x' } })),
      secret('pull-basic', 'kubernetes.io/basic-auth', { username: 'never', password: 'x' }, { 'kpack.io/docker': 'basic.registry' }),
    ];
    const controllerKeychain = staticKeychain({ 'shared.registry': Credentials.of({ username: 'controller', password: 'x' }) });
    const { get, reads } = store(objects);
    const keychain = await createKeychainFactory({ client: { get }, controllerKeychain }).keychainFor({
      namespace: 'ns',
      imagePullSecrets: ['explicit', 'pull-basic'],
    });
    expect(reads).toContain('ServiceAccount/ns/default');
    expect(await userOf(keychain, 'own.registry')).toBe('own');
    expect(await userOf(keychain, 'pull.registry')).toBe('explicit');
    expect(await userOf(keychain, 'shared.registry')).toBe('controller');
    expect((await keychain.resolve('basic.registry')).isAnonymous).toBe(true);
  });

  it('treats a missing service account as no credentials, and a non-namespaced ref as controller-wide only', async () => {
    const controllerKeychain = staticKeychain({ '*': Credentials.of({ username: 'controller', password: 'x' }) });
    const { get, reads } = store([]);
    const factory = createKeychainFactory({ client: { get }, controllerKeychain });
    expect(await userOf(await factory.keychainFor({ namespace: 'ns', serviceAccount: 'gone' }), 'any.registry')).toBe('controller');
    const before = reads.length;
    expect(await userOf(await factory.keychainFor({ serviceAccount: 'ignored' }), 'any.registry')).toBe('controller');
    expect(reads.length).toBe(before);
  });

  it('reports a malformed dockerconfigjson by secret and field, without its contents', async () => {
    const objects = [sa('default', ['broken']), secret('broken', 'kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{"auths": s3cr3t' })];
    const error = await createKeychainFactory({ client: store(objects) })
      .keychainFor({ namespace: 'ns' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('secret ns/broken data..dockerconfigjson');
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
