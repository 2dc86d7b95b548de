/**
 * The command tree of one buildpack kind: create, patch, save, status, list and delete, with kp's
 * flags plus the kubectl connection flags, help text and examples.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addKubeFlags, addRegistryFlags, addApproveUpdateCommand, addResyncCommand, addWriteFlags, forceDeleteHelp } from '../../cluster/index.ts';
import { deleteBuildpack, listBuildpacks, showBuildpackStatus } from './read.ts';
import type { BuildpackScope } from './scope.ts';
import { createBuildpack, patchBuildpack, saveBuildpack, type ParsedOptions } from './write.ts';

type Action = (scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo) => Promise<void>;

interface WriteCommand {
  verb: 'create' | 'patch' | 'save';
  summary: string;
  action: Action;
  examples: string[];
}

const imageHelp = 'buildpackage to use: a registry reference, oci:DIR[:TAG] or a local .cnb file (relocated to the default repository)';

/** Adds `packsmith <scope.command>` and its subcommands. */
export function registerBuildpackGroup(program: Command, io: CliIo, scope: BuildpackScope): void {
  const noun = scope.namespaced ? 'buildpack' : 'cluster buildpack';
  const group = program
    .command(scope.command)
    .alias(scope.alias)
    .description(
      `${scope.title} commands: ${scope.namespaced ? 'namespaced buildpackages builders of the namespace may use' : 'buildpackages every builder may use'}`,
    );
  const p = `packsmith ${scope.command}`;
  const writes: WriteCommand[] = [
    {
      verb: 'create',
      summary: `create a ${noun} from a buildpackage and wait until it is ready`,
      action: createBuildpack,
      examples: [`${p} create my-buildpack --image registry.example.com/java:8.9.0`, `${p} create my-buildpack --image ./java.cnb --dry-run -o yaml`],
    },
    {
      verb: 'patch',
      summary: `patch an existing ${noun} (only the given fields change)`,
      action: patchBuildpack,
      examples: [`${p} patch my-buildpack --image registry.example.com/java:8.10.0`],
    },
    {
      verb: 'save',
      summary: `create a ${noun}, or patch it if it exists`,
      action: saveBuildpack,
      examples: [`${p} save my-buildpack --image registry.example.com/java:8.10.0`],
    },
  ];
  for (const write of writes) addWriteCommand(group, io, scope, write);
  addReadCommands(group, io, scope, noun);
}

function addWriteCommand(group: Command, io: CliIo, scope: BuildpackScope, write: WriteCommand): void {
  const command = group.command(write.verb).description(write.summary).argument('<name>', `${scope.kind} name`);
  const image = new Option('-i, --image <image>', imageHelp);
  command.addOption(write.verb === 'create' ? image.makeOptionMandatory() : image);
  if (scope.namespaced)
    command.addOption(
      new Option('--service-account <name>', `service account whose secrets read the image${write.verb === 'patch' ? '' : ' (default "default" on create)'}`),
    );
  addKubeFlags(command, { namespaced: scope.namespaced });
  addRegistryFlags(command);
  addWriteFlags(command, { uploads: true, wait: true });
  command
    .addHelpText('after', `\nExamples:\n  ${write.examples.join('\n  ')}${scope.namespaced ? `\n  ${write.examples[0]} -n team` : ''}`)
    .action(async (name, _options, cmd) => write.action(scope, name, cmd.opts(), io));
}

function addReadCommands(group: Command, io: CliIo, scope: BuildpackScope, noun: string): void {
  const p = `packsmith ${scope.command}`;
  const ns = scope.namespaced ? ` -n team` : '';
  const status = group
    .command('status')
    .description(`show the status of a ${noun}, the buildpacks it provides and their detection order`)
    .argument('<name>', `${scope.kind} name`);
  addKubeFlags(status, { namespaced: scope.namespaced })
    .addHelpText('after', `\nExamples:\n  ${p} status my-buildpack${ns}`)
    .action(async (name, _options, cmd) => showBuildpackStatus(scope, name, cmd.opts(), io));
  const list = group.command('list').description(`list the ${noun}s${scope.namespaced ? ' of a namespace' : ''}`);
  addKubeFlags(list, { namespaced: scope.namespaced })
    .addHelpText('after', `\nExamples:\n  ${p} list${ns}`)
    .action(async (_options, cmd) => listBuildpacks(scope, cmd.opts(), io));
  const remove = group.command('delete').description(`delete a ${noun}`).argument('<name>', `${scope.kind} name`).option('--force', forceDeleteHelp);
  addKubeFlags(remove, { namespaced: scope.namespaced })
    .addHelpText('after', `\nExamples:\n  ${p} delete my-buildpack${ns}\n  ${p} delete my-buildpack${ns} --force`)
    .action(async (name, _options, cmd) => deleteBuildpack(scope, name, cmd.opts(), io));
  addResyncCommand(group, io, scope);
  addApproveUpdateCommand(group, io, scope);
}
