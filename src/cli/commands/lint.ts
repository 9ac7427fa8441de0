/**
 * @module cli/commands/lint
 * `lint [POLICY]`: mistakes in the policies in scope, each with a stable code. Objects in -f files
 * that are not valid are findings too (every one, not only the first), with the words the other
 * commands would stop at. Exit 0 when nothing at or above --fail-on was found, 1 otherwise.
 */
import { atLeast, compileSnapshot, lintSnapshot, type Finding, type Severity } from '../../engine/index.js';
import { findingRecord, invalidFinding, lintMarkdown, lintTable, type LintFinding } from '../../render/lint.js';
import type { GlobalArgs } from '../global-args.js';
import { loadObjects, overlayField, overlayNotice, scopeNamespaces } from '../source.js';
import type { Output } from '../output.js';
import { findNamed } from '../lookup.js';
import { dataPrinter } from '../data-output.js';

export type LintFormat = GlobalArgs['output'] | 'md';

export interface LintOptions {
  readonly policy?: string;
  readonly failOn: Severity;
  readonly format: LintFormat;
}

export async function runLint(args: GlobalArgs, o: LintOptions, out: Output): Promise<number> {
  const invalid: LintFinding[] = [];
  // Peers may live in any namespace, so resolving them needs every namespace and pod.
  const loaded = await loadObjects(args, () => ({ namespaces: 'all', nodes: false }), (e) => invalid.push(invalidFinding(e)));
  const c = compileSnapshot(loaded.snapshot);
  const scope = scopeNamespaces(args, loaded);
  const policy = o.policy === undefined ? undefined : c.compiled(findNamed(loaded.snapshot.policies, o.policy, scope, 'networkpolicy', 'pick one with -n'));
  const found: readonly Finding[] = lintSnapshot(c, { ...(scope === undefined ? {} : { namespaces: scope }), ...(policy === undefined ? {} : { policy }) });
  const findings: LintFinding[] = [...invalid, ...found];
  const checked =
    policy !== undefined
      ? `networkpolicy ${policy.ref}`
      : `${c.policies.filter((p) => scope === undefined || scope.includes(p.namespace)).length} policies${scope === undefined ? '' : ` in namespace ${scope.join(', ')}`}${c.tierPolicies.length === 0 ? '' : ` and ${c.tierPolicies.length} tier ${c.tierPolicies.length === 1 ? 'policy' : 'policies'}`}`;
  const printData = o.format === 'md' ? undefined : await dataPrinter(o.format);
  if (printData !== undefined) out.write(printData({ findings: findings.map(findingRecord), ...overlayField(loaded) }));
  else out.write(o.format === 'md' ? lintMarkdown(findings, checked) : lintTable(findings, checked));
  const notice = overlayNotice(loaded);
  if (notice !== undefined && printData === undefined) out.write(`\n${notice}\n`);
  return findings.some((f) => atLeast(f, o.failOn)) ? 1 : 0;
}
