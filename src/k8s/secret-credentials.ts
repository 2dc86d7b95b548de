/**
 * Registry credentials carried by Kubernetes Secrets, per kpack-behaviour §5.7: basic-auth Secrets
 * annotated `kpack.io/docker` (the annotation names the registry), `kubernetes.io/dockerconfigjson`
 * (every `auths` entry) and `kubernetes.io/dockercfg` (the top-level map). Errors name the Secret and
 * the field, never a value.
 */
import { asError, isJsonObject, ValidationError } from '../shared/index.ts';
import { credentialsFromEntry, normalizeRegistryKey, parseDockerConfig, type Credentials, type DockerAuthEntry } from '../oci/index.ts';
import type { KubeObject } from './types.ts';

/** The annotation that marks a basic-auth Secret as registry credentials; its value is the registry. */
export const dockerSecretAnnotation = 'kpack.io/docker';

/** Which Secret types count: pull secrets (k8schain) ignore basic-auth Secrets. */
export interface SecretKinds {
  basicAuth: boolean;
}

/**
 * Credentials per normalised registry host from `secrets`, in order; for a registry several secrets
 * name, the first one wins (kpack's merge rule). Secrets of other types are ignored.
 */
export function credentialsOfSecrets(secrets: readonly KubeObject[], kinds: SecretKinds): Map<string, Credentials> {
  const byRegistry = new Map<string, Credentials>();
  for (const secret of secrets) {
    for (const [registry, entry] of entriesOf(secret, kinds)) {
      const key = normalizeRegistryKey(registry);
      if (key !== '' && !byRegistry.has(key)) byRegistry.set(key, credentialsFromEntry(entry));
    }
  }
  return byRegistry;
}

function entriesOf(secret: KubeObject, kinds: SecretKinds): [string, DockerAuthEntry][] {
  const type = secret.type;
  if (type === 'kubernetes.io/basic-auth') return kinds.basicAuth ? basicAuthEntries(secret) : [];
  if (type === 'kubernetes.io/dockerconfigjson') {
    const config = parseDockerConfig(decodeJson(secret, '.dockerconfigjson'), secretName(secret));
    return Object.entries(config.auths ?? {});
  }
  if (type === 'kubernetes.io/dockercfg') {
    // The legacy format is the bare `auths` map.
    const config = parseDockerConfig({ auths: decodeJson(secret, '.dockercfg') }, secretName(secret));
    return Object.entries(config.auths ?? {});
  }
  return [];
}

function basicAuthEntries(secret: KubeObject): [string, DockerAuthEntry][] {
  const registry = secret.metadata.annotations?.[dockerSecretAnnotation];
  if (!registry) return [];
  return [[registry, { username: decodeField(secret, 'username'), password: decodeField(secret, 'password') }]];
}

function secretName(secret: KubeObject): string {
  return `secret ${secret.metadata.namespace ?? ''}/${secret.metadata.name}`;
}

function decodeField(secret: KubeObject, field: string): string | undefined {
  const value = isJsonObject(secret.data) ? secret.data[field] : undefined;
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

function decodeJson(secret: KubeObject, field: string): unknown {
  const text = decodeField(secret, field);
  if (text === undefined) throw new ValidationError([{ path: `${secretName(secret)} data.${field}`, message: 'missing' }]);
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch (error) {
    // The parser's message quotes the input; only the location is reported.
    throw new ValidationError([{ path: `${secretName(secret)} data.${field}`, message: 'is not valid JSON' }], { cause: new Error(asError(error).name) });
  }
}
