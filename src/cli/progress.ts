/**
 * Progress on stderr (so stdout stays clean for `-o`): a line when a resource starts, and a line per
 * blob as it finishes (existing, mounted or uploaded). By default only on an interactive terminal;
 * `--verbose` prints it anywhere (CI logs), `--quiet` never.
 */
import type { BlobProgress, ProgressCallback, ResourceEvent } from '../app/index.ts';
import type { CliIo } from './io.ts';
import { formatBytes } from './output.ts';

/** How much a command says besides its result: `quiet` only errors, `verbose` progress even off a terminal. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** The verbosity that `--quiet` and `--verbose` ask for. */
export function verbosityOf(options: { quiet?: boolean; verbose?: boolean }): Verbosity {
  if (options.quiet === true) return 'quiet';
  return options.verbose === true ? 'verbose' : 'normal';
}

/** Callbacks that print progress when `verbosity` and the terminal call for it, and do nothing otherwise. */
export function terminalProgress(io: CliIo, verbosity: Verbosity = 'normal'): { onResource?: (event: ResourceEvent) => void; onProgress?: ProgressCallback } {
  if (verbosity === 'quiet' || (verbosity === 'normal' && !io.isTty)) return {};
  return {
    onResource: (event) => {
      if (event.phase !== 'started') return;
      const {
        kind,
        metadata: { name, namespace },
      } = event.resource;
      io.stderr(`… ${kind} ${namespace ? `${namespace}/` : ''}${name}\n`);
    },
    onProgress: (progress: BlobProgress) => {
      if (progress.state === 'uploading') return;
      io.stderr(`  ${progress.digest.slice(7, 19)} ${progress.state.padEnd(8)} ${formatBytes(progress.size)}\n`);
    },
  };
}
