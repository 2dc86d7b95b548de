/** `packsmith clusterlifecycle create|patch|save|status|list|delete`, kp's commands for ClusterLifecycles. */
import type { Command } from '@commander-js/extra-typings';
import { addKubeFlags, addRegistryFlags, addApproveUpdateCommand, addResyncCommand, addWriteFlags } from '../../cluster/index.ts';
import type { CliIo } from '../../io.ts';
import { renderLifecycleList, renderLifecycleStatus } from './lifecycle-render.ts';
import { createLifecycle, patchLifecycle } from './lifecycle-write.ts';
import { registerClusterReads } from './reads.ts';
import { findObject, runWrite } from './shared.ts';

type Options = Record<string, unknown>;

const uploadHelp = `
The image (a registry reference, oci:DIR[:TAG], or a local OCI layout directory or archive) must
carry the io.buildpacks.lifecycle.version and io.buildpacks.lifecycle.apis labels. It is uploaded to
the default repository ("default.repository" in ConfigMap kp-config, namespace kpack): you need
credentials for both registries on this machine (Docker config), and the cluster needs read access
to the default repository through kp-config's service account.`;

function addImageWriteFlags(command: Command<[string]>): void {
  command.requiredOption('-i, --image <image>', 'lifecycle image: registry reference or local OCI layout (directory or archive)');
  addWriteFlags(command, { uploads: true, wait: true });
  addRegistryFlags(command);
  addKubeFlags(command, { namespaced: false });
}

function registerWrites(group: Command, io: CliIo): void {
  const create = group
    .command('create')
    .description('create a cluster-scoped lifecycle from a lifecycle image')
    .argument('<name>', 'ClusterLifecycle name')
    .addHelpText('after', `${uploadHelp}\n\nExamples:\n  packsmith clusterlifecycle create my-lifecycle --image buildpacksio/lifecycle:0.21.17`)
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, (run) => createLifecycle(run, name, String(options.image)));
    });
  addImageWriteFlags(create);

  const patch = group
    .command('patch')
    .alias('update')
    .description('patch the image of a cluster-scoped lifecycle (re-uploaded to the default repository)')
    .argument('<name>', 'ClusterLifecycle name')
    .addHelpText(
      'after',
      `${uploadHelp}\n\nExamples:\n  packsmith clusterlifecycle patch my-lifecycle --image buildpacksio/lifecycle:0.21.17\n  packsmith clusterlifecycle patch my-lifecycle --image oci:./lifecycle-layout --dry-run`,
    )
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, async (run) => patchLifecycle(run, await run.session.objects.get({ kind: 'ClusterLifecycle', name }), String(options.image)));
    });
  addImageWriteFlags(patch);

  const save = group
    .command('save')
    .description('create a cluster-scoped lifecycle, or patch it when it exists')
    .argument('<name>', 'ClusterLifecycle name')
    .addHelpText('after', `${uploadHelp}\n\nExamples:\n  packsmith clusterlifecycle save my-lifecycle --image buildpacksio/lifecycle:0.21.17`)
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, async (run) => {
        const current = await findObject(run.session, 'ClusterLifecycle', name);
        const image = String(options.image);
        await (current === undefined ? createLifecycle(run, name, image) : patchLifecycle(run, current, image));
      });
    });
  addImageWriteFlags(save);
}

function registerReads(group: Command, io: CliIo): void {
  registerClusterReads(group, io, {
    kind: 'ClusterLifecycle',
    group: 'clusterlifecycle',
    example: 'default-lifecycle',
    statusDescription: 'show the status of a cluster-scoped lifecycle: readiness, resolved image and version',
    verboseDescription: 'also show the supported and deprecated buildpack APIs',
    listDescription: 'list the cluster-scoped lifecycles with their readiness, version and image',
    deleteDescription: 'delete a cluster-scoped lifecycle',
    renderStatus: renderLifecycleStatus,
    renderList: renderLifecycleList,
  });
}

/** Registers `clusterlifecycle` and its subcommands. */
export function registerLifecycleCommands(program: Command, io: CliIo): void {
  const group = program
    .command('clusterlifecycle')
    .description('ClusterLifecycle commands (kp clusterlifecycle): lifecycle images relocated to the default repository')
    .addHelpText('after', '\nExamples:\n  packsmith clusterlifecycle create my-lifecycle -i buildpacksio/lifecycle:0.21.17\n  packsmith clusterlifecycle list');
  registerWrites(group, io);
  registerReads(group, io);
  addResyncCommand(group, io, { kind: 'ClusterLifecycle', command: 'clusterlifecycle', namespaced: false });
  addApproveUpdateCommand(group, io, { kind: 'ClusterLifecycle', command: 'clusterlifecycle', namespaced: false });
}
