/**
 * @module render/table
 * kubectl's table layout (upper-case headers, columns three spaces apart, no borders) drawn by
 * cli-table3, which measures wide characters; no colours, since output is often piped.
 */
import Table from 'cli-table3';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '   ',
};

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], chars: NO_BORDERS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  table.push(...rows.map((r) => [...r]));
  // The last column is padded like the others; kubectl's lines end with their text.
  return `${table.toString().split('\n').map((l) => l.trimEnd()).join('\n')}\n`;
}
