/**
 * A kpack resource as a builder's inputs path sees it (a Supplier): its identity, spec and the
 * record its status holds, or why it holds none. The controller's informer cache and the CLI's
 * dry-run impact read cluster objects through this one function.
 */
import { isInvalid, type ParsedResource, type Resource } from '../api/index.ts';
import type { BuilderResource, Supplier, SupplierKind, SupplierValues } from './builder-inputs.ts';
import type { BuildpackRecord } from '../cnb/index.ts';
import { buildpacksOfStatus, lifecycleOfStatus, stackOfStatus, type StatusRead } from './status-records.ts';

/** Buildpacks a compact store status was read back to (expand-store.ts). */
type Expanded = StatusRead<readonly BuildpackRecord[]>;

/** Each supplier kind's record, read from its typed status (or, for a compact store, what it was read back to). */
const readers: { [K in SupplierKind]: (resource: Resource<K>, expanded?: Expanded) => StatusRead<SupplierValues[K]> } = {
  ClusterStore: (r, expanded) => expanded ?? buildpacksOfStatus(r.status),
  Buildpack: (r, expanded) => expanded ?? buildpacksOfStatus(r.status),
  ClusterBuildpack: (r, expanded) => expanded ?? buildpacksOfStatus(r.status),
  ClusterStack: (r) => stackOfStatus(r.status),
  ClusterLifecycle: (r) => lifecycleOfStatus(r.status),
};

/**
 * `parsed` as a supplier: resolved when its status has the fields a builder reads (D-b: not
 * necessarily Ready). With `canary`, what it resolves to with the updates its canary policy holds
 * (`status.canary`), which only the canary builder reads. `expanded` is what a compact store status
 * was read back to (expand-store.ts).
 */
export function supplierOf<K extends SupplierKind>(kind: K, parsed: ParsedResource<K>, options: { canary?: boolean; expanded?: Expanded } = {}): Supplier<K> {
  const { name, namespace } = parsed.metadata;
  const metadata = { name, ...(namespace ? { namespace } : {}) };
  if (isInvalid(parsed))
    return { kind, metadata, observedGeneration: 0, resolved: { ok: false, reason: `its spec is invalid: ${parsed.problems.join('; ')}` } };
  const canary = options.canary === true ? parsed.status?.canary : undefined;
  // Cast: `canary` holds the same fields as the kind's status (its schema is built from them); TypeScript cannot tie the two through K.
  const read = readers[kind](canary ? ({ ...parsed, status: { ...parsed.status, ...canary } } as Resource<K>) : parsed, options.expanded);
  return { kind, metadata, spec: parsed.spec, observedGeneration: parsed.status?.observedGeneration ?? 0, resolved: read };
}

/** A Builder or ClusterBuilder as the inputs path reads it. */
export function builderResource(object: Resource<'Builder'> | Resource<'ClusterBuilder'>): BuilderResource {
  const { name, namespace, annotations } = object.metadata;
  return { kind: object.kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) }, spec: object.spec };
}
