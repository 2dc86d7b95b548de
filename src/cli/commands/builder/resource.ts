/**
 * The Builder / ClusterBuilder objects kp writes: on create the tag, a `ClusterStack` stack
 * reference, a `ClusterStore` store reference only when a store is named, the order, and the
 * service account (Builder: `serviceAccountName`; ClusterBuilder: kp-config's `serviceAccountRef`);
 * on patch only the fields given. The lifecycle is left out, as kp does: `default-lifecycle` applies.
 */
import { specFields } from '../../cluster/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { isJsonObject } from '../../../shared/index.ts';
import type { BuilderOrder } from './order-input.ts';
import type { BuilderScope } from './scope.ts';

/** The fields a create or patch may set; absent fields are left as they are on a patch. */
export interface BuilderFields {
  tag?: string | undefined;
  stack?: string | undefined;
  store?: string | undefined;
  /** Builder only. */
  serviceAccount?: string | undefined;
  order?: BuilderOrder | undefined;
}

/** Where the object goes and whose credentials a ClusterBuilder uses. */
export interface BuilderPlacement {
  name: string;
  /** Builder only. */
  namespace?: string | undefined;
  /** ClusterBuilder only: kp-config's service account. */
  serviceAccountRef?: { name: string; namespace: string } | undefined;
}

type Spec = Record<string, unknown>;
type Ref = { name?: string; kind?: string } & Record<string, unknown>;

/** The object `create` sends (without apiVersion/kind, which the client adds). */
export function newBuilderObject(scope: BuilderScope, placement: BuilderPlacement, fields: BuilderFields): KubeObject {
  const spec: Spec = { tag: fields.tag ?? '', stack: { name: fields.stack ?? 'default', kind: 'ClusterStack' } };
  if (fields.store !== undefined) spec.store = { name: fields.store, kind: 'ClusterStore' };
  if (fields.order !== undefined) spec.order = fields.order;
  if (scope.namespaced) spec.serviceAccountName = fields.serviceAccount ?? 'default';
  else if (placement.serviceAccountRef !== undefined) spec.serviceAccountRef = { ...placement.serviceAccountRef };
  const metadata = scope.namespaced ? { name: placement.name, namespace: placement.namespace ?? 'default' } : { name: placement.name };
  return { metadata, spec };
}

// kp only renames a reference on patch; the kind is filled in when the object has none yet (no
// webhook may be there to default it).
function renamed(ref: unknown, name: string, kind: string): Ref {
  const current = isJsonObject(ref) ? ref : {};
  return { ...current, name, kind: (typeof current.kind === 'string' && current.kind) || kind };
}

/** `current` with the given fields replaced (the order as a whole); everything else kept. */
export function patchedBuilderObject(current: KubeObject, fields: BuilderFields): KubeObject {
  const spec: Spec = { ...specFields(current) };
  if (fields.tag !== undefined) spec.tag = fields.tag;
  if (fields.stack !== undefined) spec.stack = renamed(spec.stack, fields.stack, 'ClusterStack');
  if (fields.store !== undefined) spec.store = renamed(spec.store, fields.store, 'ClusterStore');
  if (fields.serviceAccount !== undefined) spec.serviceAccountName = fields.serviceAccount;
  if (fields.order !== undefined) spec.order = fields.order;
  return { ...current, spec };
}
