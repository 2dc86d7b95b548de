import { Command, CommanderError } from '@commander-js/extra-typings';
import type { CliIo } from './io.ts';
import { packsmithVersion } from './version.ts';

/** Adds one or more top-level commands (with their subcommands) to the program. */
type Register = (program: Command, io: CliIo) => void;

/** A module that registers top-level commands: their names, and how to load it. */
interface CommandModule {
  names: readonly string[];
  load: () => Promise<Register>;
}

// In the order `--help` lists them. Each module is imported only when one of its commands runs (or
// for the full tree: help, completion, an unknown command), so a command pays only for its own code
// and dependencies. program.test.ts checks these names against the tree.
const commandModules: readonly CommandModule[] = [
  { names: ['version'], load: async () => (await import('./commands/version.ts')).registerVersionCommand },
  { names: ['samples'], load: async () => (await import('./commands/samples.ts')).registerSamplesCommand },
  { names: ['build'], load: async () => (await import('./commands/build.ts')).registerBuildCommand },
  { names: ['plan'], load: async () => (await import('./commands/plan.ts')).registerPlanCommand },
  { names: ['store'], load: async () => (await import('./commands/store.ts')).registerStoreCommand },
  { names: ['image'], load: async () => (await import('./commands/image.ts')).registerImageCommand },
  { names: ['inspect'], load: async () => (await import('./commands/inspect.ts')).registerInspectCommand },
  { names: ['verify'], load: async () => (await import('./commands/verify.ts')).registerVerifyCommand },
  { names: ['install'], load: async () => (await import('./commands/install.ts')).registerInstallCommand },
  { names: ['doctor'], load: async () => (await import('./commands/doctor.ts')).registerDoctorCommand },
  { names: ['webhook'], load: async () => (await import('./commands/webhook.ts')).registerWebhookCommand },
  { names: ['controller'], load: async () => (await import('./commands/controller.ts')).registerControllerCommand },
  { names: ['clusterstore'], load: async () => (await import('./commands/clusterstore.ts')).registerClusterStoreCommand },
  { names: ['clusterstack', 'clusterlifecycle', 'config'], load: async () => (await import('./commands/clusterstack.ts')).registerClusterStackCommands },
  { names: ['buildpack', 'clusterbuildpack'], load: async () => (await import('./commands/buildpack.ts')).registerBuildpackCommands },
  { names: ['builder', 'clusterbuilder'], load: async () => (await import('./commands/builder.ts')).registerBuilderCommands },
  // Completion walks the whole tree, so asking for it loads every module (see modulesFor).
  { names: ['completion', '__complete'], load: async () => (await import('./commands/completion.ts')).registerCompletionCommand },
];

const description =
  'Keeps Cloud Native Buildpacks builder images up to date from kpack-style resources: ' +
  'ClusterStore, ClusterStack, ClusterLifecycle, Buildpack, ClusterBuildpack, Builder and ClusterBuilder.';

const exitCodeHelp = `
Exit codes:
  0   success
  1   the operation failed (the message says why)
  2   wrong usage (unknown command or flag, missing argument)
  70  internal error (a bug in packsmith: please report it)`;

/**
 * The modules `argv` needs: none for the version flag alone, the one that owns its command, or all
 * of them when there is no command (help), it is unknown (commander suggests a near name) or it is completion.
 * Program options only come before the command (positional options), so the command is the first
 * word that is not a flag.
 */
function modulesFor(argv: readonly string[] | undefined): readonly CommandModule[] {
  const command = argv?.find((word) => !word.startsWith('-'));
  // The version flag alone prints the version and exits before any command could run.
  const versionOnly =
    argv !== undefined && command === undefined && argv.some((w) => w === '-v' || w === '--version') && !argv.some((w) => w === '-h' || w === '--help');
  if (versionOnly) return [];
  const owner = commandModules.find((m) => command !== undefined && m.names.includes(command));
  if (owner === undefined || owner.names.includes('__complete')) return commandModules;
  return [owner];
}

/**
 * Builds the command tree, writing through `io`; commander's own exits become CommanderErrors. With
 * `argv`, only the command modules that `argv` can reach are loaded; without it, every one.
 */
export async function buildProgram(io: CliIo, argv?: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('packsmith')
    .description(description)
    .version(packsmithVersion, '-v, --version', 'print the packsmith version')
    .showHelpAfterError('(run with --help for usage)')
    // `-v` is the version only before a subcommand, so subcommands can use `-v, --verbose` as kp does.
    .enablePositionalOptions()
    .addHelpText('after', exitCodeHelp)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const registers = await Promise.all(modulesFor(argv).map((m) => m.load()));
  for (const register of registers) register(program, io);
  return program;
}

/** The names of the top-level commands each lazily loaded module registers, for checking the table. */
export const lazyCommandNames: readonly (readonly string[])[] = commandModules.map((m) => m.names);

export { CommanderError };
export type { Command };
