/**
 * @module cli/commands/matrix
 * `matrix [-n NS | -A] [-l SELECTOR] --port P[/PROTO] ...`: the verdict of every ordered pair of pods
 * in scope (self pairs included) for each port. A named port is resolved per destination pod; a
 * destination without it is denied for that column, as is, with --ip-family, a pair that has no
 * connection over that family (an end without an address in it).
 */
import { qualifiedName, type Pod, type Protocol } from '../../model/index.js';
import { compileSnapshot, destinationPort, evaluateConnection, isAllowed, selectorMatches, type CompiledSnapshot, type Endpoint } from '../../engine/index.js';
import { verdictReason } from '../../render/verdict.js';
import { renderMatrixGrid, renderMatrixWide, type MatrixCell, type MatrixView } from '../../render/matrix.js';
import { renderData } from '../../render/data.js';
import { CliError } from '../../errors.js';
import { parsePortArg, parseSelectorArg, type PortArg } from '../args.js';
import type { FamilyArg, GlobalArgs } from '../global-args.js';
import { loadObjects, overlayField, overlayNotice, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';
import { familyGap, familyOf } from '../ip-family.js';

export interface MatrixOptions {
  readonly ports: readonly string[];
  readonly selector?: string;
  readonly ipFamily?: FamilyArg;
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

/** `withReason`: the reason is worded only where it is shown (-o wide, json, yaml), not for the grid. */
function cell(c: CompiledSnapshot, src: Pod, dst: Pod, pa: PortArg, familyArg: FamilyArg | undefined, withReason: boolean): Cell {
  const from = qualifiedName(src);
  const to = qualifiedName(dst);
  const srcEnd: Endpoint = { kind: 'pod', pod: src };
  const dstEnd: Endpoint = { kind: 'pod', pod: dst };
  const number = destinationPort(dstEnd, pa.port, pa.protocol);
  const head = { from, to, port: number ?? null, ...(typeof pa.port === 'string' ? { portName: pa.port } : {}), protocol: pa.protocol };
  if (number === undefined) return { ...head, allowed: false, reason: `${to} declares no ${pa.protocol} port named "${pa.port}"` };
  const gap = familyArg === undefined ? undefined : (familyGap(familyArg, srcEnd) ?? familyGap(familyArg, dstEnd));
  if (gap !== undefined) return { ...head, allowed: false, reason: `no ${familyArg} connection: ${gap}` };
  const v = evaluateConnection(c, { src: srcEnd, dst: dstEnd, port: number, protocol: pa.protocol, ...(familyArg === undefined ? {} : { family: familyOf(familyArg) }) });
  return { ...head, allowed: isAllowed(v), reason: withReason ? verdictReason(v) : '' };
}

export async function runMatrix(args: GlobalArgs, o: MatrixOptions, out: Output): Promise<number> {
  if (o.ports.length === 0) throw new CliError('matrix needs at least one --port');
  const ports = o.ports.map((p) => parsePortArg(p));
  const selector = o.selector === undefined ? undefined : parseSelectorArg(o.selector);
  const loaded = await loadObjects(args, (ns) => ({ namespaces: args.allNamespaces ? 'all' : [ns], nodes: false }));
  const scope = scopeNamespaces(args, loaded);
  const c = compileSnapshot(loaded.snapshot);
  const pods = c.pods
    .filter((p) => (scope === undefined || scope.includes(p.namespace)) && (selector === undefined || selectorMatches(selector, p.labels)))
    .sort(byName);
  const withReason = args.output !== 'table';
  const grids = ports.map((pa) => ({ column: `${pa.port}/${pa.protocol}`, cells: pods.flatMap((src) => pods.map((dst) => cell(c, src, dst, pa, o.ipFamily, withReason))) }));
  const results = grids.flatMap((g) => g.cells);
  const notice = overlayNotice(loaded);
  if (args.output === 'json' || args.output === 'yaml') {
    out.write(renderData({ pods: pods.map(qualifiedName), ...(o.ipFamily ? { ipFamily: o.ipFamily } : {}), results, ...overlayField(loaded) }, args.output));
    return 0;
  }
  if (pods.length === 0) {
    out.error(`No pods found ${scope === undefined ? 'in the input' : `in namespace ${scope.join(', ')}`}${selector ? ' matching the selector' : ''}.`);
  } else {
    const view: MatrixView = { pods: pods.map(qualifiedName), grids };
    out.write(args.output === 'wide' ? renderMatrixWide(view) : renderMatrixGrid(view, out.columns));
  }
  if (notice) out.write(`${notice}\n`);
  return 0;
}
