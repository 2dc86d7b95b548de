/**
 * Progress on stderr (so stdout stays clean for `-o`): a line when a resource starts; a line per
 * blob as it finishes (existing, mounted or uploaded), with the share sent at each quarter of a
 * large upload; and, when a resource that wrote blobs finishes, one line that sums them up. By
 * default only on an interactive terminal; `--verbose` prints it anywhere (CI logs), `--quiet` never.
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

/** Uploads from this size on get a line at 25, 50 and 75 %. */
export const largeUploadBytes = 4 * 1024 * 1024;

type FinalState = Exclude<BlobProgress['state'], 'uploading'>;

/** What the blobs of one resource came to: how many and how many bytes, per final state. */
class BlobTally {
  readonly #totals = new Map<FinalState, { count: number; bytes: number }>();

  add(state: FinalState, size: number): void {
    const total = this.#totals.get(state) ?? { count: 0, bytes: 0 };
    this.#totals.set(state, { count: total.count + 1, bytes: total.bytes + size });
  }

  /** `3 blobs: 1 uploaded (40.0 MiB), 1 mounted (2.0 MiB), 1 existing (1.0 KiB)`, or undefined when none. */
  summary(): string | undefined {
    const parts = (['uploaded', 'mounted', 'existing'] as const).flatMap((state) => {
      const total = this.#totals.get(state);
      return total ? [`${total.count} ${state} (${formatBytes(total.bytes)})`] : [];
    });
    const count = [...this.#totals.values()].reduce((sum, t) => sum + t.count, 0);
    return count === 0 ? undefined : `${count} blob${count === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }
}

const short = (digest: string): string => digest.slice(7, 19);

/** Callbacks that print progress when `verbosity` and the terminal call for it, and do nothing otherwise. */
export function terminalProgress(io: CliIo, verbosity: Verbosity = 'normal'): { onResource?: (event: ResourceEvent) => void; onProgress?: ProgressCallback } {
  if (verbosity === 'quiet' || (verbosity === 'normal' && !io.isTty)) return {};
  let tally = new BlobTally();
  const quartersShown = new Map<string, number>();
  return {
    onResource: (event) => {
      const {
        kind,
        metadata: { name, namespace },
      } = event.resource;
      const label = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
      if (event.phase === 'started') {
        tally = new BlobTally();
        io.stderr(`… ${label}\n`);
        return;
      }
      const summary = tally.summary();
      if (summary !== undefined) io.stderr(`  ${label}: ${summary}\n`);
    },
    onProgress: (progress: BlobProgress) => {
      if (progress.state !== 'uploading') {
        quartersShown.delete(progress.digest);
        tally.add(progress.state, progress.size);
        io.stderr(`  ${short(progress.digest)} ${progress.state.padEnd(8)} ${formatBytes(progress.size)}\n`);
        return;
      }
      if (progress.size < largeUploadBytes) return;
      const quarter = Math.floor((progress.sent / progress.size) * 4);
      if (quarter < 1 || quarter > 3 || quarter <= (quartersShown.get(progress.digest) ?? 0)) return;
      quartersShown.set(progress.digest, quarter);
      io.stderr(`  ${short(progress.digest)} uploading ${quarter * 25}% of ${formatBytes(progress.size)}\n`);
    },
  };
}
