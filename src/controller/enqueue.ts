/**
 * Which work-queue keys an informer event produces: the object itself (unless the update changed
 * only its status, which is the controller's own write), and, for resources builders depend on,
 * the builders that use them, but only when the dependency's status changed semantically (D-e).
 */
import { approveUpdateAnnotation, kindInfo, resyncAnnotation, sameStatus, updateStatusKeys, type KindName } from '../api/index.ts';
import { isArray, isJsonObject } from '../shared/index.ts';
import type { InformerEvent, ObjectRef, Tracker } from '../k8s/index.ts';

/** A queue key: `Kind:namespace/name` or `Kind:name`. */
export function queueKey(kind: string, key: string): string {
  return `${kind}:${key}`;
}

/** Splits a queue key into kind and object key; undefined for a kind packsmith does not serve (none is ever queued). */
export function parseQueueKey(item: string): { kind: KindName; key: string } | undefined {
  const colon = item.indexOf(':');
  const kind = kindInfo(item.slice(0, colon))?.kind;
  return kind === undefined ? undefined : { kind, key: item.slice(colon + 1) };
}

const generationOf = (event: InformerEvent['object'] | undefined): unknown => event?.metadata.generation;
const deletingOf = (event: InformerEvent['object'] | undefined): unknown => event?.metadata.deletionTimestamp;
const resyncOf = (event: InformerEvent['object'] | undefined): unknown => event?.metadata.annotations?.[resyncAnnotation];
const approvalOf = (event: InformerEvent['object'] | undefined): unknown => event?.metadata.annotations?.[approveUpdateAnnotation];

/** The digests in use and held (`image@digest` of resolvedImages and pendingUpdates), as the update poller writes them. */
function digestsOf(object: InformerEvent['object'] | undefined): string {
  const status = isJsonObject(object?.status) ? object.status : {};
  const pairs = (list: unknown, field: string): string[] =>
    (isArray(list) ? list : []).map((e) => (isJsonObject(e) ? `${String(e.image)}@${String(e[field])}` : ''));
  return JSON.stringify([pairs(status.resolvedImages, 'digest'), pairs(status.pendingUpdates, 'to')]);
}

// A new resync annotation (`packsmith <kind> resync`) or update approval counts like a spec change, and
// so does a digest the update poller put in use or held: the reconcile then reads the cache that
// already holds it (an enqueue at the poller's write could read the cache before the write arrives).
function selfChanged(event: InformerEvent): boolean {
  if (event.type !== 'update') return true;
  return (
    generationOf(event.object) !== generationOf(event.oldObject) ||
    deletingOf(event.object) !== deletingOf(event.oldObject) ||
    resyncOf(event.object) !== resyncOf(event.oldObject) ||
    approvalOf(event.object) !== approvalOf(event.oldObject) ||
    digestsOf(event.object) !== digestsOf(event.oldObject)
  );
}

function buildpackIds(object: InformerEvent['object'] | undefined): string[] {
  const status = object?.status;
  const buildpacks = isJsonObject(status) && isArray(status.buildpacks) ? status.buildpacks : [];
  return buildpacks.map((b) => (isJsonObject(b) && typeof b.id === 'string' ? b.id : '')).filter((id) => id !== '');
}

/** The status as builders read it: the update poller's fields (a check time every interval) are not theirs. */
function builderView(status: unknown): unknown {
  if (!isJsonObject(status)) return status;
  const view = { ...status };
  for (const key of updateStatusKeys) delete view[key];
  return view;
}

function dependents(kind: KindName, event: InformerEvent, tracker: Tracker): ObjectRef[] {
  if (event.type === 'sync') return [];
  if (event.type === 'update' && sameStatus(builderView(event.object.status), builderView(event.oldObject?.status))) return [];
  const { name, namespace } = event.object.metadata;
  const found = tracker.dependentsOf({ kind, name, ...(namespace ? { namespace } : {}) });
  // A Buildpack or ClusterBuildpack may satisfy an id-only reference of any builder that can see it.
  if (kind === 'Buildpack' || kind === 'ClusterBuildpack') {
    const ids = new Set([...buildpackIds(event.object), ...buildpackIds(event.oldObject)]);
    found.push(...tracker.dependentsOfBuildpackIds(ids, kind === 'Buildpack' ? { namespace } : {}));
  }
  return found;
}

const builderKinds: ReadonlySet<string> = new Set(['Builder', 'ClusterBuilder']);

/** The queue keys to add for one informer event of `kind`. */
export function keysForEvent(kind: KindName, event: InformerEvent, tracker: Tracker): string[] {
  const keys = new Set<string>();
  if (selfChanged(event)) keys.add(queueKey(kind, event.key));
  if (!builderKinds.has(kind)) {
    for (const ref of dependents(kind, event, tracker)) keys.add(queueKey(ref.kind, ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name));
  }
  return [...keys];
}
