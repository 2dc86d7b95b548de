import { join } from 'node:path';

/** The packsmith CLI's entry point, run with Node's type stripping. */
export const cliEntry = join(import.meta.dirname, '../../src/cli/main.ts');

/**
 * The arguments (after `node`) that run `packsmith controller run` against `kubeconfigPath` on
 * loopback with ephemeral health and metrics ports, plus each caller's own `flags`.
 */
export function controllerRunArgs(kubeconfigPath: string, ...flags: string[]): string[] {
  return [cliEntry, 'controller', 'run', '--kubeconfig', kubeconfigPath, '--host', '127.0.0.1', '--health-port', '0', '--metrics-port', '0', ...flags];
}
