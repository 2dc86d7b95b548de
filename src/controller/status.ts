/**
 * Writing status the way every reconciler must: transition times carried over for unchanged
 * conditions, nothing written when the status is semantically the same, and a 409 on the write
 * answered by re-reading the object from the API server and writing again at once.
 */
import { carryTransitionTimes, sameStatus, type Condition, type KindName, resourceKey } from '../api/index.ts';
import type { LocalStatus } from '../app/index.ts';
import { errorKindOf } from '../shared/index.ts';
import type { ObjectOfRecord, StatusWriter } from './ports.ts';

const conflictAttempts = 3;

/** A status as the comparison and the D-b retention read it: any kind's status fields. */
export type AnyStatus = { conditions?: Condition[] } & Record<string, unknown>;

/** The object's current status (empty when it has none). */
export function statusOf(object: { status?: object | undefined }): AnyStatus {
  return { ...object.status };
}

function withCarriedTimes(next: LocalStatus, previous: AnyStatus): LocalStatus {
  return { ...next, conditions: carryTransitionTimes(next.conditions, previous.conditions) };
}

/**
 * Writes `next` as the object's status unless it equals the current one semantically. Resolves to
 * true when a write happened. On a conflict the object is fetched again and the write repeated (a
 * few times); a vanished object ends quietly. Other write errors are thrown to the caller. A
 * function `next` is given each attempt's current status, so fields another writer owns (the
 * update poller's) are rebased on what the server has, not lost.
 */
export async function commitStatus(
  writer: StatusWriter,
  kind: KindName,
  object: ObjectOfRecord,
  next: LocalStatus | ((current: AnyStatus) => LocalStatus),
): Promise<boolean> {
  let current: ObjectOfRecord = object;
  for (let attempt = 1; ; attempt++) {
    const status = withCarriedTimes(typeof next === 'function' ? next(statusOf(current)) : next, statusOf(current));
    if (sameStatus(statusOf(current), status)) return false;
    try {
      await writer.writeStatus(kind, current, status);
      return true;
    } catch (error) {
      if (errorKindOf(error) !== 'conflict' || attempt >= conflictAttempts) throw error;
      const fresh = await writer.fetch(kind, resourceKey(current));
      if (!fresh) return false;
      current = fresh;
    }
  }
}

/** The fields of a previous status other than generation and conditions (D-b: what a failure keeps). */
export function resolvedFields(previous: Record<string, unknown>): Record<string, unknown> {
  const { observedGeneration: _generation, conditions: _conditions, ...fields } = previous;
  return fields;
}
