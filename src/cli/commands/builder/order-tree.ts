/**
 * The detection order of a built builder as a tree: each entry of `status.order`, with its
 * meta-buildpacks expanded into their own orders, and the resource each buildpack was taken from.
 * Builder status records only ids and versions, so the source is found the way the controller
 * picks it: order entries naming a Buildpack/ClusterBuildpack first, then namespaced Buildpacks,
 * ClusterBuildpacks and the ClusterStore, first exact id@version match; children likewise.
 */
import { builderRefsOf, builderStatusOf, storeStatusOf } from '../../cluster/index.ts';
import type { KubeObject } from '../../cluster/port.ts';

/** The resources that may have supplied the builder's buildpacks, as read from the cluster. */
export interface SourceObjects {
  /** Buildpacks in the Builder's namespace (none for a ClusterBuilder). */
  buildpacks: readonly KubeObject[];
  clusterBuildpacks: readonly KubeObject[];
  /** The ClusterStore the builder names, if any and readable. */
  store?: KubeObject | undefined;
}

/** One entry of the tree. */
export interface OrderTreeNode {
  id: string;
  version?: string | undefined;
  optional?: boolean | undefined;
  /** `Kind/name` of the resource the buildpack came from; undefined when it cannot be told. */
  source?: string | undefined;
  /** A meta-buildpack's own order (empty for a plain buildpack). */
  groups: OrderTreeNode[][];
}

interface OrderRef {
  id?: string;
  version?: string;
  optional?: boolean;
}

interface BuildpackEntry {
  id?: string;
  version?: string;
  order?: Array<{ group?: OrderRef[] }>;
}

interface Supplier {
  kind: string;
  name: string;
  entries: readonly BuildpackEntry[];
}

type Spec = { order?: Array<{ group?: Array<OrderRef & { kind?: string; name?: string }> }> };
type Status = { order?: Array<{ group?: OrderRef[] }>; builderMetadata?: Array<{ id: string; version: string }> };

function supplierOf(kind: string, object: KubeObject): Supplier {
  const entries: readonly BuildpackEntry[] = storeStatusOf(object).buildpacks ?? [];
  return { kind, name: object.metadata.name, entries };
}

class Lookup {
  readonly #suppliers: Supplier[];
  readonly #versions = new Map<string, string>();

  constructor(sources: SourceObjects, metadata: Status['builderMetadata']) {
    this.#suppliers = [
      ...sources.buildpacks.map((o) => supplierOf('Buildpack', o)),
      ...sources.clusterBuildpacks.map((o) => supplierOf('ClusterBuildpack', o)),
      ...(sources.store ? [supplierOf('ClusterStore', sources.store)] : []),
    ];
    for (const entry of metadata ?? []) if (!this.#versions.has(entry.id)) this.#versions.set(entry.id, entry.version);
  }

  /** The suppliers a group's object references name. */
  named(refs: ReadonlyArray<{ kind?: string; name?: string }>): Supplier[] {
    return this.#suppliers.filter((s) => refs.some((r) => r.kind === s.kind && r.name === s.name));
  }

  /** The version the builder holds of `id` when an order names it without one. */
  versionOf(ref: OrderRef): string | undefined {
    return ref.version || (ref.id === undefined ? undefined : this.#versions.get(ref.id));
  }

  find(id: string, version: string | undefined, preferred: readonly Supplier[]): { supplier: Supplier; entry: BuildpackEntry } | undefined {
    for (const supplier of [...preferred, ...this.#suppliers]) {
      const entry = supplier.entries.find((e) => e.id === id && (version === undefined || e.version === version));
      if (entry) return { supplier, entry };
    }
    return undefined;
  }
}

function nodeOf(ref: OrderRef, lookup: Lookup, preferred: readonly Supplier[], trail: readonly string[]): OrderTreeNode {
  const id = ref.id ?? '';
  const version = lookup.versionOf(ref);
  const found = lookup.find(id, version, preferred);
  const key = `${id}@${version ?? ''}`;
  // A cycle cannot be built, but status may describe one mid-change: stop rather than recurse.
  const expand = found !== undefined && !trail.includes(key);
  const groups = expand ? (found.entry.order ?? []).map((o) => (o.group ?? []).map((child) => nodeOf(child, lookup, [], [...trail, key]))) : [];
  return {
    id,
    version: version ?? found?.entry.version,
    optional: ref.optional,
    source: found ? `${found.supplier.kind}/${found.supplier.name}` : undefined,
    groups,
  };
}

/** The tree of `builder`'s resolved order (`status.order`), sources taken from `sources`. */
export function buildOrderTree(builder: KubeObject, sources: SourceObjects): OrderTreeNode[][] {
  const spec: Spec = builderRefsOf(builder);
  const status: Status = builderStatusOf(builder);
  const lookup = new Lookup(sources, status.builderMetadata);
  return (status.order ?? []).map((entry, i) => {
    const preferred = lookup.named(spec.order?.[i]?.group ?? []);
    // Top-level entries show the version as status records it, exactly as kp prints them.
    return (entry.group ?? []).map((ref) => ({ ...nodeOf(ref, lookup, preferred, []), version: ref.version || undefined }));
  });
}
