/**
 * @module cli/commands/explain
 * `explain [POLICY | pod/NAME]`: one policy, every policy in scope, or one pod's view.
 */
import { compileSnapshot, explainPod, explainPolicy, explainTierPolicy } from '../../engine/index.js';
import type { TierPolicyKind } from '../../model/index.js';
import { renderTierPolicyExplanation } from '../../render/explain-tier.js';
import { renderPodExplanation, renderPolicyExplanation } from '../../render/explain.js';
import { podRecord, policyRecord, tierPolicyRecord } from '../../render/explain-record.js';
import { CliError } from '../../errors.js';
import type { GlobalArgs } from '../global-args.js';
import { loadObjects, overlayField, overlayNotice, scopeNamespaces, type Loaded } from '../source.js';
import type { Output } from '../output.js';
import { findNamed } from '../lookup.js';
import { dataPrinter } from '../data-output.js';

/** `pod/NAME`, `po/NAME`, `pods/NAME`; `networkpolicy/NAME`, `netpol/NAME`; or a bare policy name. */
export type ExplainTarget =
  | { readonly kind: 'all' }
  | { readonly kind: 'policy'; readonly name: string }
  | { readonly kind: 'pod'; readonly name: string }
  | { readonly kind: 'tier'; readonly policyKind: TierPolicyKind; readonly name: string };

/** The resource names kubectl knows the tier kinds by: plural, singular, short, and qualified with the group. */
const TIER_TYPES: readonly (readonly [TierPolicyKind, readonly string[]])[] = [
  ['AdminNetworkPolicy', ['adminnetworkpolicy', 'adminnetworkpolicies', 'anp']],
  ['BaselineAdminNetworkPolicy', ['baselineadminnetworkpolicy', 'baselineadminnetworkpolicies', 'banp']],
  ['ClusterNetworkPolicy', ['clusternetworkpolicy', 'clusternetworkpolicies', 'cnp']],
];

export function parseExplainTarget(text: string | undefined): ExplainTarget {
  if (text === undefined || text === '') return { kind: 'all' };
  const slash = text.indexOf('/');
  if (slash < 0) return { kind: 'policy', name: text };
  const type = text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  if (name === '' || name.includes('/')) throw new CliError(`"${text}": expected POLICY, networkpolicy/NAME or pod/NAME`);
  if (['pod', 'pods', 'po'].includes(type)) return { kind: 'pod', name };
  if (['networkpolicy', 'networkpolicies', 'netpol', 'networkpolicy.networking.k8s.io'].includes(type)) return { kind: 'policy', name };
  const bare = type.endsWith('.policy.networking.k8s.io') ? type.slice(0, -'.policy.networking.k8s.io'.length) : type;
  const tier = TIER_TYPES.find(([, names]) => names.includes(bare));
  if (tier !== undefined) return { kind: 'tier', policyKind: tier[0], name };
  throw new CliError(`"${text}": unknown resource type "${type}" (explain takes a NetworkPolicy, pod/NAME, anp/NAME, banp/NAME or cnp/NAME)`);
}

export async function runExplain(args: GlobalArgs, targetText: string | undefined, out: Output): Promise<number> {
  const target = parseExplainTarget(targetText);
  // Peers may live in any namespace, so resolving them needs every namespace and pod. A pod's
  // Services only add a line: one who may not list them still gets the rest.
  const services = target.kind === 'pod' ? { services: 'if-allowed' as const } : {};
  const loaded: Loaded = await loadObjects(args, () => ({ namespaces: 'all', nodes: false, ...services }));
  const c = compileSnapshot(loaded.snapshot);
  const scope = scopeNamespaces(args, loaded);
  const notice = overlayNotice(loaded);
  const wide = args.output === 'wide';
  const printData = await dataPrinter(args.output);
  if (target.kind === 'pod') {
    const pod = findNamed(loaded.snapshot.pods, target.name, scope, 'pod', 'pick one with -n');
    const e = explainPod(c, pod);
    if (printData !== undefined) out.write(printData({ ...podRecord(e), ...overlayField(loaded) }));
    else out.write(renderPodExplanation(e, { wide }));
  } else if (target.kind === 'tier') {
    const policy = c.tierPolicies.find((p) => p.kind === target.policyKind && p.name === target.name);
    if (policy === undefined) throw new CliError(`${target.policyKind} "${target.name}" not found`);
    const e = explainTierPolicy(c, policy);
    if (printData !== undefined) out.write(printData({ ...tierPolicyRecord(e), ...overlayField(loaded) }));
    else out.write(renderTierPolicyExplanation(e, { wide }));
  } else {
    const policies =
      target.kind === 'policy'
        ? [findNamed(loaded.snapshot.policies, target.name, scope, 'networkpolicy', 'pick one with -n')]
        : loaded.snapshot.policies.filter((p) => scope === undefined || scope.includes(p.namespace));
    const explained = policies.map((p) => explainPolicy(c, c.compiled(p)));
    // Cluster-scoped, they apply in every namespace: listed whatever the scope, in evaluation order.
    const tiers = target.kind === 'all' ? c.tierPolicies.map((p) => explainTierPolicy(c, p)) : [];
    if (printData !== undefined) {
      out.write(printData({ policies: explained.map(policyRecord), tierPolicies: tiers.map(tierPolicyRecord), ...overlayField(loaded) }));
    } else if (explained.length === 0 && tiers.length === 0) {
      out.error(`No NetworkPolicy found ${scope === undefined ? 'in the input' : `in namespace ${scope.join(', ')}`}.`);
    } else {
      out.write([...explained.map((e) => renderPolicyExplanation(e, { wide })), ...tiers.map((e) => renderTierPolicyExplanation(e, { wide }))].join('\n'));
    }
  }
  if (notice && args.output !== 'json' && args.output !== 'yaml') out.write(`\n${notice}\n`);
  return 0;
}
