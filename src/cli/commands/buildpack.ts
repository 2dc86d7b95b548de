import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

/** kp-style commands for Buildpack and ClusterBuildpack (being written). */
export function registerBuildpackCommands(program: Command, io: CliIo): void {
  void program;
  void io;
}
