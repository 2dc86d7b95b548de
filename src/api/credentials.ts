/**
 * The one credential rule (kpack-behaviour §5.7): which ServiceAccount and pull secrets give a kpack
 * resource its registry credentials. Used for reading images, for re-enqueueing on Secret and
 * ServiceAccount changes, and as the key of the keychain and transport caches, so the three never
 * disagree.
 */
import { isJsonObject, type JsonObject } from '../shared/index.ts';

/** Where a resource's credentials come from; no `namespace` means controller-wide credentials only. */
export interface CredentialRef {
  namespace?: string;
  /** ServiceAccount name in `namespace`; absent means `default`. */
  serviceAccount?: string;
  /** Extra pull-secret names in `namespace`. */
  imagePullSecrets?: readonly string[];
}

/** The fields the rule reads: any kpack object, typed or plain, fits. */
export interface CredentialSubject {
  kind?: string;
  metadata: { name?: string; namespace?: string };
  spec?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The credential reference of `resource`, as kpack derives it. Builder and Buildpack (namespaced
 * kinds): their namespace and `spec.serviceAccountName` (Builder also the legacy `serviceAccount`),
 * `default` when empty; kpack passes the empty name to its keychain factory, which reads `default`.
 * Cluster kinds: `spec.serviceAccountRef`; without it, or without its namespace, controller-wide only
 * (the name is kept so callers can tell "set" from "unset", e.g. the stack's fallback to the builder).
 */
export function credentialRefOf(resource: CredentialSubject): CredentialRef {
  const spec = isJsonObject(resource.spec) ? resource.spec : {};
  if (resource.kind === 'Builder' || resource.kind === 'Buildpack') {
    return { namespace: resource.metadata.namespace ?? 'default', serviceAccount: namespacedAccount(resource.kind, spec) };
  }
  return clusterRef(spec);
}

/** Builder: `serviceAccountName`, then the legacy `serviceAccount`; Buildpack: `serviceAccountName`; else `default`. */
function namespacedAccount(kind: 'Builder' | 'Buildpack', spec: JsonObject): string {
  const legacy = kind === 'Builder' ? text(spec.serviceAccount) : '';
  return text(spec.serviceAccountName) || legacy || 'default';
}

function clusterRef(spec: JsonObject): CredentialRef {
  const ref = spec.serviceAccountRef;
  if (!isJsonObject(ref)) return {};
  const name = text(ref.name);
  const namespace = text(ref.namespace);
  if (!namespace) return name ? { serviceAccount: name } : {};
  return { namespace, serviceAccount: name || 'default' };
}

/**
 * A stable string for `ref`: equal refs (same namespace, effective account and set of pull secrets)
 * give equal keys, and every ref without a namespace gives the controller-wide key.
 */
export function credentialKey(ref: CredentialRef): string {
  if (!ref.namespace) return 'controller';
  const pulls = [...new Set(ref.imagePullSecrets ?? [])].sort();
  return JSON.stringify([ref.namespace, ref.serviceAccount || 'default', ...pulls]);
}
