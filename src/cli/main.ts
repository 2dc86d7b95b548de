/**
 * The packsmith command line: parses argv, runs one command and is the single error boundary that
 * turns failures into a message and an exit code. Only this module touches process.argv and exit.
 */
import { pathToFileURL } from 'node:url';
import { errorCode } from '../shared/index.ts';
import { CommanderError, buildProgram, type Command } from './program.ts';
import { processIo, type CliIo } from './io.ts';
import { describeFailure, exitCodes } from './errors.ts';

/** Runs the CLI with `argv` (without the node and script entries) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    // Inside the boundary: a command module that fails to load is reported like any other failure.
    const program = await buildProgram(io, argv);
    await program.parseAsync(withoutHelpForUnknownCommand(program, argv), { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed help, the version or the usage problem.
      if (error.exitCode === 0) return exitCodes.ok;
      return exitCodes.usage;
    }
    const { message, exitCode } = describeFailure(error);
    io.stderr(`error: ${message}\n`);
    return exitCode;
  }
}

/**
 * `packsmith plan --help` must say that `plan` is unknown (exit 2), not print the root help: with
 * the help flag removed, commander reports the unknown command and suggests a near one.
 */
function withoutHelpForUnknownCommand(program: Command, argv: readonly string[]): string[] {
  const command = argv.find((word) => !word.startsWith('-'));
  const known = program.commands.some((c) => c.name() === command || c.aliases().includes(command ?? ''));
  if (command === undefined || command === 'help' || known) return [...argv];
  return argv.filter((word) => word !== '--help' && word !== '-h');
}

/** Output closed early (`packsmith … | head -1`): stop quietly, as other command-line tools do. */
function endQuietlyOnClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error) => {
    if (errorCode(error) !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? exitCodes.ok);
  });
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  endQuietlyOnClosedOutput(process.stdout);
  endQuietlyOnClosedOutput(process.stderr);
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
