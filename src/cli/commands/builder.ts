/** `packsmith builder ...` and `packsmith clusterbuilder ...`: kp's commands for Builder and ClusterBuilder. */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';
import { registerBuilderGroup } from './builder/commands.ts';
import { builderScope, clusterBuilderScope } from './builder/scope.ts';

/** Registers the `builder` and `clusterbuilder` command groups. */
export function registerBuilderCommands(program: Command, io: CliIo): void {
  registerBuilderGroup(program, io, builderScope);
  registerBuilderGroup(program, io, clusterBuilderScope);
}
