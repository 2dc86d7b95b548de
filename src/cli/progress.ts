/**
 * Progress for interactive terminals only (on stderr, so stdout stays clean for `-o`): a line when
 * a resource starts, and a line per blob as it finishes (existing, mounted or uploaded).
 */
import type { BlobProgress, ProgressCallback, ResourceEvent } from '../app/index.ts';
import type { CliIo } from './io.ts';
import { formatBytes } from './output.ts';

/** Callbacks that print progress when `io` is a TTY, and do nothing otherwise. */
export function terminalProgress(io: CliIo): { onResource?: (event: ResourceEvent) => void; onProgress?: ProgressCallback } {
  if (!io.isTty) return {};
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
