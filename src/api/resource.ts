/**
 * The resource model. `KubeObject` is the one envelope of any object as JSON (a file's document, an
 * API server response, an admission review's object) before its spec is checked. `Resource<K>` is a
 * kpack.io object whose spec and status were parsed once, where it entered, with the kind's
 * v1alpha2 schemas; everything past that boundary reads typed fields.
 */
import { isJsonObject } from '../shared/index.ts';
import type { KindName } from './kinds.ts';
import type * as v2 from './v1alpha2.ts';

/** The metadata fields packsmith relies on; anything else the server sends is kept as it is. */
export interface ObjectMeta {
  /** Empty only in a document that names nothing (validation reports it). */
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Any Kubernetes object as JSON: checked only for `metadata`, spec and status still unknown. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** The metadata of a raw JSON object: `name` is '' when absent (validation reports it), other fields kept. */
export function metadataOf(value: unknown): ObjectMeta {
  if (!isJsonObject(value)) return { name: '' };
  return { ...value, name: typeof value.name === 'string' ? value.name : '' };
}

const isOptionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/**
 * A JSON value (an API server response, a watch event's object) in the envelope: undefined when it
 * is not an object or its apiVersion or kind is not a string; metadata is read with `metadataOf`.
 */
export function kubeObjectOf(value: unknown): KubeObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const { apiVersion, kind } = value;
  if (!isOptionalString(apiVersion) || !isOptionalString(kind)) return undefined;
  // Spread in again only so the type says they are strings: the keys and their order stay as sent.
  return { ...value, ...(apiVersion === undefined ? {} : { apiVersion }), ...(kind === undefined ? {} : { kind }), metadata: metadataOf(value.metadata) };
}

/** Spec and status of each kind in the storage version. */
interface Shapes {
  ClusterStore: { spec: v2.ClusterStoreSpec; status: v2.StoreStatus };
  ClusterStack: { spec: v2.ClusterStackSpec; status: v2.ClusterStackStatus };
  ClusterLifecycle: { spec: v2.ClusterLifecycleSpec; status: v2.ClusterLifecycleStatus };
  Buildpack: { spec: v2.BuildpackSpec; status: v2.StoreStatus };
  ClusterBuildpack: { spec: v2.ClusterBuildpackSpec; status: v2.StoreStatus };
  Builder: { spec: v2.BuilderSpec; status: v2.BuilderStatus };
  ClusterBuilder: { spec: v2.ClusterBuilderSpec; status: v2.BuilderStatus };
}
export type SpecOf<K extends KindName> = Shapes[K]['spec'];
export type StatusOf<K extends KindName> = Shapes[K]['status'];

/** A kpack.io object of kind `K` with a valid, defaulted v1alpha2 spec (and status, when it has one). */
export interface Resource<K extends KindName = KindName> {
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta;
  spec: SpecOf<K>;
  status?: StatusOf<K>;
}

/** One resource of any kind, narrowed by `kind`. */
export type AnyResource = { [K in KindName]: Resource<K> }[KindName];

/** An object of kind `K` whose spec does not fit the schema: its identity and every problem. */
export interface InvalidResource<K extends KindName = KindName> {
  kind: K;
  metadata: ObjectMeta;
  /** The status as stored (unchecked), so a status write can tell whether anything changed. */
  status?: object;
  problems: readonly string[];
}

/** What parsing an object of kind `K` gives. */
export type ParsedResource<K extends KindName = KindName> = Resource<K> | InvalidResource<K>;

export const isInvalid = <K extends KindName>(parsed: ParsedResource<K>): parsed is InvalidResource<K> => 'problems' in parsed;

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function resourceKey(resource: { metadata: { name: string; namespace?: string | undefined } }): string {
  const { name, namespace } = resource.metadata;
  return namespace ? `${namespace}/${name}` : name;
}
