/**
 * The error hierarchy every module throws. One base class with a stable string `code`, a `retryable`
 * flag and the standard `cause`; a symbol brand lets `isAppError` recognise errors from another copy
 * of this module, where `instanceof` would fail.
 */

const appErrorBrand = Symbol.for('packsmith.AppError');

/** Options shared by every AppError constructor. */
export interface AppErrorOptions {
  /** The error that led to this one. */
  cause?: unknown;
  /** Whether trying the same operation again may succeed (network faults, 429, 5xx). */
  retryable?: boolean;
}

/** Base class: a stable machine-readable `code`, a human message, and whether a retry may help. */
export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, appErrorBrand, { value: true });
  }
}

/** True for any AppError, including ones created by a duplicated copy of this module. */
export function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && appErrorBrand in value;
}

/** One problem found by validation, located by a dotted path such as `spec.order[0].group[1].id`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input that cannot be used as it is; carries every issue found, not only the first. */
export class ValidationError extends AppError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options: AppErrorOptions = {}) {
    super('VALIDATION', formatIssues(issues), { ...options, retryable: false });
    this.issues = issues;
  }
}

/** Something the caller named does not exist (an image, a resource, a buildpack). */
export class NotFoundError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** A dependency (a store, stack or lifecycle) has not produced usable state yet. */
export class DependencyNotReadyError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('DEPENDENCY_NOT_READY', message, { ...options, retryable: true });
  }
}

/** A broken invariant inside packsmith: a bug to report, never the user's fault. */
export class InternalError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('INTERNAL', message, options);
  }
}

/** Renders issues one per line, each prefixed by its path. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return 'invalid input';
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
}

/** The message of any thrown value, following no causes. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
