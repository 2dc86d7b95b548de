/**
 * The controller's side of the one builder-inputs path (app's `gatherBuilderInputs`): a lookup over
 * the informer cache. A dependency counts as resolved once its status has the fields a builder reads
 * (not necessarily Ready True: D-b, a failing dependency keeps its last resolved fields and the
 * builder keeps building from them). What a builder uses is app's `declaredDependencies`. The canary
 * builder of a dependency whose canary update policy holds updates reads that dependency's canary
 * view instead, and the lookup remembers which held updates it read.
 */
import { isInvalid, type ParsedResource } from '../api/index.ts';
import { isCanaryOf, supplierOf, updateStateOf, type BuilderLookup, type BuilderName, type PolicyResource, type SupplierKind } from '../app/index.ts';
import type { KeychainSource, ObjectCache } from './ports.ts';

/** The two builder kinds the controller reconciles. */
export type BuilderKind = 'Builder' | 'ClusterBuilder';

/** A held update a canary builder was built with, as its status records it. */
export interface CanaryUpdate {
  kind: string;
  name: string;
  image: string;
  digest: string;
}

/** The lookup, and the held updates the builder read through it as a canary. */
export interface CacheLookup extends BuilderLookup {
  canaryUpdates(): CanaryUpdate[];
}

/** The lookup of `gatherBuilderInputs` over the informer cache and the controller's keychains, for `builder` (when given). */
export function cacheLookup(cache: ObjectCache, keychains: KeychainSource, builder?: BuilderName): CacheLookup {
  const used = new Map<string, CanaryUpdate>();
  const asSupplier = <K extends SupplierKind>(kind: K, object: ParsedResource<K>): ReturnType<typeof supplierOf<K>> => {
    if (!builder || isInvalid(object)) return supplierOf(kind, object);
    const resource = object as PolicyResource;
    if (!isCanaryOf(resource, builder) || !resource.status?.canary) return supplierOf(kind, object);
    for (const p of updateStateOf(resource.status).pendingUpdates) {
      if (!p.image || !p.to) continue;
      const update = { kind, name: object.metadata.name, image: p.image, digest: p.to };
      used.set(JSON.stringify(update), update);
    }
    return supplierOf(kind, object, { canary: true });
  };
  return {
    get(kind, name, namespace) {
      const object = cache.get(kind, namespace ? `${namespace}/${name}` : name);
      return object ? asSupplier(kind, object) : undefined;
    },
    list: (kind, namespace) => cache.list(kind, namespace).map((object) => asSupplier(kind, object)),
    keychainFor: (ref) => keychains.keychainFor(ref),
    canaryUpdates: () => [...used.values()],
  };
}
