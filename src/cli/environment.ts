/** Runs a command body with local mode's adapters (registry client, layouts, Docker config), closing them afterwards. */
import { createLocalEnvironment, type LocalEnvironment } from '../compose.ts';
import type { CliIo } from './io.ts';

/** Calls `body` with a fresh environment and closes it whatever happens. */
export async function withEnvironment<T>(
  io: CliIo,
  insecureRegistries: readonly string[] | undefined,
  body: (environment: LocalEnvironment) => Promise<T>,
): Promise<T> {
  const environment = createLocalEnvironment({ insecureRegistries, env: io.env });
  try {
    return await body(environment);
  } finally {
    await environment.close();
  }
}
