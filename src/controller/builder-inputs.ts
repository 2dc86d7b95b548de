/**
 * The controller's side of the one builder-inputs path (app's `gatherBuilderInputs`): a lookup over
 * the informer cache. A dependency counts as resolved once its status has the fields a builder reads
 * (not necessarily Ready True: D-b, a failing dependency keeps its last resolved fields and the
 * builder keeps building from them). Also the objects a builder spec names, for dependency tracking.
 */
import type { BuilderSpec, KpackResource } from '../api/index.ts';
import { builderRefs, orderOf, type BuilderLookup, type BuilderResource, type Supplier, type SupplierKind } from '../app/index.ts';
import type { DependencyRef, KeychainSource, ObjectCache } from './ports.ts';
import { resolvedFields, statusOf } from './status.ts';

// The webhook validated and defaulted the spec before the API server stored it.
const builderSpecOf = (object: KpackResource): BuilderSpec => (object.spec ?? {});

/** The builder as the inputs path reads it. */
export function builderResource(kind: 'Builder' | 'ClusterBuilder', object: KpackResource): BuilderResource {
  const { name = '', namespace } = object.metadata;
  return { kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec: builderSpecOf(object) };
}

/** Objects the spec names directly (stack, lifecycle, store, Buildpack/ClusterBuildpack refs) and ids of id-only refs. */
export function declaredDependencies(object: KpackResource): { objects: DependencyRef[]; buildpackIds: string[] } {
  const spec = builderSpecOf(object);
  const refs = builderRefs(spec);
  const objects: DependencyRef[] = [
    { kind: 'ClusterStack', name: refs.stack },
    { kind: 'ClusterLifecycle', name: refs.lifecycle },
    ...(refs.store ? [{ kind: 'ClusterStore', name: refs.store }] : []),
  ];
  const buildpackIds: string[] = [];
  for (const ref of orderOf(spec).flatMap((entry) => entry.group)) {
    if (ref.kind === 'Buildpack' && ref.name) objects.push({ kind: 'Buildpack', namespace: object.metadata.namespace, name: ref.name });
    else if (ref.kind === 'ClusterBuildpack' && ref.name) objects.push({ kind: 'ClusterBuildpack', name: ref.name });
    else if (ref.id) buildpackIds.push(ref.id);
  }
  return { objects, buildpackIds };
}

/** The status field that exists once a supplier of each kind has resolved at least once. */
const resolvedField: Record<SupplierKind, string> = {
  ClusterStore: 'buildpacks',
  Buildpack: 'buildpacks',
  ClusterBuildpack: 'buildpacks',
  ClusterStack: 'buildImage',
  ClusterLifecycle: 'image',
};

function supplierOf(kind: SupplierKind, object: KpackResource): Supplier {
  const status = statusOf(object);
  const generation = typeof status.observedGeneration === 'number' ? status.observedGeneration : 0;
  const { name = '', namespace } = object.metadata;
  const field = resolvedField[kind];
  const value = field === 'buildpacks' ? status.buildpacks : resolvedFields(status);
  const resolved = status[field] === undefined ? ({ ok: false, reason: 'it has no resolved status yet' } as const) : ({ ok: true, value } as const);
  return { kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec: object.spec, observedGeneration: generation, resolved };
}

/** The lookup of `gatherBuilderInputs` over the informer cache and the controller's keychains. */
export function cacheLookup(cache: ObjectCache, keychains: KeychainSource): BuilderLookup {
  return {
    get(kind, name, namespace) {
      const object = cache.get(kind, namespace ? `${namespace}/${name}` : name);
      return object ? supplierOf(kind, object) : undefined;
    },
    list: (kind, namespace) => cache.list(kind, namespace).map((object) => supplierOf(kind, object)),
    keychainFor: (ref) => keychains.keychainFor(ref),
  };
}
