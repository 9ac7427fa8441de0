/**
 * @module scripts/bench/report
 * The bench's tables as text: one per cluster size (each command's median wall time and peak
 * memory, their ratios to the parse baseline, and at 10k the issue's targets, met or MISSED), then
 * how each figure grows from size to size. Pure: results in, lines out.
 */
import { BASELINE, MEMORY_TARGET, TARGET_PODS, type BenchCommand } from './commands.js';
import type { ClusterShape } from './cluster.js';

export type Result =
  | { readonly kind: 'measured'; readonly ms: number; readonly kib: number; readonly runs: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly afterMs: number; readonly kib?: number }
  | { readonly kind: 'skipped'; readonly reason: string };

export type Measured = Extract<Result, { kind: 'measured' }>;

export interface SizeResult {
  readonly shape: ClusterShape;
  readonly bytes: number;
  readonly baseline: Measured;
  /** In the order of the commands given to the report. */
  readonly results: readonly Result[];
}

/** "1k", "10k", "50k": sizes are whole thousands (clusterShape). */
export function sizeName(pods: number): string {
  return `${pods / 1000}k`;
}

/** Pads columns; the first is left-aligned, the rest right-aligned, except the last when it is a note. */
function table(header: readonly string[], rows: readonly (readonly string[])[], noteColumn = false): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 || (noteColumn && c === cells.length - 1) ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const fixed = (x: number, digits: number) => x.toFixed(digits);
const mib = (kib: number) => fixed(kib / 1024, 1);
const seconds = (ms: number) => `${fixed(ms / 1000, 1)} s`;

/** "1.5x met" / "1.5x MISSED": the verdict sits beside the limit it is judged against. */
function judge(ratio: number, limit: number): string {
  return `${limit}x ${ratio <= limit ? 'met' : 'MISSED'}`;
}

export function sizeTable(size: SizeResult, commands: readonly BenchCommand[], runs: number): string[] {
  const { shape, baseline } = size;
  const targets = shape.pods === TARGET_PODS;
  const head = [
    `${sizeName(shape.pods)} pods: ${shape.nodes} nodes, ${shape.namespaces} namespaces, ${shape.policies.toLocaleString('en-US')} policies, ` +
      `${fixed(size.bytes / 1e6, 1)} MB of JSON; median of ${runs} runs each, interleaved with the parse` +
      (targets ? '; targets (issue 7) judged at this size' : ''),
  ];
  const rows = commands.map((command, k): string[] => {
    const r = size.results[k] as Result;
    if (r.kind === 'failed') {
      // A command that does not finish has not met its target, whatever its partial figures.
      const missed = (limit: number | undefined) => (targets && limit !== undefined ? `${limit}x MISSED` : '');
      const peak = r.kib === undefined ? '' : `, peak ${mib(r.kib)} MiB`;
      return [command.label, 'failed', '', missed(command.timeTarget), '', '', missed(MEMORY_TARGET), `${r.reason} (after ${seconds(r.afterMs)}${peak})`];
    }
    if (r.kind === 'skipped') return [command.label, 'skipped', '', '', '', '', '', r.reason];
    const time = r.ms / baseline.ms;
    const memory = r.kib / baseline.kib;
    const timeVerdict = targets && command.timeTarget !== undefined ? judge(time, command.timeTarget) : '';
    const memoryVerdict = targets ? judge(memory, MEMORY_TARGET) : '';
    return [command.label, fixed(r.ms, 0), fixed(time, 2), timeVerdict, mib(r.kib), fixed(memory, 2), memoryVerdict, ''];
  });
  const base = [BASELINE.label, fixed(baseline.ms, 0), '1.00', '', mib(baseline.kib), '1.00', '', ''];
  return [...head, ...table(['command', 'ms', 'x parse', 'target', 'peak MiB', 'x parse', 'target', ''], [base, ...rows], true)];
}

/**
 * Growth of one figure between consecutive sizes, as the ratio of its cost per cluster pod:
 * 1.00 is linear, below is better. The matrix rows judge the same 500 or 1,000 pods at every size,
 * so their quadratic part (pairs x ports) is fixed and what grows is the cluster around them: they
 * are judged per cluster pod like the rest. A figure meets "no worse than linear" when every step
 * it was measured over is at most 1.00.
 */
