/**
 * The one parse of a kpack.io object into a typed resource, used where objects enter: the
 * controller's informer cache and fresh reads, and local mode's file reader (after validation).
 */
import { applyDefaults } from './defaults.ts';
import type { KindName } from './kinds.ts';
import type { AnyResource, InvalidResource, KubeObject, ParsedResource, SpecOf, StatusOf } from './resource.ts';
import type * as z from 'zod/mini';
import * as v2 from './v1alpha2.ts';

const schemas: { [K in KindName]: { spec: z.ZodMiniType<SpecOf<K>>; status: z.ZodMiniType<StatusOf<K>> } } = {
  ClusterStore: { spec: v2.clusterStoreSpec, status: v2.storeStatus },
  ClusterStack: { spec: v2.clusterStackSpec, status: v2.clusterStackStatus },
  ClusterLifecycle: { spec: v2.clusterLifecycleSpec, status: v2.clusterLifecycleStatus },
  Buildpack: { spec: v2.buildpackSpec, status: v2.storeStatus },
  ClusterBuildpack: { spec: v2.clusterBuildpackSpec, status: v2.storeStatus },
  Builder: { spec: v2.builderSpec, status: v2.builderStatus },
  ClusterBuilder: { spec: v2.clusterBuilderSpec, status: v2.builderStatus },
};

const pathOf = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : `${out}.${String(part)}`), 'spec');

/**
 * Parses a v1alpha2 object of kind `kind` (as the API server serves it) into a typed resource, with
 * kpack's defaults applied. A status that does not fit is dropped: packsmith writes status, so the
 * next reconcile replaces it, while a spec that does not fit makes the object invalid.
 */
export function parseResource<K extends KindName>(kind: K, object: KubeObject): ParsedResource<K> {
  const apiVersion = object.apiVersion ?? 'kpack.io/v1alpha2';
  const defaulted = applyDefaults({ ...object, apiVersion, kind });
  const { spec, status } = schemas[kind];
  const parsedSpec = spec.safeParse(defaulted.spec ?? {});
  const stored = typeof object.status === 'object' && object.status !== null ? object.status : undefined;
  if (!parsedSpec.success) {
    return {
      kind,
      metadata: object.metadata,
      ...(stored ? { status: stored } : {}),
      problems: parsedSpec.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`),
    };
  }
  const parsedStatus = stored ? status.safeParse(stored) : undefined;
  return { apiVersion, kind, metadata: object.metadata, spec: parsedSpec.data, ...(parsedStatus?.success ? { status: parsedStatus.data } : {}) };
}

/** Parses an object whose kind is known only at run time into the union that `kind` narrows. */
export function parseAnyResource(kind: KindName, object: KubeObject): AnyResource | InvalidResource {
  // One case per kind: TypeScript does not distribute a generic function's result over a union argument.
  switch (kind) {
    case 'ClusterStore':
      return parseResource(kind, object);
    case 'ClusterStack':
      return parseResource(kind, object);
    case 'ClusterLifecycle':
      return parseResource(kind, object);
    case 'Buildpack':
      return parseResource(kind, object);
    case 'ClusterBuildpack':
      return parseResource(kind, object);
    case 'Builder':
      return parseResource(kind, object);
    case 'ClusterBuilder':
      return parseResource(kind, object);
  }
}
