import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

/** kp-style commands for Builder and ClusterBuilder (being written). */
export function registerBuilderCommands(program: Command, io: CliIo): void {
  void program;
  void io;
}
