/**
 * Which work-queue keys a change to a ServiceAccount or Secret produces: every kpack resource whose
 * credentials come from that account (or from an account that names that Secret), by the one
 * credential rule (`credentialRefOf`) that reading uses too. The manager drops the cached keychains
 * read from the changed object first, so re-enqueueing the users is what makes a fixed password take
 * effect at once rather than at the next spec change or resync. Only names are compared; Secret data
 * is never read.
 */
import { credentialRefOf, type KindName } from '../api/index.ts';
import { isArray, isJsonObject } from '../shared/index.ts';
import type { InformerEvent, KubeObject } from '../k8s/index.ts';
import { queueKey } from './enqueue.ts';

/** The credential kinds the controller watches. */
export type CredentialKind = 'Secret' | 'ServiceAccount';

/** Read-only views of the caches the mapping needs. */
export interface CredentialView {
  /** Cached ServiceAccounts of one namespace. */
  serviceAccounts(namespace: string): readonly KubeObject[];
  /** Cached kpack resources of one kind. */
  resources(kind: KindName): readonly KubeObject[];
}

function namesOf(refs: unknown): string[] {
  if (!isArray(refs)) return [];
  return refs.map((r) => (isJsonObject(r) ? r.name : undefined)).filter((n): n is string => typeof n === 'string');
}

/** Names of the ServiceAccounts in `namespace` whose `secrets` or `imagePullSecrets` list `secret`. */
function accountsNaming(view: CredentialView, namespace: string, secret: string): Set<string> {
  const found = new Set<string>();
  for (const account of view.serviceAccounts(namespace)) {
    if ([...namesOf(account.secrets), ...namesOf(account.imagePullSecrets)].includes(secret)) found.add(account.metadata.name);
  }
  return found;
}

/** The accounts affected by the event: the account itself, or those naming the Secret (old and new). */
function affectedAccounts(kind: CredentialKind, event: InformerEvent, view: CredentialView): Set<string> {
  const { name, namespace = '' } = event.object.metadata;
  if (kind === 'ServiceAccount') return new Set([name]);
  return accountsNaming(view, namespace, name);
}

/** The queue keys to add for one Secret or ServiceAccount event (none for periodic `sync` events). */
export function keysForCredentialEvent(kind: CredentialKind, event: InformerEvent, view: CredentialView, kinds: readonly KindName[]): string[] {
  if (event.type === 'sync') return [];
  const namespace = event.object.metadata.namespace ?? '';
  const accounts = affectedAccounts(kind, event, view);
  if (accounts.size === 0) return [];
  const keys: string[] = [];
  for (const resourceKind of kinds) {
    for (const object of view.resources(resourceKind)) {
      const ref = credentialRefOf({ ...object, kind: resourceKind });
      if (ref.namespace !== namespace || !accounts.has(ref.serviceAccount || 'default')) continue;
      const { name, namespace: ns } = object.metadata;
      keys.push(queueKey(resourceKind, ns ? `${ns}/${name}` : name));
    }
  }
  return keys;
}
