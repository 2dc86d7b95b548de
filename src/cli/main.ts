/**
 * The packsmith command line: parses argv, runs one command and is the single error boundary that
 * turns failures into a message and an exit code. Only this module touches process.argv and exit.
 */
import { pathToFileURL } from 'node:url';
import { CommanderError, buildProgram } from './program.ts';
import { processIo, type CliIo } from './io.ts';
import { describeFailure, exitCodes } from './errors.ts';

/** Runs the CLI with `argv` (without the node and script entries) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    // Inside the boundary: a command module that fails to load is reported like any other failure.
    const program = await buildProgram(io, argv);
    await program.parseAsync([...argv], { from: 'user' });
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

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
