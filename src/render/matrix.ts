/**
 * @module render/matrix
 * The reachability truth table: one grid per port, rows are sources and columns destinations.
 * When the grid is wider than the terminal, columns are numbered and a legend names them.
 */
import { csvCell, renderTable } from './table.js';
import { plural } from './words.js';

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  /** null: the pair is no connection on this column (a named port `to` lacks, a family an end lacks). */
  readonly allowed: boolean | null;
  /** One-line reason, for -o wide. */
  readonly reason: string;
}

/** One port's grid: a cell for every ordered pair of `pods`. */
export interface MatrixGrid {
  /** The port, e.g. `80/TCP` or `http/TCP`. */
  readonly column: string;
  /** Row by row: the cell of pods[r] -> pods[i] is at r * pods.length + i. */
  readonly cells: readonly MatrixCell[];
}

export interface MatrixView {
  readonly pods: readonly string[];
  readonly grids: readonly MatrixGrid[];
}

const YES = '✓';
const NO = '✗';
const NONE = '-';

function mark(allowed: boolean | null | undefined): string {
  return allowed === true ? YES : allowed === false ? NO : NONE;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

/** `PORT 80/TCP  (legend)` on one line when it fits, else the legend below, wrapped at spaces. */
function fitHeader(title: string, legend: string, columns: number): string[] {
  const one = `${title}  ${legend}`;
  if ([...one].length <= columns) return [one];
  const lines = [title];
  let cur = '';
  for (const word of legend.split(' ')) {
    if (cur !== '' && [...`${cur} ${word}`].length > columns) {
      lines.push(cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/**
 * Column headers are the pod names when the grid fits `columns`; otherwise numbers (the rows say
 * which pod each number is), and when even that is too wide, the columns are split into blocks
 * that fit, each printed with every row.
 */
export function renderMatrixGrid(m: MatrixView, columns: number): string {
  const out: string[] = [];
  const rowHead = Math.max(4, ...m.pods.map((p) => p.length));
  const full = rowHead + 2 + m.pods.reduce((n, p) => n + p.length + 2, 0);
  const numbered = full > columns;
  const colNames = m.pods.map((p, i) => (numbered ? String(i + 1) : p));
  const lead = rowHead + (numbered ? 3 : 0) + 2;
  const perBlock = numbered ? Math.max(1, Math.floor((columns - lead) / (String(m.pods.length).length + 2))) : m.pods.length;
  for (const { column, cells: list } of m.grids) {
    for (let first = 0; first < m.pods.length; first += perBlock) {
      const cols = m.pods.slice(first, first + perBlock).map((_, k) => first + k);
      const range = cols.length < m.pods.length ? `, columns ${first + 1}-${first + cols.length} of ${m.pods.length}` : '';
      const legend = `${YES} allowed, ${NO} denied${list.some((c) => c.allowed === null) ? `, ${NONE} not a connection` : ''}`;
      out.push(...fitHeader(`PORT ${column}`, `(rows: from, columns: to; ${legend}${range})`, columns));
      out.push(`${pad(numbered ? '#  FROM' : 'FROM', lead - 2)}  ${cols.map((i) => colNames[i] ?? '').join('  ')}`.trimEnd());
      m.pods.forEach((from, r) => {
        const row = cols.map((i) => pad(mark(list[r * m.pods.length + i]?.allowed), (colNames[i] ?? '').length)).join('  ');
        const head = numbered ? `${pad(String(r + 1), 3)}${pad(from, rowHead)}` : pad(from, rowHead);
        out.push(`${head}  ${row}`.trimEnd());
      });
      out.push('');
    }
  }
  out.push(matrixSummary(m.grids.flatMap((g) => g.cells)));
  return `${out.join('\n')}\n`;
}

/** Pairs that are no connection are left out of the count: they were never a question. */
export function matrixSummary(cells: readonly MatrixCell[]): string {
  const connections = cells.filter((c) => c.allowed !== null);
  const allowed = connections.filter((c) => c.allowed === true).length;
  const none = cells.length - connections.length;
  return `${allowed} of ${connections.length} connections allowed${none > 0 ? ` (${plural(none, 'pair is', 'pairs are')} not a connection)` : ''}`;
}

export function renderMatrixWide(m: MatrixView): string {
  const rows = m.grids.flatMap((g) => g.cells.map((c) => [c.from, c.to, g.column, c.allowed === null ? 'n/a' : c.allowed ? 'allowed' : 'denied', c.reason]));
  return renderTable(['FROM', 'TO', 'PORT', 'VERDICT', 'REASON'], rows);
}

/** -o csv: one line per pair and column, as -o wide lists them. */
export function renderMatrixCsv(view: MatrixView): string {
  const rows = view.grids.flatMap((g) => g.cells.map((c) => [c.from, c.to, g.column, c.allowed === null ? '' : String(c.allowed), c.reason].map(csvCell).join(',')));
  return `${['from,to,port,allowed,reason', ...rows].join('\n')}\n`;
}

/** -o md: each column's grid as a Markdown table, for a pull-request comment. */
export function renderMatrixMarkdown(view: MatrixView): string {
  const n = view.pods.length;
  const code = (s: string): string => `\`${s}\``;
  return view.grids
    .map((g) => {
      const head = `| from \\ to | ${view.pods.map(code).join(' | ')} |`;
      const rule = `|---|${view.pods.map(() => ':-:').join('|')}|`;
      const rows = view.pods.map((from, r) => `| ${code(from)} | ${Array.from({ length: n }, (_, i) => mark(g.cells[r * n + i]?.allowed)).join(' | ')} |`);
      return [`**Port ${g.column}** (${YES} allowed, ${NO} denied, ${NONE} no connection)`, '', head, rule, ...rows, ''].join('\n');
    })
    .join('\n');
}
