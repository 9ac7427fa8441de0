/**
 * @module cli/commands/report
 * `report -o html`: the review page of the pods and policies in scope, self-contained (render/report.ts).
 * Every connection in it is the engine's own answer (connectionsBetween, as diff reads it).
 */
import { qualifiedName, type Pod } from '../../model/index.js';
import { compileSnapshot, connectionsBetween, explainPolicy, lintSnapshot, type CompiledSnapshot, type ConnectionSet, type Endpoint } from '../../engine/index.js';
import { renderPolicyExplanation, summarizePolicy } from '../../render/explain.js';
import { connectionsGraph } from '../../render/graph.js';
import { renderReportHtml, type NamespaceMatrix } from '../../render/report.js';
import { CliError } from '../../errors.js';
import type { GlobalArgs } from '../global-args.js';
import { loadObjects, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';
import { renderPicture } from '../picture.js';
import { invalidFinding, type LintFinding } from '../../render/lint.js';

export type ReportFormat = 'html';

const byName = (a: Pod, b: Pod): number => (qualifiedName(a) < qualifiedName(b) ? -1 : qualifiedName(a) > qualifiedName(b) ? 1 : 0);

/** Whether policies decide anything between the two: one end is isolated, or held by a tier policy, on its side. */
function decided(c: CompiledSnapshot, from: Pod, to: Pod): boolean {
  return c.isolating(from, 'egress').length > 0 || c.isolating(to, 'ingress').length > 0 || c.tiersOf(from, 'egress').length > 0 || c.tiersOf(to, 'ingress').length > 0;
}

export async function runReport(args: GlobalArgs, format: ReportFormat, out: Output): Promise<number> {
  if (format !== 'html') throw new CliError(`-o ${String(format)}: report writes html`);
  const invalid: LintFinding[] = [];
  const loaded = await loadObjects(args, () => ({ namespaces: 'all', nodes: false }), (e) => invalid.push(invalidFinding(e)));
  const c = compileSnapshot(loaded.snapshot);
  const scope = scopeNamespaces(args, loaded);
  const inScope = (ns: string): boolean => scope === undefined || scope.includes(ns);
  const pods = c.pods.filter((p) => inScope(p.namespace)).sort(byName);
  const ends = new Map<Pod, Endpoint>(pods.map((p) => [p, { kind: 'pod', pod: p }]));
  const between = (a: Pod, b: Pod): ConnectionSet => connectionsBetween(c, ends.get(a) as Endpoint, ends.get(b) as Endpoint);
  const namespaces = [...new Set(pods.map((p) => p.namespace))].sort();
  const matrices: NamespaceMatrix[] = namespaces.map((ns) => {
    const here = pods.filter((p) => p.namespace === ns);
    return { namespace: ns, pods: here.map((p) => p.name), cells: here.flatMap((a) => here.map((b) => (a === b ? undefined : between(a, b)))) };
  });
  const pairs = pods.flatMap((a) => pods.filter((b) => b !== a && decided(c, a, b)).map((b) => ({ from: qualifiedName(a), to: qualifiedName(b), set: between(a, b) })));
  const svg = await renderPicture(connectionsGraph('kubectl netpol report', pods.map(qualifiedName), pairs), 'svg');
  const policies = c.policies
    .filter((p) => inScope(p.namespace))
    .map((p) => {
      const e = explainPolicy(c, p);
      return { ref: p.ref, summary: summarizePolicy(e), text: renderPolicyExplanation(e, { wide: true }) };
    });
  const findings = [...invalid, ...lintSnapshot(c, scope === undefined ? {} : { namespaces: scope })];
  const source = loaded.offline ? `files ${args.filename.join(', ')}` : `cluster ${loaded.cluster?.server ?? ''}${loaded.overlayFiles === undefined ? '' : ` with ${loaded.overlayFiles.join(', ')} laid over it`}`;
  out.write(renderReportHtml({ title: 'kubectl netpol report', source, namespaces, podCount: pods.length, svg, matrices, policies, findings }));
  return 0;
}
