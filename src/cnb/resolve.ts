/**
 * Resolves a builder's order against the buildpacks its resources supply: every reference becomes a
 * concrete id and version, meta-buildpacks pull in their children (children first, as builders lay
 * them out), cycles are reported with their path (D-c), an id may appear only once per group, and
 * every problem is reported with its path instead of stopping at the first (D-f).
 */
import type { ValidationIssue } from '../shared/index.ts';
import { candidatesById, chooseVersion, lookupBuildpack } from './buildpack-lookup.ts';
import type { BuildpackCatalog, BuildpackReference, Candidate, SourceRef } from './buildpack-lookup.ts';
import type { OrderEntry, OrderGroupEntry } from './records.ts';

/** An order as a builder spec writes it. */
export type OrderSpec = ReadonlyArray<{ group: readonly BuildpackReference[] }>;

/** The outcome of resolving an order. */
export interface ResolvedOrder {
  /** The order with concrete versions (`optional` kept), as order.toml and `status.order` record it. */
  order: OrderEntry[];
  /** Every buildpack the builder contains, children before their parent, each distinct id/version/homepage once. */
  buildpacks: Candidate[];
  /** Every resource that supplied a buildpack, each once, in first-use order (for dependency tracking). */
  sources: SourceRef[];
}

/** Either the resolved order or every issue found. */
export type ResolveResult = { ok: true; value: ResolvedOrder } | { ok: false; issues: ValidationIssue[] };

const keyOf = (c: Candidate): string => `${c.record.id}@${c.record.version}`;

class Expansion {
  readonly buildpacks = new Map<string, Candidate>();
  readonly sources = new Map<string, SourceRef>();
  readonly issues: ValidationIssue[] = [];
  readonly #done = new Set<string>();
  readonly #catalog: BuildpackCatalog;

  constructor(catalog: BuildpackCatalog) {
    this.#catalog = catalog;
  }

  /** Adds `candidate` and, first, everything its order lists; `trail` is the chain of parents being expanded. */
  add(candidate: Candidate, path: string, trail: readonly string[] = []): void {
    const key = keyOf(candidate);
    if (trail.includes(key)) {
      const cycle = [...trail.slice(trail.indexOf(key)), key].join(' -> ');
      this.issues.push({ path, message: `meta-buildpack order contains a cycle: ${cycle}` });
      return;
    }
    if (this.#done.has(key)) return;
    this.#done.add(key);
    for (const entry of (candidate.record.order ?? []).flatMap((o) => o.group)) {
      const child = chooseVersion(candidatesById(this.#catalog, entry.id), entry.id, entry.version);
      if (child.ok) this.add(child.found, path, [...trail, key]);
      else this.issues.push({ path, message: `buildpack ${key} lists ${describe(entry)} in its order: ${child.message}` });
    }
    this.#record(candidate);
  }

  #record(candidate: Candidate): void {
    const identity = `${keyOf(candidate)}@${candidate.record.homepage ?? ''}`;
    if (!this.buildpacks.has(identity)) this.buildpacks.set(identity, candidate);
    const source = candidate.source;
    const sourceKey = `${source.kind}/${source.namespace ?? ''}/${source.name}`;
    if (!this.sources.has(sourceKey)) this.sources.set(sourceKey, source);
  }
}

function describe(entry: OrderGroupEntry): string {
  return entry.version ? `${entry.id}@${entry.version}` : entry.id;
}

function resolveGroup(group: readonly BuildpackReference[], groupPath: string, catalog: BuildpackCatalog, expansion: Expansion): OrderGroupEntry[] {
  const resolved: OrderGroupEntry[] = [];
  const seen = new Map<string, number>();
  group.forEach((ref, j) => {
    const path = `${groupPath}[${j}]`;
    const lookup = lookupBuildpack(catalog, ref);
    if (!lookup.ok) {
      expansion.issues.push({ path, message: lookup.message });
      return;
    }
    const { id, version } = lookup.found.record;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      expansion.issues.push({ path, message: `buildpack '${id}' is already in this group at ${groupPath}[${earlier}]; list each id at most once per group` });
      return;
    }
    seen.set(id, j);
    expansion.add(lookup.found, path);
    resolved.push(ref.optional ? { id, version, optional: true } : { id, version });
  });
  return resolved;
}

/** Resolves `order` against `catalog`; issue paths start at `basePath` (default `spec.order`). */
export function resolveOrder(order: OrderSpec, catalog: BuildpackCatalog, basePath = 'spec.order'): ResolveResult {
  const expansion = new Expansion(catalog);
  const resolved = order.map((entry, i) => ({ group: resolveGroup(entry.group, `${basePath}[${i}].group`, catalog, expansion) }));
  if (expansion.issues.length > 0) return { ok: false, issues: expansion.issues };
  return {
    ok: true,
    value: { order: resolved, buildpacks: [...expansion.buildpacks.values()], sources: [...expansion.sources.values()] },
  };
}
