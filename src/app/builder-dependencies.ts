/**
 * What a builder uses, in one place: the objects its spec names and the buildpack ids it asks for
 * (id-only order entries and the buildpacks of its last image). The controller records these to
 * enqueue builders when a dependency changes; the webhook asks the same question before a delete.
 */
import { isInvalid, parseResource, type KubeObject } from '../api/index.ts';
import { builderRefs, orderOf, type BuilderResource, type SupplierKind } from './builder-inputs.ts';

/** Names one object: `namespace` absent for cluster-scoped kinds. */
export interface ObjectName {
  kind: string;
  namespace?: string;
  name: string;
}

/** Objects the spec names directly (stack, lifecycle, store, Buildpack/ClusterBuildpack refs) and ids of id-only refs. */
export function declaredDependencies(builder: BuilderResource): { objects: ObjectName[]; buildpackIds: string[] } {
  const { spec } = builder;
  const refs = builderRefs(spec);
  const objects: ObjectName[] = [
    { kind: 'ClusterStack', name: refs.stack },
    { kind: 'ClusterLifecycle', name: refs.lifecycle },
    ...(refs.store ? [{ kind: 'ClusterStore', name: refs.store }] : []),
  ];
  const buildpackIds: string[] = [];
  for (const ref of orderOf(spec).flatMap((entry) => entry.group)) {
    if (ref.kind === 'Buildpack' && ref.name) objects.push({ kind: 'Buildpack', ...namespaceOf(builder), name: ref.name });
    else if (ref.kind === 'ClusterBuildpack' && ref.name) objects.push({ kind: 'ClusterBuildpack', name: ref.name });
    else if (ref.id) buildpackIds.push(ref.id);
  }
  return { objects, buildpackIds };
}

const namespaceOf = (builder: BuilderResource): { namespace?: string } => (builder.metadata.namespace ? { namespace: builder.metadata.namespace } : {});

/** A builder as the in-use question sees it: its spec and the buildpack ids of the image it last built. */
export interface BuilderInUse extends BuilderResource {
  builtBuildpackIds?: readonly string[];
}

/** A resource builders may use: its identity and, for buildpack kinds, the ids it provides. */
export interface UsedResource {
  kind: SupplierKind;
  name: string;
  namespace?: string;
  buildpackIds?: readonly string[];
}

// A namespaced Buildpack serves only Builders of its own namespace; the cluster kinds serve every builder.
function canSee(builder: BuilderResource, target: UsedResource): boolean {
  if (target.kind !== 'Buildpack') return true;
  return builder.kind === 'Builder' && builder.metadata.namespace === target.namespace;
}

/** Whether `builder` uses `target`: by name in its spec, or (buildpack kinds) through an id it asks for or built with. */
export function usesResource(builder: BuilderInUse, target: UsedResource): boolean {
  if (!canSee(builder, target)) return false;
  const declared = declaredDependencies(builder);
  const named = declared.objects.some((o) => o.kind === target.kind && o.name === target.name && (o.namespace ?? '') === (target.namespace ?? ''));
  if (named || (target.kind !== 'Buildpack' && target.kind !== 'ClusterBuildpack')) return named;
  const wanted = new Set([...declared.buildpackIds, ...(builder.builtBuildpackIds ?? [])]);
  return (target.buildpackIds ?? []).some((id) => wanted.has(id));
}

/** The builders of `builders` that use `target`, as names, in the given order. */
export function buildersUsing(target: UsedResource, builders: readonly BuilderInUse[]): ObjectName[] {
  return builders
    .filter((builder) => usesResource(builder, target))
    .map((builder) => ({ kind: builder.kind, ...namespaceOf(builder), name: builder.metadata.name }));
}

/**
 * A Builder or ClusterBuilder object as the in-use question reads it; undefined for one that is
 * being deleted (it no longer holds anything) or whose spec is invalid (it builds nothing).
 */
export function builderInUseOf(kind: 'Builder' | 'ClusterBuilder', object: KubeObject): BuilderInUse | undefined {
  if (object.metadata.deletionTimestamp) return undefined;
  const parsed = parseResource(kind, object);
  if (isInvalid(parsed)) return undefined;
  const { name, namespace } = parsed.metadata;
  const builtBuildpackIds = parsed.status?.builderMetadata?.map((b) => b.id) ?? [];
  return { kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec: parsed.spec, builtBuildpackIds };
}
