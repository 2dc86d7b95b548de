/**
 * The controller's side of the one builder-inputs path (app's `gatherBuilderInputs`): a lookup over
 * the informer cache. A dependency counts as resolved once its status has the fields a builder reads
 * (not necessarily Ready True: D-b, a failing dependency keeps its last resolved fields and the
 * builder keeps building from them). What a builder uses is app's `declaredDependencies`. The canary
 * builder of a dependency whose canary update policy holds updates reads that dependency's canary
 * view instead, and the lookup remembers which held updates it read. A store whose status is compact
 * (app/store-status.ts) is read back to full records first.
 */
import { credentialRefOf, isInvalid, resourceKey, type ParsedResource } from '../api/index.ts';
import {
  createSourceRecordCache,
  expandCompactStatus,
  isCanaryOf,
  isCompactStatus,
  supplierOf,
  updateStateOf,
  type BuilderLookup,
  type BuilderName,
  type ImageAccess,
  type PolicyResource,
  type SourceRecordCache,
  type StatusRead,
  type SupplierKind,
} from '../app/index.ts';
import type { BuildpackRecord } from '../cnb/index.ts';
import { messageOf } from '../shared/index.ts';
import type { KeychainSource, ObjectCache } from './ports.ts';

/** The two builder kinds the controller reconciles. */
export type BuilderKind = 'Builder' | 'ClusterBuilder';

type StoreKind = 'ClusterStore' | 'Buildpack' | 'ClusterBuildpack';

/** Compact store statuses read back, by `kind/key`. */
type Expanded = ReadonlyMap<string, StatusRead<readonly BuildpackRecord[]>>;

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

/**
 * True when `builder` is `resource`'s canary and the resource has a canary view. A compact canary
 * view is not read back: the canary then keeps the digests in use, and nothing is proven.
 */
function readsCanaryView(resource: PolicyResource, builder: BuilderName): boolean {
  const canary = resource.status?.canary;
  return isCanaryOf(resource, builder) && canary !== undefined && !('compacted' in canary);
}

/** The lookup of `gatherBuilderInputs` over the informer cache and the controller's keychains, for `builder` (when given). */
export function cacheLookup(cache: ObjectCache, keychains: KeychainSource, builder?: BuilderName, expanded: Expanded = new Map()): CacheLookup {
  const used = new Map<string, CanaryUpdate>();
  const asSupplier = <K extends SupplierKind>(kind: K, object: ParsedResource<K>): ReturnType<typeof supplierOf<K>> => {
    const read = expanded.get(`${kind}/${resourceKey(object)}`);
    const options = read ? { expanded: read } : {};
    if (!builder || isInvalid(object)) return supplierOf(kind, object, options);
    const resource = object as PolicyResource;
    if (!readsCanaryView(resource, builder)) return supplierOf(kind, object, options);
    for (const p of updateStateOf(resource.status).pendingUpdates) {
      if (!p.image || !p.to) continue;
      const update = { kind, name: object.metadata.name, image: p.image, digest: p.to };
      used.set(JSON.stringify(update), update);
    }
    // Not the main status read back: that holds the digests in use, not the held ones.
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

/** What `expandedCacheLookup` reads with. */
export interface ExpandingDeps {
  cache: ObjectCache;
  keychains: KeychainSource;
  images: ImageAccess;
  sourceRecords?: SourceRecordCache;
}

/**
 * `cacheLookup`, after reading back every compact store status the builder may use (its store, the
 * Buildpacks of its namespace, every ClusterBuildpack) with that store's own credentials.
 */
export async function expandedCacheLookup(
  builder: { kind: BuilderKind; metadata: { name: string; namespace?: string }; spec: { store?: { name?: string } | undefined } },
  deps: ExpandingDeps,
  signal?: AbortSignal,
): Promise<CacheLookup> {
  const storeName = builder.spec.store?.name;
  const candidates: Array<{ kind: StoreKind; object: ParsedResource<StoreKind> }> = [
    ...(storeName ? [deps.cache.get('ClusterStore', storeName)].flatMap((object) => (object ? [{ kind: 'ClusterStore' as const, object }] : [])) : []),
    ...(builder.kind === 'Builder' ? deps.cache.list('Buildpack', builder.metadata.namespace).map((object) => ({ kind: 'Buildpack' as const, object })) : []),
    ...deps.cache.list('ClusterBuildpack').map((object) => ({ kind: 'ClusterBuildpack' as const, object })),
  ];
  const expanded = new Map<string, StatusRead<readonly BuildpackRecord[]>>();
  const cache = deps.sourceRecords ?? createSourceRecordCache();
  await Promise.all(
    candidates.map(async ({ kind, object }) => {
      if (isInvalid(object) || !isCompactStatus(object.status) || !object.status) return;
      try {
        const keychain = await deps.keychains.keychainFor(credentialRefOf(object));
        const read = await expandCompactStatus(object.status, keychain, { images: deps.images, cache, signal });
        expanded.set(`${kind}/${resourceKey(object)}`, read.ok ? { ok: true, value: read.records } : read);
      } catch (error) {
        expanded.set(`${kind}/${resourceKey(object)}`, { ok: false, reason: `its compact status could not be read back: ${messageOf(error)}` });
      }
    }),
  );
  const { name, namespace } = builder.metadata;
  return cacheLookup(deps.cache, deps.keychains, { kind: builder.kind, name, ...(namespace ? { namespace } : {}) }, expanded);
}
