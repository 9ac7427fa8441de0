/**
 * @module cli/commands/matrix
 * `matrix [-n NS | -A] [-l SELECTOR] --port P[/PROTO] ... [--expect FILE]`: the verdict of every
 * ordered pair of pods in scope (self pairs included) for each port. A pair that is no connection
 * on a column is marked so and left out of the count: a destination without the named port, or
 * ends without a common address family (or without the one --ip-family names). With --expect, the
 * answers are checked against a file of expectations: exit 1 when any differs.
 */
import { qualifiedName, type Pod, type Protocol } from '../../model/index.js';
import { compileSnapshot, decideConnection, decisionAllows, destinationPort, selectorMatches, type CompiledSnapshot, type Connection, type Endpoint } from '../../engine/index.js';
import { decisionReason } from '../../render/verdict.js';
import { renderMatrixCsv, renderMatrixGrid, renderMatrixMarkdown, renderMatrixWide, type MatrixCell, type MatrixView } from '../../render/matrix.js';
import { matrixGraph } from '../../render/graph.js';
import { isPicture, renderPicture } from '../picture.js';
import { renderExpectationMisses, type ExpectationMiss } from '../../render/expectations.js';
import { describeAddressless } from '../../render/notes.js';
import { CliError } from '../../errors.js';
import type { Expectation } from '../../sources/expectations.js';
import { parsePortArg, parseSelectorArg, protocolOn, type PortArg } from '../args.js';
import type { FamilyArg, GlobalArgs, ReviewFormat } from '../global-args.js';
import { loadObjects, overlayField, overlayNotice, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';
import { connectionGap, familyOf } from '../ip-family.js';
import { dataListPrinter } from '../data-output.js';

export interface MatrixOptions {
  readonly ports: readonly string[];
  readonly selector?: string;
  readonly ipFamily?: FamilyArg;
  /** A file of expected answers. */
  readonly expect?: string;
  /** -o as given: matrix has formats beyond the common ones (md, csv, pictures). */
  readonly format: ReviewFormat;
  /** Pictures: draw denied pairs too. */
  readonly showDenied: boolean;
}

interface Cell extends MatrixCell {
  /** The number, as in can-reach's JSON: a named port resolved on `to`, null where `to` lacks it. */
  readonly port: number | null;
  readonly portName?: string;
  readonly protocol: Protocol;
}

/** pod-2 before pod-10: names are read by people. */
const natural = new Intl.Collator('en', { numeric: true });
const byName = (a: Pod, b: Pod): number => natural.compare(a.namespace, b.namespace) || natural.compare(a.name, b.name);

/** `80/TCP`; a name without a protocol stands alone (each destination declares its own). */
function columnOf(pa: PortArg): string {
  return typeof pa.port === 'string' && !pa.protocolGiven ? pa.port : `${pa.port}/${pa.protocol}`;
}

/** One pod of the matrix, with what every cell it is an end of needs, worked out once. */
interface End {
  readonly pod: Pod;
  readonly end: Endpoint;
  readonly name: string;
  /** Bit 1: has an IPv4 address, bit 2: IPv6; 0: no address yet. */
  readonly families: number;
}

function endOf(pod: Pod): End {
  return { pod, end: { kind: 'pod', pod }, name: qualifiedName(pod), families: pod.ips.reduce((m, ip) => m | (ip.family === 4 ? 1 : 2), 0) };
}

/** Whether connectionGap can find anything to say: it is worded only for the pairs it refuses. */
function mayGap(s: End, d: End, familyArg: FamilyArg | undefined): boolean {
  if (familyArg !== undefined) {
    const bit = familyArg === 'IPv4' ? 1 : 2;
    return (s.families !== 0 && (s.families & bit) === 0) || (d.families !== 0 && (d.families & bit) === 0);
  }
  return s.families !== 0 && d.families !== 0 && (s.families & d.families) === 0;
}

/**
 * Every cell of one column, row by row (sources) and destination by destination, made as they are
 * read. What depends on the destination alone (its protocol and number for the port) is worked
 * out once per destination; the decision is decideConnection's, and the reason is worded only
 * where it is shown (-o wide, json, yaml, --expect), not for the grid.
 */
function* columnCells(c: CompiledSnapshot, ends: readonly End[], pa: PortArg, familyArg: FamilyArg | undefined, withReason: boolean): Generator<Cell> {
  const family = familyArg === undefined ? undefined : familyOf(familyArg);
  const dsts = ends.map((d) => {
    const protocol = protocolOn(pa, d.end);
    return { ...d, protocol, number: destinationPort(d.end, pa.port, protocol) };
  });
  const portName = typeof pa.port === 'string' ? pa.port : undefined;
  // One literal per cell, not spreads: a matrix has a million of them.
  const cell = (from: string, to: string, port: number | null, protocol: Protocol, allowed: boolean | null, reason: string): Cell =>
    portName === undefined ? { from, to, port, protocol, allowed, reason } : { from, to, port, portName, protocol, allowed, reason };
  for (const s of ends) {
    for (const d of dsts) {
      if (d.number === undefined) {
        yield cell(s.name, d.name, null, d.protocol, null, `not a connection: ${d.name} declares no ${pa.protocolGiven ? `${d.protocol} ` : ''}port named "${pa.port}"`);
        continue;
      }
      const gap = mayGap(s, d, familyArg) ? connectionGap(s.end, d.end, familyArg) : undefined;
      if (gap !== undefined) {
        yield cell(s.name, d.name, d.number, d.protocol, null, `not a connection: ${gap}`);
        continue;
      }
      const conn: Connection = family === undefined ? { src: s.end, dst: d.end, port: d.number, protocol: d.protocol } : { src: s.end, dst: d.end, port: d.number, protocol: d.protocol, family };
      const decision = decideConnection(c, conn);
      yield cell(s.name, d.name, d.number, d.protocol, decisionAllows(decision), withReason ? decisionReason(decision, s.name, d.name) : '');
    }
  }
}

/**
 * Each expectation against the matrix's own cells. One that names a pod or port the matrix does
 * not hold is an error, not a silent pass: the scope or the --port list is then wrong.
 */
function checkExpectations(expectations: readonly Expectation[], grids: readonly { readonly column: string; readonly cells: readonly Cell[] }[]): ExpectationMiss[] {
  const byKey = new Map(grids.flatMap((g) => g.cells.map((x) => [`${x.from}\u0000${x.to}\u0000${g.column}`, x] as const)));
  const pods = new Set(grids.flatMap((g) => g.cells.map((x) => x.from)));
  return expectations.flatMap((e) => {
    const column = columnOf(parsePortArg(e.port, `${e.where}: port`));
    for (const end of [e.from, e.to]) {
      if (!pods.has(end)) throw new CliError(`${e.where}: pod ${end} is not in the matrix (widen the scope with -n, -A or -l)`);
    }
    const got = byKey.get(`${e.from}\u0000${e.to}\u0000${column}`);
    if (got === undefined) throw new CliError(`${e.where}: port ${column} is not a column of the matrix (add --port ${column})`);
    return got.allowed === e.allowed ? [] : [{ from: e.from, to: e.to, column, expected: e.allowed, got: got.allowed, reason: got.reason, where: e.where }];
  });
}

export async function runMatrix(args: GlobalArgs, o: MatrixOptions, out: Output): Promise<number> {
  // Loaded only when asked for: they bring the `yaml` package, as -o json|yaml's printer does.
  const expectations = o.expect === undefined ? undefined : await (await import('../../sources/expectations.js')).readExpectations(o.expect);
  // With --expect and no --port, the columns are the ports the expectations name.
  const ports = o.ports.length > 0 ? o.ports.map((p) => parsePortArg(p)) : (expectations ?? []).map((e) => parsePortArg(e.port, `${e.where}: port`));
  if (ports.length === 0) throw new CliError(o.expect === undefined ? 'required flag(s) "port" not set' : `${o.expect}: no expectations, and no --port`);
  const selector = o.selector === undefined ? undefined : parseSelectorArg(o.selector);
  const loaded = await loadObjects(args, (ns) => ({ namespaces: args.allNamespaces ? 'all' : [ns], nodes: false }));
  const scope = scopeNamespaces(args, loaded);
  const c = compileSnapshot(loaded.snapshot);
  const pods = c.pods
    .filter((p) => (scope === undefined || scope.includes(p.namespace)) && (selector === undefined || selectorMatches(selector, p.labels)))
    .sort(byName);
  const withReason = args.output !== 'table' || o.format === 'csv' || expectations !== undefined;
  const columns = [...new Map(ports.map((pa) => [columnOf(pa), pa])).values()];
  const ends = pods.map(endOf);
  const cellsOf = (pa: PortArg): Generator<Cell> => columnCells(c, ends, pa, o.ipFamily, withReason);
  const addressless = describeAddressless(pods);
  if (addressless) out.error(addressless);
  const notice = overlayNotice(loaded);
  const head = { pods: pods.map(qualifiedName), ...(o.ipFamily ? { ipFamily: o.ipFamily } : {}) };
  if ((args.output === 'json' || args.output === 'yaml') && expectations === undefined) {
    // Pairs grow as the square of the pods: each result is made as it is printed, never all kept.
    function* results(): Generator<Cell> {
      for (const pa of columns) yield* cellsOf(pa);
    }
    const renderDataList = await dataListPrinter();
    await out.writeAll(renderDataList('results', results(), args.output, { before: head, after: overlayField(loaded) }));
    return 0;
  }
  const grids = columns.map((pa) => ({ column: columnOf(pa), cells: [...cellsOf(pa)] }));
  const misses = expectations === undefined ? undefined : checkExpectations(expectations, grids);
  const code = misses !== undefined && misses.length > 0 ? 1 : 0;
  if (o.format === 'md' || o.format === 'csv' || isPicture(o.format)) {
    const view: MatrixView = { pods: pods.map(qualifiedName), grids };
    if (o.format === 'md') out.write(renderMatrixMarkdown(view));
    else if (o.format === 'csv') out.write(renderMatrixCsv(view));
    else out.write(await renderPicture(matrixGraph(view, o.showDenied), o.format));
    if (expectations !== undefined && code !== 0) out.error(renderExpectationMisses(expectations.length, misses ?? []).trimEnd());
    return code;
  }
  if (args.output === 'json' || args.output === 'yaml') {
    const after = { expectations: { checked: expectations?.length ?? 0, differing: misses ?? [] }, ...overlayField(loaded) };
    const renderDataList = await dataListPrinter();
    await out.writeAll(renderDataList('results', grids.flatMap((g) => g.cells), args.output, { before: head, after }));
    return code;
  }
  if (pods.length === 0) {
    out.error(`No pods found ${scope === undefined ? 'in the input' : `in namespace ${scope.join(', ')}`}${selector ? ' matching the selector' : ''}.`);
  } else {
    const view: MatrixView = { pods: pods.map(qualifiedName), grids };
    out.write(args.output === 'wide' ? renderMatrixWide(view) : renderMatrixGrid(view, out.columns));
  }
  if (expectations !== undefined) out.write(renderExpectationMisses(expectations.length, misses ?? []));
  if (notice) out.write(`${notice}\n`);
  return code;
}
