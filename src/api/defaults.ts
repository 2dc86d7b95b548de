/**
 * kpack's defaults for v1alpha2 resources, applied to a copy: Builder service account `default`,
 * `stack.kind` ClusterStack, `store.kind` ClusterStore, lifecycle `default-lifecycle`, and Buildpack
 * service account `default`. Unlike kpack, a ClusterBuilder also gets the stack and store kinds.
 */
import type { KubeObject } from './resource.ts';

/** The ClusterLifecycle a builder uses when it names none. */
export const defaultLifecycleName = 'default-lifecycle';

type Spec = Record<string, unknown>;
type Ref = { kind?: string; name?: string } | undefined;

function withKind(ref: Ref, kind: string, onlyWhenNamed: boolean): Ref {
  if (!ref || typeof ref !== 'object') return onlyWhenNamed ? ref : { kind };
  if (ref.kind || (onlyWhenNamed && !ref.name)) return ref;
  return { ...ref, kind };
}

function builderDefaults(spec: Spec, namespaced: boolean): Spec {
  const out: Spec = { ...spec };
  out.stack = withKind(spec.stack as Ref, 'ClusterStack', true);
  out.store = withKind(spec.store as Ref, 'ClusterStore', true);
  const lifecycle = (spec.lifecycle ?? {}) as { kind?: string; name?: string };
  out.lifecycle = { ...lifecycle, name: lifecycle.name || defaultLifecycleName, kind: lifecycle.kind || 'ClusterLifecycle' };
  if (namespaced && !spec.serviceAccountName && !spec.serviceAccount) out.serviceAccountName = 'default';
  return out;
}

/** Returns `resource` with defaults filled in; the input is not modified. Only v1alpha2 is defaulted. */
export function applyDefaults(resource: KubeObject): KubeObject {
  if (resource.apiVersion !== 'kpack.io/v1alpha2' || !resource.spec || typeof resource.spec !== 'object') return resource;
  const spec = resource.spec as Spec;
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
