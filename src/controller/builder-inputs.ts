/**
 * Gathers a builder's inputs from the cache (kpack's §4.1, with D-b's gate): the stack, lifecycle
 * and store must exist and have a resolved status (not necessarily Ready True: a failing dependency
 * keeps its last resolved fields and the builder keeps building from them); the catalog of
 * Buildpacks (own namespace only), ClusterBuildpacks and the store; and each party's keychain.
 */
import { credentialKey, credentialRefOf, type CredentialRef, type KindName, type KpackResource } from '../api/index.ts';
import type { BuilderKeychains, CreateBuilderInput } from '../app/index.ts';
import type { BuildpackCatalog, BuildpackSource, LifecycleRecord, OrderSpec, SourceRef, StackRecord } from '../cnb/index.ts';
import type { Keychain } from '../oci/index.ts';
import type { DependencyRef, ObjectCache, KeychainSource } from './ports.ts';
import { specOf } from './resolving.ts';
import { resolvedFields, statusOf } from './status.ts';

const observedGeneration = (object: KpackResource): number => {
  const generation = statusOf(object).observedGeneration;
  return typeof generation === 'number' ? generation : 0;
};

type Spec = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const nameOf = (value: unknown): string => text((value as Spec | undefined)?.name);

/** The builder's named dependencies. */
export interface BuilderRefs {
  stack: string;
  lifecycle: string;
  store?: string;
}

/** Names of the stack, lifecycle (default `default-lifecycle`) and store the spec refers to. */
export function builderRefs(object: KpackResource): BuilderRefs {
  const spec = specOf(object);
  const store = nameOf(spec.store);
  return { stack: nameOf(spec.stack), lifecycle: nameOf(spec.lifecycle) || 'default-lifecycle', ...(store ? { store } : {}) };
}

/** The order as written, and the references in it. */
export function orderOf(object: KpackResource): OrderSpec {
  const order = (specOf(object).order ?? []) as Array<{ group?: Spec[] }>;
  return order.map((entry) => ({ group: entry.group ?? [] }));
}

/** Objects the spec names directly (stack, lifecycle, store, Buildpack/ClusterBuildpack refs) and ids of id-only refs. */
export function declaredDependencies(object: KpackResource): { objects: DependencyRef[]; buildpackIds: string[] } {
  const refs = builderRefs(object);
  const objects: DependencyRef[] = [
    { kind: 'ClusterStack', name: refs.stack },
    { kind: 'ClusterLifecycle', name: refs.lifecycle },
    ...(refs.store ? [{ kind: 'ClusterStore', name: refs.store }] : []),
  ];
  const buildpackIds: string[] = [];
  for (const ref of orderOf(object).flatMap((entry) => entry.group)) {
    if (ref.kind === 'Buildpack' && ref.name) objects.push({ kind: 'Buildpack', namespace: object.metadata.namespace, name: ref.name });
    else if (ref.kind === 'ClusterBuildpack' && ref.name) objects.push({ kind: 'ClusterBuildpack', name: ref.name });
    else if (ref.id) buildpackIds.push(ref.id);
  }
  return { objects, buildpackIds };
}

/** A dependency that is missing (`exists` false) or has never resolved: the message says which and how. */
export class MissingDependency {
  readonly message: string;
  readonly exists: boolean;
  constructor(message: string, exists: boolean) {
    this.message = message;
    this.exists = exists;
  }
}

interface Needed {
  kind: KindName;
  name: string;
  /** A status field that exists once the dependency has resolved at least once. */
  field: string;
}

function resolved(cache: ObjectCache, { kind, name, field }: Needed, clusterBuilder: boolean): KpackResource | MissingDependency {
  const object = cache.get(kind, name);
  if (!object) return new MissingDependency(`${kind.toLowerCase()}.kpack.io "${name}" not found`, false);
  if (statusOf(object)[field] !== undefined) return object;
  const lead = clusterBuilder && kind === 'ClusterStack' ? `stack ${name} is not ready` : `Error: ${kind.toLowerCase()} '${name}' is not ready`;
  return new MissingDependency(`${lead}: it has no resolved status yet`, true);
}

