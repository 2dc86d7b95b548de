/**
 * The error hierarchy every module throws. One base class with a stable string `code`, a `kind`
 * (error-kind.ts: what a caller may do about it) and the standard `cause`; a symbol brand lets
 * `isAppError` recognise errors from another copy of this module, where `instanceof` would fail.
 */
import { errorKindOf, markKind, type ErrorKind } from './error-kind.ts';

const appErrorBrand = Symbol.for('packsmith.AppError');

/** Options shared by every AppError constructor. */
export interface AppErrorOptions {
  /** The error that led to this one. */
  cause?: unknown;
  /** What the failure means; by default the kind of `cause`, or `permanent` without one. */
  kind?: ErrorKind;
}

/** Base class: a stable machine-readable `code`, a human message, and the failure's kind. */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = options.kind ?? (options.cause === undefined ? 'permanent' : errorKindOf(options.cause));
    Object.defineProperty(this, appErrorBrand, { value: true });
    markKind(this, this.kind);
  }

  /** True when the same operation may succeed on a later try (`kind` is `transient`). */
  get retryable(): boolean {
    return this.kind === 'transient';
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
    super('VALIDATION', formatIssues(issues), { ...options, kind: 'permanent' });
    this.issues = issues;
  }
}

/** Something the caller named does not exist (an image, a resource, a buildpack). */
export class NotFoundError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** Options of `MissingDependencyError`. */
export interface MissingDependencyOptions {
  cause?: unknown;
  /** When to look again; undefined: only when an event says a dependency changed (its creation enqueues the dependant). */
  requeueAfterMs?: number;
}

/**
 * What a resource depends on is missing or has not resolved yet (a store, stack or lifecycle without
 * status, a Buildpack that failed): every problem at once, one per line, the first as kpack words it.
 */
export class MissingDependencyError extends AppError {
  readonly problems: readonly string[];
  readonly requeueAfterMs: number | undefined;

  constructor(problems: readonly string[], options: MissingDependencyOptions = {}) {
    super('MISSING_DEPENDENCY', problems.join('\n'), { cause: options.cause, kind: 'missing-dependency' });
    this.problems = problems;
    this.requeueAfterMs = options.requeueAfterMs;
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
