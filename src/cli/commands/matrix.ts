/**
 * @module cli/commands/matrix
 * `matrix [-n NS | -A] [-l SELECTOR] --port P[/PROTO] ...`: the verdict of every ordered pair of pods
 * in scope (self pairs included) for each port. A named port is resolved per destination pod; a
 * destination without it is denied for that column.
 */
import type { Protocol } from '../../model/index.js';
import { compileSnapshot, evaluateConnection, isAllowed, resolveNamedPort, selectorMatches, type Verdict } from '../../engine/index.js';
import { describeSide } from '../../render/verdict.js';
import { renderMatrixGrid, renderMatrixWide, type MatrixView } from '../../render/matrix.js';
import { renderData } from '../../render/data.js';
import { CliError } from '../../errors.js';
import { parsePortArg, parseSelectorArg, type PortArg } from '../args.js';
import type { GlobalArgs } from '../global-args.js';
import { loadObjects, overlayNotice, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';

function reasonOf(v: Verdict): string {
  if (v.bypass === 'self') return 'a pod may always reach itself';
  if (v.bypass === 'node-to-local-pod') return 'node to its own pod';
  const side = v.egress.kind === 'denied' ? v.egress : v.ingress.kind === 'denied' ? v.ingress : undefined;
  if (side) return (describeSide(side, side.direction === 'egress' ? v.from : v.to)[0] ?? '').replace(/, and no rule admits it$/, '');
  const allowedBy = [v.egress, v.ingress].flatMap((s) => (s.kind === 'allowed' ? s.admittedBy.map((r) => `${r.policy} ${r.direction}[${r.rule}]`) : []));
  return allowedBy.length > 0 ? `allowed by ${allowedBy.join(', ')}` : 'neither side is isolated';
}

export async function runMatrix(args: GlobalArgs, portTexts: readonly string[], selectorText: string | undefined, out: Output): Promise<number> {
  if (portTexts.length === 0) throw new CliError('matrix needs at least one --port');
  const ports: PortArg[] = portTexts.map((p) => parsePortArg(p));
  const selector = selectorText === undefined ? undefined : parseSelectorArg(selectorText);
  const loaded = await loadObjects(args, (ns) => ({ namespaces: args.allNamespaces ? 'all' : [args.namespace ?? ns], nodes: false }));
  const scope = scopeNamespaces(args, loaded);
  const c = compileSnapshot(loaded.snapshot);
  const pods = c.pods.filter((p) => (scope === undefined || scope.includes(p.namespace)) && (selector === undefined || selectorMatches(selector, p.labels)));
  const podNames = pods.map((p) => `${p.namespace}/${p.name}`);
  const results: { from: string; to: string; port: number | string; resolvedPort?: number; protocol: Protocol; allowed: boolean; reason: string }[] = [];
  for (const pa of ports) {
    for (const src of pods) {
      for (const dst of pods) {
        const from = `${src.namespace}/${src.name}`;
        const to = `${dst.namespace}/${dst.name}`;
        const number = typeof pa.port === 'number' ? pa.port : dst.hostNetwork ? undefined : resolveNamedPort(dst, pa.port, pa.protocol);
        if (number === undefined) {
          results.push({ from, to, port: pa.port, protocol: pa.protocol, allowed: false, reason: `${to} declares no ${pa.protocol} port named "${pa.port}"` });
          continue;
        }
        const v = evaluateConnection(c, { src: { kind: 'pod', pod: src }, dst: { kind: 'pod', pod: dst }, port: number, protocol: pa.protocol });
        results.push({ from, to, port: pa.port, ...(typeof pa.port === 'string' ? { resolvedPort: number } : {}), protocol: pa.protocol, allowed: isAllowed(v), reason: reasonOf(v) });
      }
    }
  }
  const notice = overlayNotice(loaded);
  if (args.output === 'json' || args.output === 'yaml') {
    out.write(renderData({ pods: podNames, results, ...(notice ? { includesLocalFiles: loaded.overlayFiles } : {}) }, args.output));
    return 0;
  }
  if (pods.length === 0) {
    out.error(`No pods found ${scope === undefined ? 'in the input' : `in namespace ${scope.join(', ')}`}${selector ? ' matching the selector' : ''}.`);
    return 0;
  }
  const view: MatrixView = {
    pods: podNames,
    columns: ports.map((pa) => `${pa.port}/${pa.protocol}`),
    cells: results.map((r) => ({ from: r.from, to: r.to, column: `${r.port}/${r.protocol}`, allowed: r.allowed, reason: r.reason })),
  };
  const text = args.output === 'wide' ? renderMatrixWide(view) : renderMatrixGrid(view, out.columns);
  out.write(text);
  if (notice) out.write(`${notice}\n`);
  return 0;
}
