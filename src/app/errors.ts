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

/**
 * Pushing the builder (or its relocated run image) to `repository` failed. The message is the
 * cause's, unchanged. A push also fetches buildpack blobs with their owners' credentials, so only a
 * refusal by the target repository is the builder's own.
 */
export class BuilderPushError extends AppError {
  readonly repository: string;
  constructor(repository: string, cause: unknown) {
    super('BUILDER_PUSH', messageOf(cause), { cause, kind: errorKindOf(cause) });
    this.repository = repository;
  }

  /** True when the registry (or its token service, asked for this repository) refused the builder's credentials. */
  get refusedByTarget(): boolean {
    const cause = this.cause;
    if (!(cause instanceof RegistryError) || !cause.isAuthFailure) return false;
    const url = decodeURIComponent(cause.url ?? cause.message);
    return url.includes(`/v2/${this.repository}/`) || url.includes(`repository:${this.repository}:`);
  }
}

/** True when a registry refused the credentials (401 or 403), for the error itself, a builder push, or any source of a SourceReadError. */
export function isCredentialFailure(error: unknown): boolean {
  if (error instanceof SourceReadError) return error.failures.some((failure) => isCredentialFailure(failure.error));
  if (error instanceof BuilderPushError) return error.refusedByTarget;
  return error instanceof RegistryError && error.isAuthFailure;
}

/** True when the builder's own push was refused (not a read of its stack, lifecycle or buildpacks with their owners' credentials). */
export function isBuilderPushRefusal(error: unknown): boolean {
  return error instanceof BuilderPushError && error.refusedByTarget;
}
