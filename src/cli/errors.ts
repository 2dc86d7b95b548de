import { AppError, InternalError, ValidationError, isAppError } from '../shared/index.ts';

/** Exit codes the CLI promises (documented in `packsmith --help`). */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  internal: 70,
} as const;

/** A failure the CLI reports as it is, with a chosen exit code. */
export class CliError extends AppError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = exitCodes.failure, options: { cause?: unknown } = {}) {
    super('CLI', message, options);
    this.exitCode = exitCode;
  }
}

/** Maps any thrown value to the text shown to the user and the exit code. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof InternalError) {
    return {
      message: `internal error (a bug in packsmith; please report it): ${error.message}`,
      exitCode: exitCodes.internal,
    };
  }
  if (error instanceof ValidationError) return { message: `invalid input:\n${error.message}`, exitCode: exitCodes.failure };
  if (isAppError(error)) return { message: error.message, exitCode: exitCodes.failure };
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `unexpected error (please report it): ${message}`, exitCode: exitCodes.internal };
}
