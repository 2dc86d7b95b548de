/**
 * Errors of the use cases: a read of several images where some failed (each failure kept, not only
 * the first), and a builder that cannot be created from what its dependencies offer.
 */
import { RegistryError } from '../oci/index.ts';
import { AppError, combineKinds, errorKindOf, messageOf } from '../shared/index.ts';

/** One image that could not be read, located by the spec path that named it. */
export interface SourceFailure {
  /** Spec path such as `spec.sources[2]` or `spec.image`. */
  path: string;
  /** The image as the spec wrote it. */
  image: string;
  error: unknown;
}

/**
 * Some source images could not be read. Lists every failure, one per line; its kind is the most
 * permanent of theirs (a wrong password will not go away by trying again, even if another source timed out).
 */
export class SourceReadError extends AppError {
  readonly failures: readonly SourceFailure[];

  constructor(failures: readonly SourceFailure[]) {
    const lines = failures.map((f) => `${f.path} (${f.image}): ${messageOf(f.error)}`);
    super('SOURCE_READ', lines.join('\n'), { cause: failures[0]?.error, kind: combineKinds(failures.map((f) => errorKindOf(f.error))) });
    this.failures = failures;
  }
}

/** True when a registry refused the credentials (401 or 403), for the error itself or any source of a SourceReadError. */
export function isCredentialFailure(error: unknown): boolean {
  if (error instanceof SourceReadError) return error.failures.some((failure) => isCredentialFailure(failure.error));
  return error instanceof RegistryError && error.isAuthFailure;
}