/** The resolved dependency objects, or the first reason one cannot be used (kpack's order: store, stack, lifecycle). */
export function gatherDependencies(cache: ObjectCache, object: KpackResource, clusterBuilder: boolean): { stack: KpackResource; lifecycle: KpackResource; store?: KpackResource } | MissingDependency {
  const refs = builderRefs(object);
  const store = refs.store === undefined ? undefined : resolved(cache, { kind: 'ClusterStore', name: refs.store, field: 'buildpacks' }, clusterBuilder);
  if (store instanceof MissingDependency) return store;
  const stack = resolved(cache, { kind: 'ClusterStack', name: refs.stack, field: 'buildImage' }, clusterBuilder);
  if (stack instanceof MissingDependency) return stack;
  const lifecycle = resolved(cache, { kind: 'ClusterLifecycle', name: refs.lifecycle, field: 'image' }, clusterBuilder);
  if (lifecycle instanceof MissingDependency) return lifecycle;
  return { stack, lifecycle, ...(store ? { store } : {}) };
}

function asSource(kind: SourceRef['kind'], object: KpackResource): BuildpackSource {
  const buildpacks = (statusOf(object).buildpacks ?? []) as BuildpackSource['buildpacks'];
  const { name = '', namespace } = object.metadata;
  return { kind, name, ...(kind === 'Buildpack' && namespace ? { namespace } : {}), buildpacks };
}

/** Buildpacks in the builder's namespace (Builder only), every ClusterBuildpack, and the store. */
export function catalogFor(cache: ObjectCache, object: KpackResource, store: KpackResource | undefined): BuildpackCatalog {
  const namespaced = object.kind === 'Builder' && object.metadata.namespace ? cache.list('Buildpack', object.metadata.namespace) : [];
  return {
    buildpacks: namespaced.map((b) => asSource('Buildpack', b)),
    clusterBuildpacks: cache.list('ClusterBuildpack').map((b) => asSource('ClusterBuildpack', b)),
    ...(store ? { store: asSource('ClusterStore', store) } : {}),
  };
}

function sourceOwnerRef(cache: ObjectCache, source: SourceRef): CredentialRef | undefined {
  const owner = cache.get(source.kind, source.namespace ? `${source.namespace}/${source.name}` : source.name);
  return owner ? credentialRefOf(owner) : undefined;
}

/**
 * kpack's routing: stack and lifecycle use their own service account or fall back to the builder's;
 * each buildpack source uses its owner's. Every distinct service account is resolved once, up front.
 */
export async function builderKeychains(source: KeychainSource, cache: ObjectCache, object: KpackResource, found: { stack: KpackResource; lifecycle: KpackResource; catalog: BuildpackCatalog }): Promise<BuilderKeychains> {
  const wanted = new Map<string, CredentialRef>();
  const want = (ref: CredentialRef | undefined): void => void (ref && wanted.set(credentialKey(ref), ref));
  const builderRef = credentialRefOf(object);
  want(builderRef);
  // A stack or lifecycle without serviceAccountRef (no account named) reads with the builder's credentials.
  const own = (dependency: KpackResource): CredentialRef => {
    const ref = credentialRefOf(dependency);
    return ref.serviceAccount ? ref : builderRef;
  };
  want(own(found.stack));
  want(own(found.lifecycle));
  const { catalog } = found;
  const sources: SourceRef[] = [...catalog.buildpacks, ...catalog.clusterBuildpacks, ...(catalog.store ? [catalog.store] : [])];
  for (const s of sources) want(sourceOwnerRef(cache, s));
  const resolved = new Map<string, Keychain>();
  await Promise.all([...wanted].map(async ([id, ref]) => resolved.set(id, await source.keychainFor(ref))));
  const of = (ref: CredentialRef): Keychain => resolved.get(credentialKey(ref)) as Keychain;
  return {
    builder: of(builderRef),
    stack: of(own(found.stack)),
    lifecycle: of(own(found.lifecycle)),
    source: (ref) => of(sourceOwnerRef(cache, ref) ?? builderRef),
  };
}

/** The createBuilder input from the gathered objects. */
export function builderInput(object: KpackResource, found: { stack: KpackResource; lifecycle: KpackResource; store?: KpackResource }, catalog: BuildpackCatalog, keychains: BuilderKeychains): CreateBuilderInput {
  const spec = specOf(object);
  return {
    builder: { kind: object.kind as 'Builder' | 'ClusterBuilder', name: object.metadata.name ?? '', namespace: object.metadata.namespace ?? '' },
    spec: { tag: text(spec.tag), order: orderOf(object), additionalLabels: spec.additionalLabels as Record<string, string> | undefined },
    stack: resolvedFields(statusOf(found.stack)) as unknown as StackRecord,
    lifecycle: resolvedFields(statusOf(found.lifecycle)) as unknown as LifecycleRecord,
    catalog,
    keychains,
    observed: { stackGeneration: observedGeneration(found.stack), storeGeneration: found.store ? observedGeneration(found.store) : 0 },
  };
}
