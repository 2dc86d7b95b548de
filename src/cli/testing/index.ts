/**
 * Test kit for the CLI: a CliIo that records what a command writes. Tests only; production code
 * never imports it.
 */
import type { CliIo } from '../io.ts';
import { runCli } from '../main.ts';

/** A CliIo whose output is kept in `out` and `err` (one entry per write). */
export type CapturedIo = CliIo & { out: string[]; err: string[] };

/** Captures output; `env` and `stdin` are what the command sees (empty by default). */
export function captureIo(options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    isTty: false,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    env: options.env ?? {},
  };
}

/** What one CLI run gave: its exit code and everything it wrote, joined. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI with `args` on a captured CliIo (`env` and `stdin` as for `captureIo`). */
export async function runCaptured(args: readonly string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliRun> {
  const io = captureIo(options);
  const code = await runCli(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}
