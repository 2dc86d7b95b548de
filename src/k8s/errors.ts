/**
 * Errors of the Kubernetes adapter. API failures become AppErrors with a stable code; messages name
 * the kind and object but never carry request or response bodies (a Secret's data must not leak).
 */
import { AppError, kindOfHttpStatus, type AppErrorOptions } from '../shared/index.ts';

/** 409: the object changed since the given resourceVersion, or another writer won a create. Re-read and retry. */
export class ConflictError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('CONFLICT', message, { ...options, kind: 'conflict' });
  }
}

/** 401/403: the controller's identity may not do this; retrying without an RBAC change will not help. */
export class ForbiddenError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('FORBIDDEN', message, { ...options, kind: 'permanent' });
  }
}

/** 410: a watch's resourceVersion is too old; the informer relists. */
export class GoneError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('GONE', message, { ...options, kind: 'transient' });
  }
}

/** Any other API failure (connection errors, 429 and 5xx are transient; other statuses, a deleted object's 404 among them, permanent). */
export class KubeApiError extends AppError {
  /** The HTTP status, or undefined for a connection-level failure. */
  readonly status: number | undefined;

  constructor(message: string, options: AppErrorOptions & { status?: number } = {}) {
    const status = options.status;
    super('KUBE_API', message, { cause: options.cause, kind: options.kind ?? kindOfHttpStatus(status) ?? 'permanent' });
    this.status = status;
  }
}
