/**
 * The keys a builder is signed with in the cluster: the cosign Secrets of its ServiceAccount, each
 * named `k8s://<namespace>/<secret>` as kpack records it in `signaturePaths`. A Secret without
 * `cosign.password` is tried with the empty password (kpack's behaviour); when that does not open
 * the key, the error says the password is missing rather than wrong. kpack's optional annotations
 * `kpack.io/cosign.repository` and `kpack.io/cosign.docker-media-types` say where and how the
 * signatures are stored.
 */
import { credentialRefOf, type Resource } from '../api/index.ts';
import { namedSigningKey, signingErrorCodes, type NamedSigningKey } from '../app/index.ts';
import { AppError, errorCode } from '../shared/index.ts';
import type { BuilderKind } from './builder-inputs.ts';
import type { CosignSecret, CosignSecretSource } from './ports.ts';

function keyOfSecret(secret: CosignSecret): NamedSigningKey {
  const source = `k8s://${secret.namespace}/${secret.name}`;
  const placement = {
    ...(secret.repository ? { artifactRepository: secret.repository } : {}),
    ...(secret.dockerMediaTypes ? { dockerMediaTypes: true } : {}),
  };
  try {
    return { ...namedSigningKey(source, secret.key, secret.password ?? ''), ...placement };
  } catch (error) {
    if (secret.password !== undefined || errorCode(error) !== signingErrorCodes.wrongPassword) throw error;
    throw new AppError(signingErrorCodes.missingPassword, `signing key ${source}: the key is encrypted and the Secret has no cosign.password`, {
      kind: 'permanent',
    });
  }
}

/** The builder's signing keys; none without a source. Throws a permanent AppError for a key that cannot be opened. */
export async function builderSigningKeys(object: Resource<BuilderKind>, source: CosignSecretSource | undefined): Promise<NamedSigningKey[]> {
  if (!source) return [];
  const secrets = await source.cosignSecretsFor(credentialRefOf(object));
  return secrets.map(keyOfSecret);
}
