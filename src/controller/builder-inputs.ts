/**
 * The controller's side of the one builder-inputs path (app's `gatherBuilderInputs`): a lookup over
 * the informer cache. A dependency counts as resolved once its status has the fields a builder reads
 * (not necessarily Ready True: D-b, a failing dependency keeps its last resolved fields and the
 * builder keeps building from them). What a builder uses is app's `declaredDependencies`.
 */
import { supplierOf, type BuilderLookup } from '../app/index.ts';
import type { KeychainSource, ObjectCache } from './ports.ts';

/** The two builder kinds the controller reconciles. */
export type BuilderKind = 'Builder' | 'ClusterBuilder';

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
