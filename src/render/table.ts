/**
 * @module render/table
 * kubectl's table layout: upper-case headers, columns three spaces apart, no borders, lines ending
 * with their text. Widths count code points, as kubectl's printer (Go's text/tabwriter) counts
 * runes; every name in a table is ASCII by the API's validation. Hand-written rather than
 * cli-table3, whose layout time grows faster than linearly (8,000 rows took 2 s, a 200-pod
 * `matrix -o wide` two minutes): here one pass measures, one pass pads.
 */

const GAP = '   ';

function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, width(r[i] ?? '')), width(h)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return i === widths.length - 1 ? cell : cell + ' '.repeat(w - width(cell));
      })
      .join(GAP)
      .trimEnd();
  const out: string[] = [line(head)];
  for (const r of rows) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** A CSV field, quoted when it holds a quote, comma or line break (RFC 4180). */
export function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Text inside a Markdown table cell: a pipe would end the cell. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}
