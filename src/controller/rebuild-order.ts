/**
 * The order in which waiting keys are reconciled when many wait at once (kpack#774: a store change
 * that touches thousands of builders). Inputs (stores, stacks, lifecycles, buildpacks) go before
 * builders: they are quick and builders wait on them. Builders go by their rebuild-priority
 * annotation, then newest spec change first (the people who just changed a builder are watching
 * it), read from the API server's managedFields, else the creation time.
 */
import { rebuildPriorityAnnotation, type KubeObject } from '../api/index.ts';

const priorityLimit = 1000;
/** Seconds since the epoch stay below this until the year 2286, so the time never outweighs a priority step. */
const timeSpan = 1e10;
const inputRank = (2 * priorityLimit + 1) * timeSpan;

/** The annotation as an integer within ±1000; 0 when absent or not an integer. */
export function rebuildPriorityOf(object: KubeObject): number {
  const text = object.metadata.annotations?.[rebuildPriorityAnnotation]?.trim() ?? '';
  if (!/^[+-]?\d+$/.test(text)) return 0;
  return Math.max(-priorityLimit, Math.min(priorityLimit, Number(text)));
}

/** The time of a managedFields entry that touched `spec`, in epoch ms; undefined for any other entry. */
function specWriteTime(entry: unknown): number | undefined {
  if (typeof entry !== 'object' || entry === null || !('time' in entry) || typeof entry.time !== 'string') return undefined;
  const fields = 'fieldsV1' in entry ? entry.fieldsV1 : undefined;
  if (typeof fields !== 'object' || fields === null || !('f:spec' in fields)) return undefined;
  const at = Date.parse(entry.time);
  return Number.isFinite(at) ? at : undefined;
}

/** When the spec was last changed, in epoch seconds: the newest managedFields entry that touched `spec`, else the creation time. */
export function specChangedAt(object: KubeObject): number {
  const { managedFields, creationTimestamp } = object.metadata;
  const entries: readonly unknown[] = Array.isArray(managedFields) ? managedFields : [];
  const writes = entries.flatMap((entry) => specWriteTime(entry) ?? []);
  const created = typeof creationTimestamp === 'string' ? Date.parse(creationTimestamp) : Number.NaN;
  const newest = writes.length > 0 ? Math.max(...writes) : created;
  return Number.isFinite(newest) ? Math.floor(newest / 1000) : 0;
}

/** The queue rank of an object of `kind` (higher first); `object` undefined when it is not cached (a delete). */
export function rebuildRank(kind: string, object: KubeObject | undefined): number {
  if (kind !== 'Builder' && kind !== 'ClusterBuilder') return inputRank;
  if (!object) return 0;
  return (rebuildPriorityOf(object) + priorityLimit) * timeSpan + Math.min(timeSpan - 1, specChangedAt(object));
}
