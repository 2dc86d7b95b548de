/**
 * kp-style commands for the cluster-scoped inputs of builders and kp's settings:
 * `clusterstack`, `clusterlifecycle` and `config` (pieces in ./clusterstack/).
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';
import { registerConfigCommands } from './clusterstack/config.ts';
import { registerLifecycleCommands } from './clusterstack/lifecycle-commands.ts';
import { registerStackCommands } from './clusterstack/stack-commands.ts';

/** Registers `clusterstack`, `clusterlifecycle` and `config`. */
export function registerClusterStackCommands(program: Command, io: CliIo): void {
  registerStackCommands(program, io);
  registerLifecycleCommands(program, io);
  registerConfigCommands(program, io);
}
