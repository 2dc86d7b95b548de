/**
 * kpack's defaults for v1alpha2 resources, applied to a copy: Builder service account `default`,
 * `stack.kind` ClusterStack, `store.kind` ClusterStore (also without a store name, as kpack does), lifecycle `default-lifecycle`, and Buildpack
 * service account `default`. Unlike kpack, a ClusterBuilder also gets the stack and store kinds.
 */
import { isJsonObject, type JsonObject } from '../shared/index.ts';
import type { KubeObject } from './resource.ts';

/** The ClusterLifecycle a builder uses when it names none. */
export const defaultLifecycleName = 'default-lifecycle';

type Spec = JsonObject;

/** A named reference with its kind filled in; anything else (absent, unnamed, already kinded) as it is. */
function withKind(ref: unknown, kind: string): unknown {
  if (!isJsonObject(ref) || ref.kind || !ref.name) return ref;
  return { ...ref, kind };
}

function builderDefaults(spec: Spec, namespaced: boolean): Spec {
  const out: Spec = { ...spec };
  out.stack = withKind(spec.stack, 'ClusterStack');
  // kpack gives the store its kind even when the builder names none (`store: {kind: ClusterStore}`).
  const store = isJsonObject(spec.store) ? spec.store : {};
  out.store = store.kind ? store : { ...store, kind: 'ClusterStore' };
  const lifecycle = isJsonObject(spec.lifecycle) ? spec.lifecycle : {};
  out.lifecycle = { ...lifecycle, name: lifecycle.name || defaultLifecycleName, kind: lifecycle.kind || 'ClusterLifecycle' };
  if (namespaced && !spec.serviceAccountName && !spec.serviceAccount) out.serviceAccountName = 'default';
  return out;
}

/** Returns `resource` with defaults filled in; the input is not modified. Only v1alpha2 is defaulted. */
export function applyDefaults(resource: KubeObject): KubeObject {
  const spec = resource.spec;
  if (resource.apiVersion !== 'kpack.io/v1alpha2' || !isJsonObject(spec)) return resource;
  switch (resource.kind) {
    case 'Builder':
      return { ...resource, spec: builderDefaults(spec, true) };
    case 'ClusterBuilder':
      return { ...resource, spec: builderDefaults(spec, false) };
    case 'Buildpack':
      return spec.serviceAccountName ? resource : { ...resource, spec: { ...spec, serviceAccountName: 'default' } };
    default:
      return resource;
  }
}