export function growthTable(what: 'time' | 'memory', sizes: readonly SizeResult[], commands: readonly BenchCommand[]): string[] {
  const value = (m: Measured) => (what === 'time' ? m.ms : m.kib / 1024);
  const show = (m: Measured) => (what === 'time' ? fixed(m.ms, 0) : fixed(m.kib / 1024, 1));
  const steps = sizes.slice(1).map((b, k) => [sizes[k] as SizeResult, b] as const);
  const figure = (label: string, pick: (s: SizeResult) => Result): string[] => {
    const results = sizes.map(pick);
    const cells = results.map((r) => (r.kind === 'measured' ? show(r) : r.kind));
    const ratios = steps.map(([a, b]) => {
      const ra = pick(a);
      const rb = pick(b);
      return ra.kind === 'measured' && rb.kind === 'measured' ? value(rb) / b.shape.pods / (value(ra) / a.shape.pods) : undefined;
    });
    const known = ratios.filter((x): x is number => x !== undefined);
    const verdict = known.length === 0 ? '' : known.every((x) => x <= 1) ? 'met' : 'MISSED';
    const partial = known.length > 0 && known.length < ratios.length ? ' (not every step)' : '';
    return [label, ...cells, ...ratios.map((x) => (x === undefined ? '' : fixed(x, 2))), verdict + partial];
  };
  const header = [
    what === 'time' ? 'wall time, ms' : 'peak memory, MiB',
    ...sizes.map((s) => sizeName(s.shape.pods)),
    ...steps.map(([a, b]) => `per pod ${sizeName(a.shape.pods)}->${sizeName(b.shape.pods)}`),
    'linear?',
  ];
  const rows = [
    figure(BASELINE.label, (s) => s.baseline),
    ...commands.map((c, k) => figure(c.label, (s) => s.results[k] as Result)),
  ];
  return table(header, rows);
}

/** The live rows of one size (scripts/bench/live), as measureLive gives them. */
export interface LiveSizeResult {
  readonly shape: ClusterShape;
  readonly server: { readonly objects: number; readonly loadMs: number };
  readonly rows: readonly { readonly file: Result; readonly live: Result; readonly stats: { readonly lists: number; readonly pages: number; readonly limited: number } | undefined }[];
}

export function liveTable(size: LiveSizeResult, commands: readonly BenchCommand[], runs: number, target: number, cpuCount: number): string[] {
  const { shape, server } = size;
  const targets = shape.pods === TARGET_PODS;
  const head = [
    `${sizeName(shape.pods)} pods, live: the test API server (its own process) loaded the file's ${server.objects.toLocaleString('en-US')} objects ` +
      `in ${seconds(server.loadMs)}; each command with --kubeconfig, interleaved with it on -f FILE, median of ${runs} runs` +
      (targets ? '; target (issue 7) judged at this size' : ''),
  ];
  const cell = (r: Result) => (r.kind === 'measured' ? fixed(r.ms, 0) : r.kind);
  const rows = commands.map((command, k): string[] => {
    const row = size.rows[k];
    if (row === undefined) return [command.label, '', '', '', '', '', '', ''];
    const { file, live, stats } = row;
    const why = [file, live].flatMap((r, i) => (r.kind === 'measured' ? [] : [`${i === 0 ? 'file' : 'live'}: ${r.reason}`])).join('; ');
    const ratio = file.kind === 'measured' && live.kind === 'measured' ? live.ms / file.ms : undefined;
    const verdict = !targets ? '' : ratio === undefined ? `${target}x MISSED` : judge(ratio, target);
    const lists = stats === undefined ? '' : `${stats.lists}${stats.limited === stats.lists ? '' : ` (${stats.lists - stats.limited} unpaged)`}`;
    return [command.label, cell(file), cell(live), ratio === undefined ? '' : fixed(ratio, 2), verdict, lists, stats === undefined ? '' : String(stats.pages), why];
  });
  return [
    ...head,
    ...table(['command', 'file ms', 'live ms', 'live/file', 'target', 'lists', 'pages', ''], rows, true),
    'lists and pages: what the server saw during one live run (a list is its first page; the plugin asks for pages of 500 with limit/continue).',
    `note: ${cpuCount} CPUs here, shared: the server process builds and encrypts its pages on the cores the plugin runs on, so the live times include that ` +
      'contention, which a real API server on another host would not cause (nor would it answer in microseconds over loopback).',
  ];
}
