/**
 * The dependency index of builders (D-e): which dependents use which objects, and which buildpack ids
 * an id-only order entry resolved from. A change to an object, or to any resource that provides one of
 * the ids, enqueues only the dependents that use it.
 */
import type { ObjectRef } from './types.ts';

/** Everything one dependent uses, replaced as a whole on each reconcile. */
export interface Dependencies {
  objects: readonly ObjectRef[];
  /** Buildpack ids from id-only order entries (they may be satisfied by any provider of that id). */
  buildpackIds?: readonly string[];
}

/** The dependency index. Dependents and dependencies are identified by kind, namespace and name. */
export interface Tracker {
  /** Records that `dependent` uses `dependency` (kept until `forget` or `setDependencies`). */
  track(dependent: ObjectRef, dependency: ObjectRef): void;
  /** Records that `dependent` uses whatever provides buildpack `id`. */
  trackBuildpackId(dependent: ObjectRef, id: string): void;
  /** Replaces everything `dependent` uses. */
  setDependencies(dependent: ObjectRef, dependencies: Dependencies): void;
  /** The dependents that use `dependency`. */
  dependentsOf(dependency: ObjectRef): ObjectRef[];
  /**
   * The dependents that use any of `ids` through id-only entries. With `namespace` (a change to a
   * namespaced Buildpack) only dependents in that namespace are returned: a Buildpack never serves
   * another namespace or a cluster-scoped builder.
   */
  dependentsOfBuildpackIds(ids: Iterable<string>, options?: { namespace?: string }): ObjectRef[];
  /** Drops every record of `dependent` (it was deleted). */
  forget(dependent: ObjectRef): void;
}

/** Creates an empty tracker. */
export function createTracker(): Tracker {
  return new MapTracker();
}

const refId = (ref: ObjectRef): string => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

class MapTracker implements Tracker {
  readonly #dependents = new Map<string, ObjectRef>();
  readonly #byObject = new Map<string, Set<string>>();
  readonly #byId = new Map<string, Set<string>>();
  readonly #uses = new Map<string, { objects: Set<string>; ids: Set<string> }>();

  track(dependent: ObjectRef, dependency: ObjectRef): void {
    const uses = this.#usesOf(dependent);
    const target = refId(dependency);
    uses.objects.add(target);
    addTo(this.#byObject, target, refId(dependent));
  }

  trackBuildpackId(dependent: ObjectRef, id: string): void {
    this.#usesOf(dependent).ids.add(id);
    addTo(this.#byId, id, refId(dependent));
  }

  setDependencies(dependent: ObjectRef, dependencies: Dependencies): void {
    this.forget(dependent);
    for (const object of dependencies.objects) this.track(dependent, object);
    for (const id of dependencies.buildpackIds ?? []) this.trackBuildpackId(dependent, id);
  }

  dependentsOf(dependency: ObjectRef): ObjectRef[] {
    return this.#resolve(this.#byObject.get(refId(dependency)) ?? []);
  }

  dependentsOfBuildpackIds(ids: Iterable<string>, options: { namespace?: string } = {}): ObjectRef[] {
    const found = new Set<string>();
    for (const id of ids) for (const dependent of this.#byId.get(id) ?? []) found.add(dependent);
    const refs = this.#resolve(found);
    if (options.namespace === undefined) return refs;
    return refs.filter((ref) => ref.namespace === options.namespace);
  }

  forget(dependent: ObjectRef): void {
    const id = refId(dependent);
    const uses = this.#uses.get(id);
    if (uses === undefined) return;
    for (const target of uses.objects) removeFrom(this.#byObject, target, id);
    for (const buildpackId of uses.ids) removeFrom(this.#byId, buildpackId, id);
    this.#uses.delete(id);
    this.#dependents.delete(id);
  }

  #usesOf(dependent: ObjectRef): { objects: Set<string>; ids: Set<string> } {
    const id = refId(dependent);
    let uses = this.#uses.get(id);
    if (uses === undefined) {
      uses = { objects: new Set(), ids: new Set() };
      this.#uses.set(id, uses);
      this.#dependents.set(id, { kind: dependent.kind, name: dependent.name, ...(dependent.namespace ? { namespace: dependent.namespace } : {}) });
    }
    return uses;
  }

  #resolve(ids: Iterable<string>): ObjectRef[] {
    const refs: ObjectRef[] = [];
    for (const id of ids) {
      const ref = this.#dependents.get(id);
      if (ref !== undefined) refs.push(ref);
    }
    return refs;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
