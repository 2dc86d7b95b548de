/**
 * The reconciler contract and the error policy every reconciler shares (deliberate difference D-a).
 * The decision reads only an error's kind (shared/error-kind.ts), set where the error was raised:
 * transient failures (connection faults, 429, 5xx) retry with backoff; a missing dependency (an
 * image that may be pushed later, a dependency without a resolved status) is looked at again after
 * a fixed delay, or when an event says it changed; permanent failures (401/403, invalid specs) wait
 * for a change of the object or a dependency; a conflict on a status write is re-read at once.
 */
import { errorKindOf, MissingDependencyError, type ErrorKind } from '../shared/index.ts';

/** What the worker does with a key after a reconcile; `failure` is set when it did not succeed. */
export type Result =
  /** Nothing more until an event (or the periodic resync) enqueues the key again. */
  (
    | { type: 'done' }
    /** Enqueue again after a fixed delay (a missing image, a dependency without a resolved status). */
    | { type: 'requeueAfter'; delayMs: number }
    /** A transient failure: enqueue again with the queue's per-key exponential backoff. */
    | { type: 'backoff' }
  ) & { failure?: ErrorKind };

/** Reconciles one key of one kind; never throws for failures it could report in status. */
export interface Reconciler {
  /** `namespace/name` or `name`. */
  reconcile(key: string, signal?: AbortSignal): Promise<Result>;
}

/** The fixed delay after a missing dependency that names no delay of its own, such as a 404 on an image (it may be pushed later). */
export const missingImageDelayMs = 5 * 60_000;

/** Results, named. */
export const results: { done: Result; backoff: Result; after: (delayMs: number) => Result } = {
  done: { type: 'done' },
  backoff: { type: 'backoff' },
  after: (delayMs: number): Result => ({ type: 'requeueAfter', delayMs }),
};

// A MissingDependencyError says when to look again (undefined: when an event says a dependency
// changed); any other missing dependency, such as an image 404, is looked at after a fixed delay.
function missingDependencyResult(error: unknown): Result {
  if (!(error instanceof MissingDependencyError)) return results.after(missingImageDelayMs);
  return error.requeueAfterMs === undefined ? results.done : results.after(error.requeueAfterMs);
}

function handlingOf(kind: ErrorKind, error: unknown): Result {
  switch (kind) {
    case 'transient':
      return results.backoff;
    case 'missing-dependency':
      return missingDependencyResult(error);
    case 'conflict':
      return results.after(0);
    default:
      return results.done;
  }
}

/** The Result for a failure, from its kind alone (and a missing dependency's own delay), marked as a failure. */
export function resultForError(error: unknown): Result {
  const kind = errorKindOf(error);
  return { ...handlingOf(kind, error), failure: kind };
}
