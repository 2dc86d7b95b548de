/**
 * Registry credentials from a ServiceAccount and its Secrets, resolved the way kpack does
 * (kpack-behaviour §5.7): basic-auth Secrets annotated `kpack.io/docker`, dockerconfigjson and
 * dockercfg Secrets listed in `secrets`, then pull secrets (`imagePullSecrets`), then the
 * controller-wide keychain. Secret values never reach logs or error messages.
 */
import { InternalError, type Logger } from '../shared/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import type { KubeClient } from './client.ts';
import type { KubeObject } from './types.ts';

/** Where a resource's credentials come from; namespaced iff `namespace` is non-empty. */
export interface SecretRef {
  namespace?: string;
  /** ServiceAccount name; empty means `default`. */
  serviceAccount?: string;
  /** Extra pull-secret names in `namespace`. */
  imagePullSecrets?: readonly string[];
}

/** Builds keychains for resources. */
export interface KeychainFactory {
  /** The keychain for `ref`: service-account credentials first, then the controller-wide keychain. */
  keychainFor(ref: SecretRef, options?: IoOptions): Promise<Keychain>;
}

/** Options of `createKeychainFactory`. */
export interface KeychainFactoryOptions {
  /** Reads ServiceAccounts and Secrets (an informer-backed reader works too). */
  client: Pick<KubeClient, 'get'>;
  /** Controller-wide credentials tried after the service account's (kpack's volume + default docker keychains). */
  controllerKeychain?: Keychain;
  logger?: Logger;
}

/** Creates a factory; each `keychainFor` call reads the ServiceAccount and its Secrets once. */
export function createKeychainFactory(options: KeychainFactoryOptions): KeychainFactory {
  throw new InternalError(`keychain factory not implemented yet (${Object.keys(options).length})`);
}

/**
 * The SecretRef of a kpack resource, as kpack derives it: Builder → its own namespace and
 * `spec.serviceAccountName` (legacy `serviceAccount`, default `default`); Buildpack → its namespace
 * and `spec.serviceAccountName` (none: non-namespaced); cluster kinds → `spec.serviceAccountRef`
 * (none: non-namespaced).
 */
export function secretRefOf(resource: KubeObject): SecretRef {
  throw new InternalError(`secretRefOf ${resource.metadata.name} not implemented yet`);
}
