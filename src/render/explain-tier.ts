/**
 * @module render/explain-tier
 * A tier policy in words, in the manner of explain's NetworkPolicy text: where it stands in the
 * evaluation order, whom its subject holds, then its rules in the order they are tried, each with
 * its action and what it matches, resolved to namespaces, pods, nodes and CIDRs.
 */
import { assertNever, type TierPeerExplanation, type TierPolicyExplanation, type TierPortExplanation, type TierRuleExplanation } from '../engine/index.js';
import type { TierAction } from '../model/index.js';
import { list, type ExplainStyle } from './explain.js';
import { formatSelector, plural } from './words.js';

function describePeer(p: TierPeerExplanation, style: ExplainStyle): string {
  switch (p.kind) {
    case 'pods': {
      const which = p.podSelector === undefined ? 'every pod' : `pods matching ${formatSelector(p.podSelector)}`;
      return `${which} in namespaces matching ${formatSelector(p.namespaceSelector)} (${list(p.namespaces, style)}): ${list(p.pods, style)}`;
    }
    case 'networks':
      return `addresses in ${p.cidrs.join(', ')} (pods with such an address: ${list(p.pods, style)})`;
    case 'nodes':
      return `the addresses of nodes matching ${formatSelector(p.nodeSelector)}: ${list(p.nodes, style)}`;
    case 'unknown':
      return `a peer of field${p.fields.length === 1 ? '' : 's'} ${p.fields.join(', ')}, which this version does not evaluate: it fails closed and matches ${p.matches}`;
    default:
      return assertNever(p);
  }
}

function describePort(p: TierPortExplanation, style: ExplainStyle): string {
  switch (p.kind) {
    case 'number':
      return `${p.port}/${p.protocol}`;
    case 'range':
      return `${p.start}-${p.end}/${p.protocol}`;
    case 'named': {
      const parts = [`resolves to ${list(p.resolved.map((r) => `${r.port}/${r.protocol} on ${r.pod}`), style, 'nothing')}`];
      if (p.unresolved.length > 0) parts.push(`not declared by ${list(p.unresolved, style)}`);
      return `port "${p.name}" (named: ${parts.join('; ')})`;
    }
    default:
      return assertNever(p);
  }
}

function actionWords(action: TierAction, baseline: boolean): string {
  switch (action) {
    case 'Allow':
      return baseline ? 'allowed' : 'allowed, and no NetworkPolicy or baseline rule is consulted';
    case 'Deny':
      return baseline ? 'denied' : 'denied, whatever the NetworkPolicies admit';
    case 'Pass':
      return baseline ? 'handed on: allowed by default' : 'handed on to the NetworkPolicies (then the baseline tier): the rest of the admin tier is skipped';
    default:
      return assertNever(action);
  }
}

function describeRule(r: TierRuleExplanation, baseline: boolean, style: ExplainStyle): string[] {
  const word = r.direction === 'ingress' ? 'from' : 'to';
  const name = r.name === undefined ? '' : ` ${JSON.stringify(r.name)}`;
  const out = [`    Rule ${r.direction}[${r.index}]${name} (${r.actionText}): ${actionWords(r.action, baseline)}`];
  const [only] = r.peers;
  if (only !== undefined && r.peers.length === 1) out.push(`      ${word} ${describePeer(only, style)}`);
  else {
    out.push(`      ${word} any of:`);
    for (const p of r.peers) out.push(`        - ${describePeer(p, style)}`);
  }
  out.push(r.ports.length === 0 ? '      on any port of any protocol' : `      on ${r.ports.length === 1 ? '' : 'any of '}${r.ports.map((p) => describePort(p, style)).join(', ')}`);
  return out;
}

function describeDirection(e: TierPolicyExplanation, rules: readonly TierRuleExplanation[], ingress: boolean, style: ExplainStyle): string[] {
  const what = ingress ? 'Ingress (connections to the subject\'s pods)' : 'Egress (connections from the subject\'s pods)';
  if (rules.length === 0) return [`  ${what}: no rules, not affected`];
  const baseline = e.tier === 'Baseline';
  const rest = baseline ? 'are allowed (the default)' : 'go on to the NetworkPolicies, then the baseline tier';
  return [`  ${what}: the first rule that matches decides; connections no rule matches ${rest}:`, ...rules.flatMap((r) => describeRule(r, baseline, style))];
}

export function renderTierPolicyExplanation(e: TierPolicyExplanation, style: ExplainStyle): string {
  const place =
    e.tier === 'Admin'
      ? `admin tier, priority ${e.priority ?? 0}: before every NetworkPolicy, lower priorities first`
      : `baseline tier${e.priority === undefined ? '' : `, priority ${e.priority}`}: after the NetworkPolicies, for pods no NetworkPolicy isolates in that direction`;
  const pods = e.subject.podSelector === undefined ? 'every pod' : `pods matching ${formatSelector(e.subject.podSelector)}`;
  const lines = [
    `${e.kind} ${e.name} (${place})`,
    `  Subject: ${pods} in namespaces matching ${formatSelector(e.subject.namespaceSelector)}: ${list(e.selectedPods, style)} (${plural(e.selectedPods.length, 'pod')}; hostNetwork pods never)`,
    ...describeDirection(e, e.ingress, true, style),
    ...describeDirection(e, e.egress, false, style),
  ];
  if (e.samePriority.length > 0) {
    lines.push(`  Notes:`, `    - same tier and priority as ${e.samePriority.join(', ')}: which is tried first is the implementation's choice (here: AdminNetworkPolicy before ClusterNetworkPolicy, then by name).`);
  }
  return `${lines.join('\n')}\n`;
}
