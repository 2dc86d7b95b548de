/**
 * `packsmith buildpack …` (namespaced Buildpack) and `packsmith clusterbuildpack …`
 * (ClusterBuildpack), as kp's commands of the same names; the pieces live in ./buildpack/.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';
import { registerBuildpackGroup } from './buildpack/register.ts';
import { buildpackScope, clusterBuildpackScope } from './buildpack/scope.ts';

/** Registers both command groups. */
export function registerBuildpackCommands(program: Command, io: CliIo): void {
  registerBuildpackGroup(program, io, buildpackScope);
  registerBuildpackGroup(program, io, clusterBuildpackScope);
}
