/** `packsmith clusterstack create|patch|save|status|list|delete`, kp's commands for ClusterStacks. */
import type { Command } from '@commander-js/extra-typings';
import { addKubeFlags, addRegistryFlags, addApproveUpdateCommand, addResyncCommand, addWriteFlags } from '../../cluster/index.ts';
import type { CliIo } from '../../io.ts';
import { registerClusterReads } from './reads.ts';
import { findObject, runWrite } from './shared.ts';
import { renderStackList, renderStackStatus } from './stack-render.ts';
import { createStack, patchStack, type StackImages } from './stack-write.ts';

type Options = Record<string, unknown>;

const uploadHelp = `
The build and run images are read (registry references, oci:DIR[:TAG], or a local OCI layout
directory or archive), must carry the same io.buildpacks.stack.id label, and are uploaded to the
default repository ("default.repository" in ConfigMap kp-config, namespace kpack): you need
credentials for both registries on this machine (Docker config), and the cluster needs read access
to the default repository through kp-config's service account.`;

function imagesOf(options: Options): StackImages {
  return { build: String(options.buildImage), run: String(options.runImage) };
}

function addImageWriteFlags(command: Command<[string]>): void {
  command
    .requiredOption('-b, --build-image <image>', 'build image: registry reference or local OCI layout (directory or archive)')
    .requiredOption('-r, --run-image <image>', 'run image: registry reference or local OCI layout (directory or archive)');
  addWriteFlags(command, { uploads: true, wait: true });
  addRegistryFlags(command);
  addKubeFlags(command, { namespaced: false });
}

function registerWrites(group: Command, io: CliIo): void {
  const create = group
    .command('create')
    .description('create a cluster-scoped stack from a build and a run image')
    .argument('<name>', 'ClusterStack name')
    .addHelpText(
      'after',
      `${uploadHelp}\n\nExamples:\n  packsmith clusterstack create my-stack --build-image my-registry.com/build --run-image my-registry.com/run\n  packsmith clusterstack create my-stack --build-image ../path/to/build.tar --run-image ../path/to/run.tar`,
    )
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, (run) => createStack(run, name, imagesOf(options)));
    });
  addImageWriteFlags(create);

  const patch = group
    .command('patch')
    .alias('update')
    .description('patch the build and run images of a cluster-scoped stack (re-uploaded to the default repository)')
    .argument('<name>', 'ClusterStack name')
    .addHelpText(
      'after',
      `${uploadHelp}\n\nExamples:\n  packsmith clusterstack patch my-stack --build-image my-registry.com/build --run-image my-registry.com/run\n  packsmith clusterstack patch my-stack --build-image oci:./build-layout --run-image oci:./run-layout --dry-run`,
    )
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, async (run) => patchStack(run, await run.session.objects.get({ kind: 'ClusterStack', name }), imagesOf(options)));
    });
  addImageWriteFlags(patch);

  const save = group
    .command('save')
    .description('create a cluster-scoped stack, or patch it when it exists')
    .argument('<name>', 'ClusterStack name')
    .addHelpText(
      'after',
      `${uploadHelp}\n\nExamples:\n  packsmith clusterstack save my-stack --build-image my-registry.com/build --run-image my-registry.com/run\n  packsmith clusterstack save my-stack --build-image my-registry.com/build --run-image my-registry.com/run -o yaml`,
    )
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      await runWrite(io, options, async (run) => {
        const current = await findObject(run.session, 'ClusterStack', name);
        await (current === undefined ? createStack(run, name, imagesOf(options)) : patchStack(run, current, imagesOf(options)));
      });
    });
  addImageWriteFlags(save);
}

function registerReads(group: Command, io: CliIo): void {
  registerClusterReads(group, io, {
    kind: 'ClusterStack',
    group: 'clusterstack',
    example: 'my-stack',
    statusDescription: 'show the status of a cluster-scoped stack: readiness, id and the resolved images',
    verboseDescription: 'also show the mixins',
    listDescription: 'list the cluster-scoped stacks with their readiness and stack id',
    deleteDescription: 'delete a cluster-scoped stack',
    renderStatus: renderStackStatus,
    renderList: renderStackList,
  });
}

/** Registers `clusterstack` and its subcommands. */
export function registerStackCommands(program: Command, io: CliIo): void {
  const group = program
    .command('clusterstack')
    .description('ClusterStack commands (kp clusterstack): build and run images relocated to the default repository')
    .addHelpText(
      'after',
      '\nExamples:\n  packsmith clusterstack create my-stack -b my-registry.com/build -r my-registry.com/run\n  packsmith clusterstack list',
    );
  registerWrites(group, io);
  registerReads(group, io);
  addResyncCommand(group, io, { kind: 'ClusterStack', command: 'clusterstack', namespaced: false });
  addApproveUpdateCommand(group, io, { kind: 'ClusterStack', command: 'clusterstack', namespaced: false });
}
