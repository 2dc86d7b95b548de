/** Printers shared by the commands: aligned text tables, YAML documents and JSON. */
import { stringify } from 'yaml';

/** Rows as left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
}

/** Values as a YAML stream, one document each. */
export function formatYamlDocuments(values: readonly unknown[]): string {
  return values.map((value) => `---\n${stringify(value, { lineWidth: 0 })}`).join('');
}

/** Pretty JSON with a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Human-readable byte counts (1024-based). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
