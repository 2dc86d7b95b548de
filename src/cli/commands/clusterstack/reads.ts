/** `status`, `list` and `delete` of the cluster-scoped stacks and lifecycles: the same commands over two kinds. */
import type { Command } from '@commander-js/extra-typings';
import type { KubeObject } from '../../cluster/port.ts';
import { addKubeFlags, deleteResource, forceDeleteHelp } from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { runRead } from './shared.ts';

/** What differs between the kinds. */
export interface ReadCommandsSpec {
  kind: 'ClusterStack' | 'ClusterLifecycle';
  /** The command group, e.g. `clusterstack`. */
  group: string;
  /** An example resource name for the help texts. */
  example: string;
  statusDescription: string;
  verboseDescription: string;
  listDescription: string;
  deleteDescription: string;
  renderStatus: (object: KubeObject, verbose: boolean) => string;
  renderList: (objects: readonly KubeObject[]) => string;
}

/** Adds `status <name> [-v]`, `list` and `delete <name>` to `group`. */
export function registerClusterReads(group: Command, io: CliIo, spec: ReadCommandsSpec): void {
  const { kind } = spec;
  const status = group
    .command('status')
    .description(spec.statusDescription)
    .argument('<name>', `${kind} name`)
    .option('-v, --verbose', spec.verboseDescription)
    .addHelpText('after', `\nExamples:\n  packsmith ${spec.group} status ${spec.example}\n  packsmith ${spec.group} status ${spec.example} -v`)
    .action(async (name, _o, command) => {
      const options = command.opts();
      const object = await runRead(io, options, (session) => session.objects.get({ kind, name }));
      io.stdout(spec.renderStatus(object, options.verbose === true));
    });
  addKubeFlags(status, { namespaced: false });

  const list = group
    .command('list')
    .description(spec.listDescription)
    .addHelpText('after', `\nExamples:\n  packsmith ${spec.group} list`)
    .action(async (_o, command) => {
      const objects = await runRead(io, command.opts(), (session) => session.objects.list({ kind }));
      if (objects.length === 0) throw new CliError(`no ${spec.group}s found`);
      io.stdout(spec.renderList(objects));
    });
  addKubeFlags(list, { namespaced: false });

  const remove = group
    .command('delete')
    .description(spec.deleteDescription)
    .argument('<name>', `${kind} name`)
    .option('--force', forceDeleteHelp)
    .addHelpText('after', `\nExamples:\n  packsmith ${spec.group} delete ${spec.example}\n  packsmith ${spec.group} delete ${spec.example} --force`)
    .action(async (name, _o, command) => {
      const options = command.opts();
      await runRead(io, options, (session) => deleteResource(session.objects, { kind, name }, { force: options.force === true }));
      io.stdout(`${kind} "${name}" deleted\n`);
    });
  addKubeFlags(remove, { namespaced: false });
}
