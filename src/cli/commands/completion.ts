import { Argument, Command as CommandClass, type Command } from '@commander-js/extra-typings';
import { completionCandidates, completionScript, completionShells, type NameLister } from '../completion/index.ts';
import { withClusterSession } from '../cluster/index.ts';
import type { CliIo } from '../io.ts';

// The kind each resource command group manages, for completing resource names.
const groupKinds: Record<
  string,
  { kind: 'ClusterStore' | 'ClusterStack' | 'ClusterLifecycle' | 'Buildpack' | 'ClusterBuildpack' | 'Builder' | 'ClusterBuilder'; namespaced: boolean }
> = {
  clusterstore: { kind: 'ClusterStore', namespaced: false },
  clusterstack: { kind: 'ClusterStack', namespaced: false },
  clusterlifecycle: { kind: 'ClusterLifecycle', namespaced: false },
  buildpack: { kind: 'Buildpack', namespaced: true },
  clusterbuildpack: { kind: 'ClusterBuildpack', namespaced: false },
  builder: { kind: 'Builder', namespaced: true },
  clusterbuilder: { kind: 'ClusterBuilder', namespaced: false },
};

function clusterNames(io: CliIo): NameLister {
  return async (group, flags) => {
    const target = groupKinds[group];
    if (target === undefined) return [];
    return withClusterSession(io, { kube: flags }, async (session) => {
      const items = await session.objects.list({ kind: target.kind, ...(target.namespaced ? { namespace: session.targetNamespace } : {}) });
      return items.map((item) => item.metadata.name);
    });
  };
}

const help = `
Examples:
  source <(packsmith completion bash)          # this shell only
  packsmith completion bash > /etc/bash_completion.d/packsmith
  packsmith completion zsh > "\${fpath[1]}/_packsmith"
  packsmith completion fish > ~/.config/fish/completions/packsmith.fish

Commands, flags and (for status, patch, delete …) the names of existing resources are completed;
names are read from the cluster of the current kubeconfig context (or --kubeconfig/--context/-n).`;

/** `packsmith completion <shell>` and the hidden `packsmith __complete` the scripts call. */
export function registerCompletionCommand(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(completionShells))
    .addHelpText('after', help)
    .action((shell) => {
      io.stdout(completionScript(shell));
    });
  program.addCommand(
    new CommandClass('__complete')
      .argument('[words...]', 'the words typed after "packsmith"; the last one is being completed')
      .allowUnknownOption()
      .helpOption(false)
      .action(async (words: string[]) => {
        const typed = words.slice(0, -1);
        const candidates = await completionCandidates(program, typed, words.at(-1) ?? '', clusterNames(io));
        io.stdout(candidates.map((c) => `${c}\n`).join(''));
      }),
    { hidden: true },
  );
}
