/**
 * Finds the buildpack an order reference names among the resources that supply buildpacks, with
 * kpack's rules: namespaced Buildpacks, then ClusterBuildpacks, then the ClusterStore; an id alone
 * takes the highest version (ties go to the last source), an explicit version the first exact match.
 */
import { parseBuildpackVersion } from './buildpack-version.ts';
import type { BuildpackRecord } from './records.ts';

/** The kinds of resource that supply buildpacks. */
export type SourceKind = 'Buildpack' | 'ClusterBuildpack' | 'ClusterStore';

/** Identifies one supplying resource (also used to pick its credentials and to track dependencies). */
export interface SourceRef {
  kind: SourceKind;
  name: string;
  /** Set for namespaced Buildpacks only. */
  namespace?: string;
}

/** A resource and the buildpacks its status lists. */
export interface BuildpackSource extends SourceRef {
  buildpacks: readonly BuildpackRecord[];
}

/** Every resource a builder may take buildpacks from, in kpack's priority order. */
export interface BuildpackCatalog {
  /** Buildpacks in the builder's namespace (none for a ClusterBuilder), in list order. */
  buildpacks: readonly BuildpackSource[];
  clusterBuildpacks: readonly BuildpackSource[];
  store?: BuildpackSource;
}

/** A reference in a builder's order, as written in the spec. */
export interface BuildpackReference {
  id?: string;
  version?: string;
  optional?: boolean;
  kind?: string;
  name?: string;
  image?: string;
}

/** A buildpack record together with the resource that supplied it. */
export interface Candidate {
  record: BuildpackRecord;
  source: SourceRef;
}

/** The outcome of a lookup: the chosen candidate, or the reason none fits. */
export type LookupResult = { ok: true; found: Candidate } | { ok: false; message: string };

function candidatesOf(source: BuildpackSource, id?: string): Candidate[] {
  const { buildpacks, ...ref } = source;
  return buildpacks.filter((record) => id === undefined || record.id === id).map((record) => ({ record, source: ref }));
}

/** All candidates for an id across the catalog, in priority order (Buildpacks, ClusterBuildpacks, store). */
export function candidatesById(catalog: BuildpackCatalog, id: string): Candidate[] {
  return [
    ...catalog.buildpacks.flatMap((s) => candidatesOf(s, id)),
    ...catalog.clusterBuildpacks.flatMap((s) => candidatesOf(s, id)),
    ...(catalog.store ? candidatesOf(catalog.store, id) : []),
  ];
}

/** Picks among candidates for `id`: exact `version` → first match; no version → highest semver, last on ties. */
export function chooseVersion(candidates: readonly Candidate[], id: string, version?: string): LookupResult {
  if (candidates.length === 0) return { ok: false, message: `could not find buildpack with id '${id}'` };
  if (version) {
    const found = candidates.find((c) => c.record.version === version);
    return found ? { ok: true, found } : { ok: false, message: `could not find buildpack with id '${id}' and version '${version}'` };
  }
  let best: { candidate: Candidate; version: NonNullable<ReturnType<typeof parseBuildpackVersion>> } | undefined;
  for (const candidate of candidates) {
    const parsed = parseBuildpackVersion(candidate.record.version);
    if (!parsed) {
      return { ok: false, message: `cannot find buildpack '${id}' with latest version due to invalid semver '${candidate.record.version}'` };
    }
    if (!best || parsed.compare(best.version) >= 0) best = { candidate, version: parsed };
  }
  return { ok: true, found: best!.candidate };
}

/** The buildpacks of a resource that no other buildpack of it lists in an order: the tops of its trees. */
export function rootBuildpacks(source: BuildpackSource): Candidate[] {
  const referenced = new Set(source.buildpacks.flatMap((r) => (r.order ?? []).flatMap((o) => o.group.map((g) => g.id))));
  return candidatesOf(source).filter((c) => !referenced.has(c.record.id));
}

function findObject(catalog: BuildpackCatalog, kind: string, name: string): BuildpackSource | undefined {
  const list = kind === 'Buildpack' ? catalog.buildpacks : catalog.clusterBuildpacks;
  return list.find((s) => s.name === name);
}

function lookupByObject(catalog: BuildpackCatalog, ref: BuildpackReference & { kind: string }): LookupResult {
  if (ref.kind !== 'Buildpack' && ref.kind !== 'ClusterBuildpack') {
    return { ok: false, message: 'kind must be either Buildpack or ClusterBuildpack' };
  }
  const label = ref.kind === 'Buildpack' ? 'buildpack' : 'cluster buildpack';
  const name = ref.name ?? '';
  const object = findObject(catalog, ref.kind, name);
  if (!object) return { ok: false, message: ref.id ? `${label} not found: ${name}` : `no ${label} with name '${name}'` };
  if (ref.id) return chooseVersion(candidatesOf(object, ref.id), ref.id, ref.version);
  return singleRoot(object);
}

function singleRoot(object: BuildpackSource): LookupResult {
  const roots = rootBuildpacks(object);
  const [only] = roots;
  if (roots.length !== 1 || !only) return { ok: false, message: `unexpected number of root buildpacks: ${roots.length}` };
  return { ok: true, found: only };
}

/** Resolves one order reference against the catalog (kpack's buildpack resolver). */
export function lookupBuildpack(catalog: BuildpackCatalog, ref: BuildpackReference): LookupResult {
  if (ref.kind) return lookupByObject(catalog, { ...ref, kind: ref.kind });
  if (ref.id) return chooseVersion(candidatesById(catalog, ref.id), ref.id, ref.version);
  if (ref.image) return { ok: false, message: 'using images in builders not currently supported' };
  return { ok: false, message: 'invalid buildpack reference' };
}
