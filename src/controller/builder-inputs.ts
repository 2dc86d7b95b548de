/**
 * The controller's side of the one builder-inputs path (app's `gatherBuilderInputs`): a lookup over
 * the informer cache. A dependency counts as resolved once its status has the fields a builder reads
 * (not necessarily Ready True: D-b, a failing dependency keeps its last resolved fields and the
 * builder keeps building from them). What a builder uses is app's `declaredDependencies`.
 */
import { isInvalid, type ParsedResource, type Resource } from '../api/index.ts';
import {
  buildpacksOfStatus,
  lifecycleOfStatus,
  stackOfStatus,
  type BuilderLookup,
  type BuilderResource,
  type StatusRead,
  type Supplier,
  type SupplierKind,
  type SupplierValues,
} from '../app/index.ts';
import type { KeychainSource, ObjectCache } from './ports.ts';

/** The two builder kinds the controller reconciles. */
export type BuilderKind = 'Builder' | 'ClusterBuilder';

/** The builder as the inputs path reads it. */
export function builderResource<K extends BuilderKind>(object: Resource<K>): BuilderResource {
  const { name, namespace, annotations } = object.metadata;
  return { kind: object.kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) }, spec: object.spec };
}

/** Each supplier kind's record, read from its typed status. */
const readers: { [K in SupplierKind]: (resource: Resource<K>) => StatusRead<SupplierValues[K]> } = {
  ClusterStore: (r) => buildpacksOfStatus(r.status),
  Buildpack: (r) => buildpacksOfStatus(r.status),
  ClusterBuildpack: (r) => buildpacksOfStatus(r.status),
  ClusterStack: (r) => stackOfStatus(r.status),
  ClusterLifecycle: (r) => lifecycleOfStatus(r.status),
};

function supplierOf<K extends SupplierKind>(kind: K, parsed: ParsedResource<K>): Supplier<K> {
  const { name, namespace } = parsed.metadata;
  const metadata = { name, ...(namespace ? { namespace } : {}) };
  if (isInvalid(parsed))
    return { kind, metadata, observedGeneration: 0, resolved: { ok: false, reason: `its spec is invalid: ${parsed.problems.join('; ')}` } };
  const read = readers[kind](parsed);
  return { kind, metadata, spec: parsed.spec, observedGeneration: parsed.status?.observedGeneration ?? 0, resolved: read };
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
