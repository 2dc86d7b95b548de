import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

/** kp-style commands for ClusterStore (being written). */
export function registerClusterStoreCommand(program: Command, io: CliIo): void {
  void program;
  void io;
}
