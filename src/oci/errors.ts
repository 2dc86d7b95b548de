import { AppError, type AppErrorOptions } from '../shared/index.ts';

/** Bytes that do not form what they claim to be: a malformed manifest, config, digest or reference. */
export class OciFormatError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('OCI_FORMAT', message, { kind: 'permanent', ...options });
  }
}

/** Content whose digest or size differs from what its descriptor promised. */
export class DigestMismatchError extends AppError {
  readonly expected: string;
  readonly actual: string;
  constructor(what: string, expected: string, actual: string, options: AppErrorOptions = {}) {
    super('DIGEST_MISMATCH', `${what}: expected ${expected}, got ${actual}`, { kind: 'transient', ...options });
    this.expected = expected;
    this.actual = actual;
  }
}

/** Content over one of packsmith's size or count limits (manifest and config sizes, layer counts). */
export class LimitExceededError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('LIMIT_EXCEEDED', message, { kind: 'permanent', ...options });
  }
}
