import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

/** kp-style commands for ClusterStack and ClusterLifecycle (being written). */
export function registerClusterStackCommands(program: Command, io: CliIo): void {
  void program;
  void io;
}
