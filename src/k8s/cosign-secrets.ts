/**
 * cosign signing keys from Kubernetes, as kpack configures them: every Secret listed in a
 * resource's ServiceAccount `secrets` whose data has `cosign.key` signs what that resource pushes,
 * with `cosign.password` (if present) as the key's password. Missing objects are skipped, as for
 * registry credentials; a resource without a namespace (a ClusterBuilder without a
 * serviceAccountRef) has no keys. The values are handed on and never logged.
 */
import type { CredentialRef } from '../api/index.ts';
import { isJsonObject, silentLogger, type Logger } from '../shared/index.ts';
import type { IoOptions } from '../oci/index.ts';
import type { KubeClient } from './client.ts';
import { namesOf, SecretReader } from './keychain.ts';
import type { KubeObject } from './types.ts';

/** A Secret holding a cosign key. */
export interface CosignSecret {
  namespace: string;
  name: string;
  /** The decoded `cosign.key`: a PEM private key. */
  key: string;
  /** The decoded `cosign.password`; undefined when the Secret has none. */
  password?: string;
  /** The annotation `kpack.io/cosign.repository`: where signatures go instead of the image's repository. */
  repository?: string;
  /** The annotation `kpack.io/cosign.docker-media-types` set to `1` (or `true`): Docker media types for the artifacts. */
  dockerMediaTypes?: boolean;
}

/** The Secret data keys and annotations kpack reads. */
export const cosignSecretKeys = {
  key: 'cosign.key',
  password: 'cosign.password',
  repositoryAnnotation: 'kpack.io/cosign.repository',
  dockerMediaTypesAnnotation: 'kpack.io/cosign.docker-media-types',
} as const;

function decoded(secret: KubeObject, field: string): string | undefined {
  const data = isJsonObject(secret.data) ? secret.data[field] : undefined;
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

function cosignSecretOf(secret: KubeObject, namespace: string): CosignSecret | undefined {
  const key = decoded(secret, cosignSecretKeys.key);
  if (key === undefined) return undefined;
  const password = decoded(secret, cosignSecretKeys.password);
  const annotations = secret.metadata.annotations ?? {};
  const repository = annotations[cosignSecretKeys.repositoryAnnotation];
  const dockerMediaTypes = ['1', 'true'].includes(annotations[cosignSecretKeys.dockerMediaTypesAnnotation] ?? '');
  return {
    namespace,
    name: secret.metadata.name ?? '',
    key,
    ...(password === undefined ? {} : { password }),
    ...(repository ? { repository } : {}),
    ...(dockerMediaTypes ? { dockerMediaTypes } : {}),
  };
}

/** Reads the cosign Secrets of a credential reference's ServiceAccount. */
export interface CosignSecretReader {
  cosignSecretsFor(ref: CredentialRef, options?: IoOptions): Promise<CosignSecret[]>;
}

/** A reader over `client` (informer-backed readers work too). */
export function createCosignSecretReader(options: { client: Pick<KubeClient, 'get'>; logger?: Logger }): CosignSecretReader {
  const logger = options.logger ?? silentLogger;
  return {
    async cosignSecretsFor(ref, io = {}) {
      const { namespace } = ref;
      if (!namespace) return [];
      const read = new SecretReader(options.client, namespace, logger, io.signal);
      const account = await read.serviceAccount(ref.serviceAccount || 'default');
      const secrets = await read.secrets(namesOf(account?.secrets));
      return secrets.flatMap((secret) => cosignSecretOf(secret, namespace) ?? []);
    },
  };
}
