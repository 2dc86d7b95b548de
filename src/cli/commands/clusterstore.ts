/**
 * `packsmith clusterstore create|add|remove|save|status|list|delete`: kp's commands for the
 * cluster-scoped buildpack store. Buildpackages given with `-b` are relocated into the default
 * repository of kp-config before the store names them; the bodies live in ./clusterstore/.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import {
  addKubeFlags,
  addRegistryFlags,
  addApproveUpdateCommand,
  addResyncCommand,
  addWriteFlags,
  forceDeleteHelp,
  readKubeFlags,
  readRegistryFlags,
  readWriteFlags,
} from '../cluster/index.ts';
import type { CliIo } from '../io.ts';
import { deleteStore, deleteWarning, listStores, showStoreStatus } from './clusterstore/read.ts';
import { addToStore, createStore, removeFromStore, saveStore, type StoreWriteRequest } from './clusterstore/write.ts';
import { repeatable } from '../repeatable-flags.ts';

type Parsed = Record<string, unknown>;

const buildpackageOption = (description: string): Option => new Option('-b, --buildpackage <buildpackage>', description).argParser(repeatable);

const relocationHelp =
  '\n\nBuildpackages are copied into the default repository ("default.repository" in the ConfigMap "kp-config" of namespace ' +
  '"kpack"), so this machine needs credentials for it (its Docker config). ' +
  'A buildpackage is a registry image, an OCI layout (oci:DIR[:TAG]) or a local .cnb file.';

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  packsmith clusterstore ${line}`).join('\n')}`;
}

function writeRequest(name: string, options: Parsed, uploads: boolean): StoreWriteRequest {
  const buildpackages = Array.isArray(options.buildpackage) ? options.buildpackage.filter((v): v is string => typeof v === 'string') : [];
  return { name, buildpackages, kube: readKubeFlags(options), ...(uploads ? { registry: readRegistryFlags(options) } : {}), write: readWriteFlags(options) };
}

type WriteRunner = (io: CliIo, request: StoreWriteRequest) => Promise<void>;

function addUploadingCommand(group: Command, io: CliIo, spec: { name: string; summary: string; details: string; run: WriteRunner }): void {
  const command = group
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.details + relocationHelp)
    .argument('<store>', 'ClusterStore name')
    .addOption(buildpackageOption('location of a buildpackage (repeatable)'));
  addWriteFlags(addRegistryFlags(addKubeFlags(command, { namespaced: false })), { uploads: true, wait: true });
  command.addHelpText(
    'after',
    examples(
      `${spec.name} my-store -b my-registry.example/my-buildpackage`,
      `${spec.name} my-store -b my-registry.example/one -b my-registry.example/two`,
      `${spec.name} my-store -b ../path/to/my-local-buildpackage.cnb`,
    ),
  );
  command.action(async (name, _options, cmd) => {
    await spec.run(io, writeRequest(name, cmd.opts(), true));
  });
}

/** Registers the `clusterstore` command group. */
export function registerClusterStoreCommand(program: Command, io: CliIo): void {
  const group = program.command('clusterstore').description('manage ClusterStores: cluster-scoped stores of buildpackages');
  addUploadingCommand(group, io, {
    name: 'create',
    summary: 'create a ClusterStore',
    details:
      'Create a ClusterStore from buildpackages, reading them with the service account of kp-config ("default.repository.serviceaccount"). Fails when the store exists.',
    run: createStore,
  });
  addUploadingCommand(group, io, {
    name: 'add',
    summary: 'add buildpackages to a ClusterStore',
    details: 'Add buildpackages to an existing ClusterStore; a buildpackage whose digest the store already has is left out.',
    run: addToStore,
  });
  addUploadingCommand(group, io, {
    name: 'save',
    summary: 'create a ClusterStore, or add buildpackages to it',
    details: 'Create the ClusterStore when it does not exist, else add the buildpackages to it.',
    run: saveStore,
  });
  registerRemove(group, io);
  registerStatus(group, io);
  registerList(group, io);
  registerDelete(group, io);
  addResyncCommand(group, io, { kind: 'ClusterStore', command: 'clusterstore', namespaced: false });
  addApproveUpdateCommand(group, io, { kind: 'ClusterStore', command: 'clusterstore', namespaced: false });
}

function registerRemove(group: Command, io: CliIo): void {
  const command = group
    .command('remove')
    .summary('remove buildpackages from a ClusterStore')
    .description(
      'Remove buildpackages from a ClusterStore. Each -b names a buildpack (id@version) shown by "clusterstore status"; the source image it came from is removed from the store.',
    )
    .argument('<store>', 'ClusterStore name')
    .addOption(buildpackageOption('buildpack to remove, as id@version (repeatable)'));
  addWriteFlags(addKubeFlags(command, { namespaced: false }), { uploads: false, wait: true });
  command.addHelpText('after', examples('remove my-store -b my-buildpack@1.0.0', 'remove my-store -b my-buildpack@1.0.0 -b other-buildpack@2.0.0'));
  command.action(async (name, _options, cmd) => {
    await removeFromStore(io, writeRequest(name, cmd.opts(), false));
  });
}

function registerStatus(group: Command, io: CliIo): void {
  const command = group
    .command('status')
    .summary('show the status of a ClusterStore')
    .description("Show whether a ClusterStore is ready and the buildpackages it provides; --verbose adds each buildpackage's buildpacks and detection order.")
    .argument('<store>', 'ClusterStore name')
    .addOption(new Option('-v, --verbose', 'include buildpacks and detection order'));
  addKubeFlags(command, { namespaced: false });
  command.addHelpText('after', examples('status my-store', 'status my-store --verbose'));
  command.action(async (name, _options, cmd) => {
    const options: Parsed = cmd.opts();
    await showStoreStatus(io, { name, verbose: options.verbose === true, kube: readKubeFlags(options) });
  });
}

function registerList(group: Command, io: CliIo): void {
  const command = group.command('list').summary('list ClusterStores').description('List the ClusterStores with their readiness.');
  addKubeFlags(command, { namespaced: false });
  command.addHelpText('after', examples('list'));
  command.action(async (_options, cmd) => {
    await listStores(io, { kube: readKubeFlags(cmd.opts()) });
  });
}

function registerDelete(group: Command, io: CliIo): void {
  const command = group
    .command('delete')
    .summary('delete a ClusterStore')
    .description(`Delete a ClusterStore, after confirmation unless --force is given. Refused while builders use it, unless --force.\n\n${deleteWarning}`)
    .argument('<store>', 'ClusterStore name')
    .addOption(new Option('-f, --force', `delete without asking for confirmation, and ${forceDeleteHelp}`));
  addKubeFlags(command, { namespaced: false });
  command.addHelpText('after', examples('delete my-store', 'delete my-store --force'));
  command.action(async (name, _options, cmd) => {
    const options: Parsed = cmd.opts();
    await deleteStore(io, { name, force: options.force === true, kube: readKubeFlags(options) });
  });
}
