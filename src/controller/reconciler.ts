/**
 * The reconciler contract and the error policy every reconciler shares (deliberate difference D-a):
 * connection failures, 429 and 5xx retry with backoff; a referenced image that does not exist (404)
 * is retried on a slow fixed delay because it may be pushed later; 401/403 and invalid specs wait
 * for a change of the object or a dependency; a 409 on a status write is re-read and retried at once.
 */
import { isAppError } from '../shared/index.ts';

/** Why a reconcile did not succeed, for metrics: an error class, or a dependency that is missing or unresolved. */
export type FailureKind = ErrorClass | 'dependency';

/** What the worker does with a key after a reconcile; `failure` is set when it did not succeed. */
export type Result = (
  /** Nothing more until an event (or the periodic resync) enqueues the key again. */
  | { type: 'done' }
  /** Enqueue again after a fixed delay (a missing image, a dependency without a resolved status). */
  | { type: 'requeueAfter'; delayMs: number }
  /** A transient failure: enqueue again with the queue's per-key exponential backoff. */
  | { type: 'backoff' }
) & { failure?: FailureKind };

/** Reconciles one key of one kind; never throws for failures it could report in status. */
export interface Reconciler {
  /** `namespace/name` or `name`. */
  reconcile(key: string, signal?: AbortSignal): Promise<Result>;
}

/** How a failure is handled. */
export type ErrorClass = 'retry' | 'missing-image' | 'permanent' | 'conflict';

/** The fixed delay after a 404 on a referenced image (it may be pushed later). */
export const missingImageDelayMs = 5 * 60_000;

/** Results, named. */
export const results = {
  done: { type: 'done' } as Result,
  backoff: { type: 'backoff' } as Result,
  after: (delayMs: number): Result => ({ type: 'requeueAfter', delayMs }),
};

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

interface Shape {
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  cause?: unknown;
  failures?: unknown;
}

function httpStatusOf(error: Shape): number | undefined {
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function classifyStatus(status: number): ErrorClass | undefined {
  if (status === 409) return 'conflict';
  if (status === 404) return 'missing-image';
  if (status === 429 || status >= 500) return 'retry';
  if (status >= 400) return 'permanent';
  return undefined;
}

// The more permanent class wins when several failures are combined: a wrong password will not be
// fixed by retrying, even if another source merely timed out.
const rank: Record<ErrorClass, number> = { retry: 0, conflict: 1, 'missing-image': 2, permanent: 3 };

function combine(classes: readonly ErrorClass[]): ErrorClass {
  return classes.reduce<ErrorClass>((worst, c) => (rank[c] > rank[worst] ? c : worst), 'retry');
}

function classifyShape(shape: Shape): ErrorClass | undefined {
  // The Kubernetes adapter's conflict carries a code, not a status; its 404 means a deleted object.
  if (shape.code === 'CONFLICT') return 'conflict';
  const status = httpStatusOf(shape);
  if (shape.code === 'KUBE_API' && status === 404) return 'permanent';
  const byStatus = status === undefined ? undefined : classifyStatus(status);
  if (byStatus) return byStatus;
  return typeof shape.code === 'string' && connectionCodes.has(shape.code) ? 'retry' : undefined;
}

const ownFlag = (error: unknown): ErrorClass => (isAppError(error) && error.retryable ? 'retry' : 'permanent');

function classifyOne(error: unknown, depth: number): ErrorClass {
  if (error === null || typeof error !== 'object' || depth > 8) return 'permanent';
  const shape = error as Shape;
  if (Array.isArray(shape.failures) && shape.failures.length > 0) {
    return combine(shape.failures.map((f: { error?: unknown }) => classifyOne(f.error, depth + 1)));
  }
  const direct = classifyShape(shape);
  if (direct) return direct;
  const inner = shape.cause === undefined ? 'permanent' : classifyOne(shape.cause, depth + 1);
  return inner !== 'permanent' ? inner : ownFlag(error);
}

/**
 * Classifies a failure once, at the edge: HTTP status first (409 conflict, 404 missing image, 429
 * and 5xx retry, other 4xx permanent), then connection-level error codes, then the cause chain,
 * then the AppError `retryable` flag. A multi-source failure takes its most permanent part.
 */
export function classifyError(error: unknown): ErrorClass {
  return classifyOne(error, 0);
}

function handlingOf(errorClass: ErrorClass): Result {
  switch (errorClass) {
    case 'retry':
      return results.backoff;
    case 'missing-image':
      return results.after(missingImageDelayMs);
    case 'conflict':
      return results.after(0);
    default:
      return results.done;
  }
}

/** The Result for a failure's class (conflicts are retried at once), marked as a failure. */
export function resultFor(errorClass: ErrorClass): Result {
  return { ...handlingOf(errorClass), failure: errorClass };
}
