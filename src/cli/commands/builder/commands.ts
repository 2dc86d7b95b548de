/**
 * The command tree of one builder group (`builder` or `clusterbuilder`): kp's subcommands, flags,
 * descriptions and examples. `-o` is kubectl's `--output`; kp's `-o/--order` is `--order` here.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { addKubeFlags, addRegistryFlags, addResyncCommand, addWriteFlags } from '../../cluster/index.ts';
import type { CliIo } from '../../io.ts';
import { runBuilderDelete, runBuilderList, runBuilderStatus } from './read.ts';
import type { BuilderScope } from './scope.ts';
import { runBuilderWrite } from './write.ts';
import { repeatable } from '../../repeatable-flags.ts';

type Verb = 'create' | 'patch' | 'save';

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

function describeWrite(scope: BuilderScope, verb: Verb): string {
  const what = scope.kind === 'Builder' ? 'a builder (in the namespace)' : 'a cluster builder';
  const lead = {
    create: `Create ${what}`,
    patch: `Patch an existing ${what.replace(/^a /, '')}, changing only the fields given`,
    save: `Create ${what} if it does not exist, else patch it`,
  }[verb];
  const tag = scope.kind === 'ClusterBuilder' ? ' The tag defaults to <default repository>:clusterbuilder-<name> (kp-config).' : '';
  return `${lead}. The order comes from one of --order, --buildpack (all in one group) or --order-from.${verb === 'patch' ? '' : tag} Waits until the controller has built it.`;
}

function writeExamples(scope: BuilderScope, verb: Verb): string {
  const needsTag = scope.kind === 'Builder' && verb !== 'patch' ? ' --tag registry.example.com/builders/app' : '';
  const ns = scope.namespaced ? ' -n team' : '';
  return examples([
    `packsmith ${scope.command} ${verb} my-builder${needsTag} --buildpack paketo-buildpacks/nodejs --buildpack paketo-buildpacks/go@4.1.0${ns}`,
    `packsmith ${scope.command} ${verb} my-builder${needsTag} --order ./order.yaml --stack base --store default`,
    `packsmith ${scope.command} ${verb} my-builder${needsTag} --order-from paketobuildpacks/builder-jammy-base --dry-run -o yaml`,
  ]);
}

function addWrite(group: Command, io: CliIo, scope: BuilderScope, verb: Verb): void {
  const command = group.command(`${verb} <name>`).description(describeWrite(scope, verb));
  const creating = verb === 'create';
  const tag = new Option('-t, --tag <tag>', `registry tag the builder image is pushed to${verb === 'save' ? ' (required to create a builder)' : ''}`);
  if (creating && scope.kind === 'Builder') tag.makeOptionMandatory();
  command.addOption(tag);
  command.addOption(
    new Option('-s, --stack <name>', `ClusterStack to use${verb === 'save' ? ' (default: "default" for a create)' : ''}`).default(
      creating ? 'default' : undefined,
    ),
  );
  command.addOption(new Option('--store <name>', 'ClusterStore to take buildpacks from'));
  command.addOption(new Option('--order <file>', 'YAML file with the buildpack order (a list of {group: [...]}), - for stdin'));
  command.addOption(
    new Option('-b, --buildpack <id[@version]>', 'buildpack in the (single) order group; repeat, or give a comma-separated list').argParser(repeatable),
  );
  command.addOption(new Option('--order-from <image>', 'builder image whose io.buildpacks.buildpack.order label gives the order'));
  if (scope.namespaced)
    command.addOption(new Option('--service-account <name>', 'service account whose secrets push the builder').default(creating ? 'default' : undefined));
  addKubeFlags(command, { namespaced: scope.namespaced });
  addWriteFlags(command, { uploads: false, wait: true });
  addRegistryFlags(command);
  command.addHelpText('after', writeExamples(scope, verb));
  command.action(async (name, _options, self) => runBuilderWrite(io, { scope, verb, name }, self.opts()));
}

function addReads(group: Command, io: CliIo, scope: BuilderScope): void {
  const ns = scope.namespaced ? ' -n team' : '';
  const status = group
    .command('status <name>')
    .description(`Show the status of a ${scope.kind}: image, stack, buildpacks, and the detection order as a tree with the resource each buildpack came from`)
    .addHelpText('after', examples([`packsmith ${scope.command} status my-builder${ns}`]));
  addKubeFlags(status, { namespaced: scope.namespaced });
  status.action(async (name, _options, self) => runBuilderStatus(io, scope, name, self.opts()));

  const list = group
    .command('list')
    .description(`List ${scope.kind}s${scope.namespaced ? ' in the namespace' : ''} (name, readiness, stack id, latest image)`)
    .addHelpText('after', examples([`packsmith ${scope.command} list${ns}`]));
  addKubeFlags(list, { namespaced: scope.namespaced });
  list.action(async (_options, self) => runBuilderList(io, scope, self.opts()));

  const remove = group
    .command('delete <name>')
    .description(`Delete a ${scope.kind}`)
    .addHelpText('after', examples([`packsmith ${scope.command} delete my-builder${ns}`]));
  addKubeFlags(remove, { namespaced: scope.namespaced });
  remove.action(async (name, _options, self) => runBuilderDelete(io, scope, name, self.opts()));
}

/** Registers `<scope.command> create|patch|save|status|list|delete`. */
export function registerBuilderGroup(program: Command, io: CliIo, scope: BuilderScope): void {
  const what = scope.kind === 'Builder' ? 'Builders (namespaced)' : 'ClusterBuilders';
  const group = program
    .command(scope.command)
    .description(`Manage ${what}: CNB builder images the controller assembles from a stack, a lifecycle and buildpacks`)
    .addHelpText(
      'after',
      examples([
        `packsmith ${scope.command} create my-builder${scope.kind === 'Builder' ? ' --tag registry.example.com/builders/app' : ''} -b paketo-buildpacks/nodejs`,
        `packsmith ${scope.command} status my-builder`,
      ]),
    );
  for (const verb of ['create', 'patch', 'save'] as const) addWrite(group, io, scope, verb);
  addReads(group, io, scope);
  addResyncCommand(group, io, scope);
}
