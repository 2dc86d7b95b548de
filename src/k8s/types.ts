/**
 * Plain shapes the Kubernetes adapter hands out: objects as parsed JSON, references, lists and
 * watch events. No client-library types leak through them, so reconcilers and fakes stay simple.
 */
import type { KindName, KubeObject } from '../api/index.ts';

export type { KubeObject, ObjectMeta } from '../api/index.ts';

/** Every kind the adapter reads or watches: the seven kpack.io kinds plus the core kinds credentials and CLI settings come from. */
export type ResourceKind = KindName | 'Secret' | 'ServiceAccount' | 'ConfigMap';

/** Names one object: `namespace` is absent (or empty) for cluster-scoped kinds. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** The result of a list: the items and the collection's resourceVersion to watch from. */
export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

/** The change a watch event reports (BOOKMARK only moves the resourceVersion on). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One decoded watch event. */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (the work-queue key format). */
export function objectKey(ref: { namespace?: string | undefined; name: string }): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** The key of an object's own metadata. */
export function keyOf(object: KubeObject): string {
  return objectKey({ namespace: object.metadata.namespace, name: object.metadata.name });
}
