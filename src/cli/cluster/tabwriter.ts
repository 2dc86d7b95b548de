/**
 * Column alignment with the rules of Go's text/tabwriter (min width 0, padding 4, spaces), which kp
 * prints its status blocks and tables with: a cell is text ending in a tab; the text after a line's
 * last tab is not part of any column; a column is as wide as its widest cell plus the padding, over
 * each run of adjacent lines that have a cell in it (so an empty line starts new columns).
 */

const padding = 4;

type Line = readonly string[];

/** Aligns `text` (lines of tab-terminated cells) and returns it with the tabs replaced by spaces. */
export function alignColumns(text: string): string {
  const endsWithNewline = text.endsWith('\n');
  const lines: Line[] = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  formatBlock({ lines, widths: [], out }, 0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

interface Layout {
  lines: Line[];
  widths: number[];
  out: string[];
}

// Mirrors tabwriter's recursion: find the next run of lines with a cell in the current column, size
// that column over the run, then lay out the run's further columns the same way.
function formatBlock(layout: Layout, first: number, end: number): void {
  const column = layout.widths.length;
  const hasCell = (index: number): boolean => column < (layout.lines[index]?.length ?? 0) - 1;
  let start = first;
  for (let index = first; index < end; index++) {
    if (!hasCell(index)) continue;
    writeLines(layout, start, index);
    let runEnd = index;
    let width = 0;
    for (; runEnd < end && hasCell(runEnd); runEnd++) width = Math.max(width, (layout.lines[runEnd]?.[column]?.length ?? 0) + padding);
    layout.widths.push(width);
    formatBlock(layout, index, runEnd);
    layout.widths.pop();
    start = runEnd;
    index = runEnd - 1;
  }
  writeLines(layout, start, end);
}

function writeLines(layout: Layout, first: number, end: number): void {
  for (let index = first; index < end; index++) {
    const cells = layout.lines[index] ?? [];
    layout.out.push(cells.map((cell, column) => (column < layout.widths.length ? cell.padEnd(layout.widths[column] ?? 0) : cell)).join(''));
  }
}
