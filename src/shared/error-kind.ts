/**
 * The one classification of failures. Every AppError carries a `kind`, set where it is raised;
 * `errorKindOf` also reads raw errors (Node socket and DNS codes, undici's, aborts) so that the
 * registry client's retry loop, the controller's requeue decision, its metrics and the CLI all
 * decide from the same answer and never from HTTP codes or message text.
 */

/** What a failure means for whoever may try again. */
export const errorKinds = ['transient', 'permanent', 'missing-dependency', 'conflict', 'cancelled'] as const;

/**
 * - `transient`: the same call may succeed later (connection faults, 408, 429, 5xx);
 * - `permanent`: nothing changes until the input does (401/403, invalid specs, incompatible buildpacks);
 * - `missing-dependency`: something named does not exist or has not resolved yet (an image 404, a stack without status);
 * - `conflict`: another writer won (409); re-read and try at once;
 * - `cancelled`: the caller aborted; nobody should act on it.
 */
export type ErrorKind = (typeof errorKinds)[number];

// The more permanent kind wins when failures combine: a wrong password is not fixed by retrying,
// even if another source merely timed out; a cancelled run is not acted on at all.
const rank: Record<ErrorKind, number> = { transient: 0, conflict: 1, 'missing-dependency': 2, permanent: 3, cancelled: 4 };

/** The kind of several failures at once: the most permanent one; `permanent` for none. */
export function combineKinds(kinds: readonly ErrorKind[]): ErrorKind {
  if (kinds.length === 0) return 'permanent';
  return kinds.reduce((worst, kind) => (rank[kind] > rank[worst] ? kind : worst));
}

/** The kind an HTTP status means in general: none/408/429/5xx transient, 409 conflict, other 4xx permanent; undefined below 400. */
export function kindOfHttpStatus(status: number | undefined): ErrorKind | undefined {
  if (status === undefined || status === 408 || status === 429 || (status >= 500 && status <= 599)) return 'transient';
  if (status === 409) return 'conflict';
  return status >= 400 ? 'permanent' : undefined;
}

/** Codes of socket and DNS failures worth retrying; certificate problems are not among them. */
const transientNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'IDLE_TIMEOUT',
]);

/** The first string `code` along an error's cause chain (undici wraps socket errors in `fetch failed`). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** True when a request failed below HTTP in a way that may pass on a later try (refused, reset, DNS, timeouts). */
export function isTransientNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && transientNetworkCodes.has(code);
}

const kindBrand: unique symbol = Symbol.for('packsmith.ErrorKind');

/** Marks `error` with its kind (AppError does this itself; use it for errors made elsewhere). */
export function markKind(error: object, kind: ErrorKind): void {
  Object.defineProperty(error, kindBrand, { value: kind, configurable: true });
}

const kindNames: ReadonlySet<unknown> = new Set(errorKinds);

/** True for one of the `errorKinds` names. */
export function isErrorKind(value: unknown): value is ErrorKind {
  return kindNames.has(value);
}

function markedKind(error: object): ErrorKind | undefined {
  const kind = kindBrand in error ? error[kindBrand] : undefined;
  return isErrorKind(kind) ? kind : undefined;
}

const isAbort = (error: object): boolean => 'name' in error && error.name === 'AbortError';

/**
 * The kind of any thrown value: an AppError's own kind; an abort is `cancelled`; a socket or DNS
 * failure `transient`; anything else (a bug, an unknown library error) `permanent`.
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (typeof error !== 'object' || error === null) return 'permanent';
  const marked = markedKind(error);
  if (marked !== undefined) return marked;
  if (isAbort(error)) return 'cancelled';
  return isTransientNetworkError(error) ? 'transient' : 'permanent';
}
