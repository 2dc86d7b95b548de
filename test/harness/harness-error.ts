/** The one error type the test harness throws, so a failing setup is told apart from a failing assertion. */
import { AppError } from '../../src/shared/index.ts';

/** Raised when the harness cannot set up a test dependency (a tool failed, a server did not start). */
export class HarnessError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('TEST_HARNESS', message, options);
  }
}
