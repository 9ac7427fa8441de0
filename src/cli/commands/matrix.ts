/**
 * @module cli/commands/matrix
 * `matrix [-n NS | -A] [-l SELECTOR] --port P[/PROTO] ... [--expect FILE]`: the verdict of every
 * ordered pair of pods in scope (self pairs included) for each port. A pair that is no connection
 * on a column is marked so and left out of the count: a destination without the named port, or
 * ends without a common address family (or without the one --ip-family names). With --expect, the
 * answers are checked against a file of expectations: exit 1 when any differs.
 */
import { qualifiedName, type Pod, type Protocol } from '../../model/index.js';
import { compileSnapshot, destinationPort, evaluateConnection, isAllowed, selectorMatches, type CompiledSnapshot, type Endpoint } from '../../engine/index.js';
import { verdictReason } from '../../render/verdict.js';
import { renderMatrixGrid, renderMatrixWide, type MatrixCell, type MatrixView } from '../../render/matrix.js';
import { renderExpectationMisses, type ExpectationMiss } from '../../render/expectations.js';
import { describeAddressless } from '../../render/notes.js';
import { CliError } from '../../errors.js';
import type { Expectation } from '../../sources/expectations.js';
import { parsePortArg, parseSelectorArg, protocolOn, type PortArg } from '../args.js';
import type { FamilyArg, GlobalArgs } from '../global-args.js';
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

/** `withReason`: the reason is worded only where it is shown (-o wide, json, yaml), not for the grid. */
function cell(c: CompiledSnapshot, src: Pod, dst: Pod, pa: PortArg, familyArg: FamilyArg | undefined, withReason: boolean): Cell {
  const from = qualifiedName(src);
  const to = qualifiedName(dst);
  const srcEnd: Endpoint = { kind: 'pod', pod: src };
  const dstEnd: Endpoint = { kind: 'pod', pod: dst };
  const protocol = protocolOn(pa, dstEnd);
  const number = destinationPort(dstEnd, pa.port, protocol);
  const head = { from, to, port: number ?? null, ...(typeof pa.port === 'string' ? { portName: pa.port } : {}), protocol };
  if (number === undefined) return { ...head, allowed: null, reason: `not a connection: ${to} declares no ${pa.protocolGiven ? `${protocol} ` : ''}port named "${pa.port}"` };
  const gap = connectionGap(srcEnd, dstEnd, familyArg);
  if (gap !== undefined) return { ...head, allowed: null, reason: `not a connection: ${gap}` };
  const v = evaluateConnection(c, { src: srcEnd, dst: dstEnd, port: number, protocol, ...(familyArg === undefined ? {} : { family: familyOf(familyArg) }) });
  return { ...head, allowed: isAllowed(v), reason: withReason ? verdictReason(v) : '' };
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
  const withReason = args.output !== 'table' || expectations !== undefined;
  const columns = [...new Map(ports.map((pa) => [columnOf(pa), pa])).values()];
  function* cellsOf(pa: PortArg): Generator<Cell> {
    for (const src of pods) for (const dst of pods) yield cell(c, src, dst, pa, o.ipFamily, withReason);
  }
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
    for (const piece of renderDataList('results', results(), args.output, { before: head, after: overlayField(loaded) })) out.write(piece);
    return 0;
  }
  const grids = columns.map((pa) => ({ column: columnOf(pa), cells: [...cellsOf(pa)] }));
  const misses = expectations === undefined ? undefined : checkExpectations(expectations, grids);
  const code = misses !== undefined && misses.length > 0 ? 1 : 0;
  if (args.output === 'json' || args.output === 'yaml') {
    const after = { expectations: { checked: expectations?.length ?? 0, differing: misses ?? [] }, ...overlayField(loaded) };
    const renderDataList = await dataListPrinter();
    for (const piece of renderDataList('results', grids.flatMap((g) => g.cells), args.output, { before: head, after })) out.write(piece);
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
