/**
 * kp's text shapes: a status block (`Key:` and value aligned, `--` for empty values, an empty line
 * after) and a table (upper-case header, aligned columns, an empty line after). Both go through the
 * tabwriter rules so output lines up exactly as kp's does.
 */
import { alignColumns } from './tabwriter.ts';

/** One `Key: value` row; an empty or absent value prints as `--`. */
export type StatusRow = readonly [key: string, value: string | undefined];

/** Rows as a kp status block, ending with an empty line. */
export function formatStatusBlock(rows: readonly StatusRow[]): string {
  return alignColumns(rows.map(([key, value]) => `${key}:\t${value === undefined || value === '' ? '--' : value}\n`).join('') + '\n');
}

/** A kp table: `header` upper-cased, one row per entry, ending with an empty line. */
export function formatKpTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const text = [header.map((h) => h.toUpperCase()), ...rows].map((row) => `${row.join('\t')}\n`).join('');
  return alignColumns(text + '\n');
}

/** How a write command runs: for real, validated by the server only, or with uploads but no server change. */
export type WriteMode = 'apply' | 'dry-run' | 'dry-run-with-image-upload';

/** The suffix kp appends to a result line. */
export function resultSuffix(mode: WriteMode, changed = true): string {
  if (mode === 'dry-run') return ' (dry run)';
  if (mode === 'dry-run-with-image-upload') return ' (dry run with image upload)';
  return changed ? '' : ' (no change)';
}
