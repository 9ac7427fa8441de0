/**
 * @module cli/commands/matrix
 * `matrix [-n NS | -A] [-l SELECTOR] --port P[/PROTO] ...`: the verdict of every ordered pair of pods
 * in scope (self pairs included) for each port. A named port is resolved per destination pod; a
 * destination without it is denied for that column.
 */
import { qualifiedName, type Pod, type Protocol } from '../../model/index.js';
import { compileSnapshot, destinationPort, evaluateConnection, isAllowed, selectorMatches, type Endpoint } from '../../engine/index.js';
import { verdictReason } from '../../render/verdict.js';
import { renderMatrixGrid, renderMatrixWide, type MatrixView } from '../../render/matrix.js';
import { renderData } from '../../render/data.js';
import { CliError } from '../../errors.js';
import { parsePortArg, parseSelectorArg, type PortArg } from '../args.js';
import type { FamilyArg, GlobalArgs } from '../global-args.js';
import { loadObjects, overlayNotice, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';

export interface MatrixOptions {
  readonly ports: readonly string[];
  readonly selector?: string;
  readonly ipFamily?: FamilyArg;
}

interface Cell {
  readonly from: string;
  readonly to: string;
  /** The number, as in can-reach's JSON: a named port resolved on `to`, null where `to` lacks it. */
  readonly port: number | null;
  readonly portName?: string;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly reason: string;
}

/** pod-2 before pod-10: names are read by people. */
const natural = new Intl.Collator('en', { numeric: true });
const byName = (a: Pod, b: Pod): number => natural.compare(a.namespace, b.namespace) || natural.compare(a.name, b.name);

function cell(c: ReturnType<typeof compileSnapshot>, src: Pod, dst: Pod, pa: PortArg, family: 4 | 6 | undefined): Cell {
  const from = qualifiedName(src);
  const to = qualifiedName(dst);
  const dstEnd: Endpoint = { kind: 'pod', pod: dst };
  const number = destinationPort(dstEnd, pa.port, pa.protocol);
  const named = typeof pa.port === 'string' ? { portName: pa.port } : {};
  if (number === undefined) {
    return { from, to, port: null, ...named, protocol: pa.protocol, allowed: false, reason: `${to} declares no ${pa.protocol} port named "${pa.port}"` };
  }
  const v = evaluateConnection(c, { src: { kind: 'pod', pod: src }, dst: dstEnd, port: number, protocol: pa.protocol, ...(family === undefined ? {} : { family }) });
  return { from, to, port: number, ...named, protocol: pa.protocol, allowed: isAllowed(v), reason: verdictReason(v) };
}

export async function runMatrix(args: GlobalArgs, o: MatrixOptions, out: Output): Promise<number> {
  if (o.ports.length === 0) throw new CliError('matrix needs at least one --port');
  const ports = o.ports.map((p) => parsePortArg(p));
  const selector = o.selector === undefined ? undefined : parseSelectorArg(o.selector);
  const family = o.ipFamily === undefined ? undefined : o.ipFamily === 'IPv4' ? 4 : 6;
  const loaded = await loadObjects(args, (ns) => ({ namespaces: args.allNamespaces ? 'all' : [args.namespace ?? ns], nodes: false }));
  const scope = scopeNamespaces(args, loaded);
  const c = compileSnapshot(loaded.snapshot);
  const pods = c.pods
    .filter((p) => (scope === undefined || scope.includes(p.namespace)) && (selector === undefined || selectorMatches(selector, p.labels)))
    .sort(byName);
  const results = ports.flatMap((pa) => pods.flatMap((src) => pods.map((dst) => cell(c, src, dst, pa, family))));
  const notice = overlayNotice(loaded);
  if (args.output === 'json' || args.output === 'yaml') {
    out.write(renderData({ pods: pods.map(qualifiedName), ...(o.ipFamily ? { ipFamily: o.ipFamily } : {}), results, ...(notice ? { includesLocalFiles: loaded.overlayFiles } : {}) }, args.output));
    return 0;
  }
  if (pods.length === 0) {
    out.error(`No pods found ${scope === undefined ? 'in the input' : `in namespace ${scope.join(', ')}`}${selector ? ' matching the selector' : ''}.`);
    return 0;
  }
  const view: MatrixView = {
    pods: pods.map(qualifiedName),
    columns: ports.map((pa) => `${pa.port}/${pa.protocol}`),
    cells: results.map((r) => ({ from: r.from, to: r.to, column: `${r.portName ?? r.port}/${r.protocol}`, allowed: r.allowed, reason: r.reason })),
  };
  out.write(args.output === 'wide' ? renderMatrixWide(view) : renderMatrixGrid(view, out.columns));
  if (notice) out.write(`${notice}\n`);
  return 0;
}
