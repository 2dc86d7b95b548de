import { Command, CommanderError } from '@commander-js/extra-typings';
import type { CliIo } from './io.ts';
import { packsmithVersion } from './version.ts';
import { registerVersionCommand } from './commands/version.ts';
import { registerBuildCommand } from './commands/build.ts';
import { registerStoreCommand } from './commands/store.ts';
import { registerImageCommand } from './commands/image.ts';
import { registerInspectCommand } from './commands/inspect.ts';
import { registerInstallCommand } from './commands/install.ts';
import { registerWebhookCommand } from './commands/webhook.ts';
import { registerControllerCommand } from './commands/controller.ts';
import { registerSamplesCommand } from './commands/samples.ts';
import { registerClusterStoreCommand } from './commands/clusterstore.ts';
import { registerClusterStackCommands } from './commands/clusterstack.ts';
import { registerBuildpackCommands } from './commands/buildpack.ts';
import { registerBuilderCommands } from './commands/builder.ts';
import { registerCompletionCommand } from './commands/completion.ts';

const description =
  'Keeps Cloud Native Buildpacks builder images up to date from kpack-style resources: ' +
  'ClusterStore, ClusterStack, ClusterLifecycle, Buildpack, ClusterBuildpack, Builder and ClusterBuilder.';

const exitCodeHelp = `
Exit codes:
  0   success
  1   the operation failed (the message says why)
  2   wrong usage (unknown command or flag, missing argument)
  70  internal error (a bug in packsmith: please report it)`;

/** Builds the command tree, writing through `io`; commander's own exits become CommanderErrors. */
export function buildProgram(io: CliIo): Command {
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
  registerVersionCommand(program, io);
  registerSamplesCommand(program, io);
  registerBuildCommand(program, io);
  registerStoreCommand(program, io);
  registerImageCommand(program, io);
  registerInspectCommand(program, io);
  registerInstallCommand(program, io);
  registerWebhookCommand(program, io);
  registerControllerCommand(program, io);
  registerClusterStoreCommand(program, io);
  registerClusterStackCommands(program, io);
  registerBuildpackCommands(program, io);
  registerBuilderCommands(program, io);
  registerCompletionCommand(program, io);
  return program;
}

export { CommanderError };
