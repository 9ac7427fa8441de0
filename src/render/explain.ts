/**
 * @module render/explain
 * explain in words, modelled on the seed article's summary: whom the policy isolates and for which
 * directions, then per rule who may connect and on which ports, resolved to real namespaces, pods
 * and CIDRs, then notes on what is easy to misread.
 */
import {
  assertNever,
  isEmptySelector,
  policyTypeOf,
  type DirectionExplanation,
  type Note,
  type PeerExplanation,
  type PodExplanation,
  type PodServiceExplanation,
  type PodSideExplanation,
  type PolicyExplanation,
  type PortExplanation,
  type RuleExplanation,
} from '../engine/index.js';
import { formatPortSpec, formatSelector, plural, serviceRef } from './words.js';

export interface ExplainStyle {
  /** Show every pod name instead of the first few. */
  readonly wide: boolean;
}

const SHORT_LIST = 8;

export function list(names: readonly string[], style: ExplainStyle, none = 'none'): string {
  if (names.length === 0) return none;
  if (style.wide || names.length <= SHORT_LIST) return names.join(', ');
  return `${names.slice(0, SHORT_LIST).join(', ')} and ${names.length - SHORT_LIST} more (-o wide lists all)`;
}

function describePeer(p: PeerExplanation, policyNs: string, style: ExplainStyle): string {
  if (p.kind === 'ip-block') {
    const except = p.except.length === 0 ? '' : ` except ${p.except.join(', ')}`;
    return `addresses in ${p.cidr}${except} (pods with such an address: ${list(p.pods, style)})`;
  }
  const where =
    p.namespaceSelector === undefined
      ? `namespace ${policyNs}`
      : `namespaces matching ${formatSelector(p.namespaceSelector)} (${list(p.namespaces, style)})`;
  const which = p.podSelector === undefined ? 'every pod' : `pods matching ${formatSelector(p.podSelector)}`;
  const and = p.namespaceSelector !== undefined && p.podSelector !== undefined ? ' (both must hold: one entry)' : '';
  return `${which} in ${where}${and}: ${list(p.pods, style)}`;
}

function describePortEntry(p: PortExplanation, style: ExplainStyle): string {
  const base = formatPortSpec(p);
  if (typeof p.port !== 'string') return base;
  const resolved = (p.resolved ?? []).map((r) => `${r.port} on ${r.pod}`);
  const parts = [`resolves to ${list(resolved, style, 'nothing')}`];
  if ((p.unresolved ?? []).length > 0) parts.push(`not declared by ${list(p.unresolved ?? [], style)}`);
  return `${base} (named: ${parts.join('; ')})`;
}

function describeRule(r: RuleExplanation, policyNs: string, style: ExplainStyle): string[] {
  const word = r.direction === 'ingress' ? 'from' : 'to';
  const out = [`    Rule ${r.direction}[${r.index}]:`];
  if (r.peers.length === 0) out.push(`      ${word} any source or destination: every pod of every namespace and every address (${word} is ${r.peersField})`);
  else if (r.peers.length === 1 && r.peers[0]) out.push(`      ${word} ${describePeer(r.peers[0], policyNs, style)}`);
  else {
    out.push(`      ${word} any of:`);
    for (const p of r.peers) out.push(`        - ${describePeer(p, policyNs, style)}`);
  }
  if (r.ports.length === 0) out.push(`      on any port of any protocol (ports is ${r.portsField})`);
  else out.push(`      on ${r.ports.length === 1 ? '' : 'any of '}${r.ports.map((p) => describePortEntry(p, style)).join(', ')}`);
  return out;
}

function describeDirection(d: DirectionExplanation, policyNs: string, style: ExplainStyle): string[] {
  const what = d.direction === 'ingress' ? 'Ingress (connections to the selected pods)' : 'Egress (connections from the selected pods)';
  if (d.rules.length === 0) return [`  ${what}: everything is denied (no rules)`];
  return [
    `  ${what}: denied unless ${d.rules.length === 1 ? 'this rule admits them' : `one of these ${d.rules.length} rules admits them`}:`,
    ...d.rules.flatMap((r) => describeRule(r, policyNs, style)),
  ];
}

function describeNote(n: Note, style: ExplainStyle): string {
  switch (n.kind) {
    case 'default-types':
      return `policyTypes is not set, so it defaults to ${n.types.join(' and ')}${n.types.includes('Egress') ? ': a policy with egress rules and no policyTypes also isolates ingress' : ': egress is not affected'}.`;
    case 'ignored-rules':
      return `${plural(n.count, `${n.direction} rule`)} ignored: ${policyTypeOf(n.direction)} is not in policyTypes.`;
    case 'deny-all':
      return `${n.direction} is ${n.field === 'empty' ? '[]' : 'absent'}: this policy admits no ${n.direction} connections at all (an empty list denies; [{}] would allow all); only other policies selecting the same pods can admit any.`;
    case 'allow-all-rule':
      return `${n.direction}[${n.rule}] is empty ({}): it admits everything, on every port.`;
    case 'any-peer':
      return `${n.direction}[${n.rule}] has ${n.field === 'empty' ? 'an empty' : 'no'} ${n.direction === 'ingress' ? 'from' : 'to'}: that means every peer, not none.`;
    case 'and-peer':
      return `${n.direction}[${n.rule}] entry ${n.peer} has namespaceSelector and podSelector in ONE entry: both must match (AND).`;
    case 'or-peers':
      return `${n.direction}[${n.rule}] has separate namespaceSelector and podSelector entries (${n.peers.join(', ')}): either may match (OR).`;
    case 'selects-nothing':
      return 'the podSelector matches no pod in scope: this policy isolates nothing right now.';
    case 'host-network-skipped':
      return `hostNetwork pods are never selected, though their labels match: ${list(n.pods, style)}.`;
    case 'named-port-unresolved':
      return `named port "${n.port}" in ${n.direction}[${n.rule}] is not declared by ${list(n.pods, style)}: the rule admits nothing on it for them.`;
    default:
      return assertNever(n);
  }
}

function shortPeer(p: PeerExplanation, policyNs: string): string {
  if (p.kind === 'ip-block') return p.except.length === 0 ? p.cidr : `${p.cidr} except ${p.except.join(', ')}`;
  const pods = p.podSelector === undefined || isEmptySelector(p.podSelector) ? 'any pod' : `pods ${formatSelector(p.podSelector)}`;
  if (p.namespaceSelector === undefined) return `${pods} of namespace ${policyNs}`;
  const nsAll = isEmptySelector(p.namespaceSelector);
  return `${pods} of ${nsAll ? 'every namespace' : `namespaces ${formatSelector(p.namespaceSelector)}`}`;
}

function shortRule(r: RuleExplanation, policyNs: string): string {
  const word = r.direction === 'ingress' ? 'from' : 'to';
  const peers = r.peers.length === 0 ? `${word} anywhere` : `${word} ${r.peers.map((p) => shortPeer(p, policyNs)).join(' or ')}`;
  const ports = r.ports.length === 0 ? 'on any port' : `on ${r.ports.map((p) => formatPortSpec(p)).join(' or ')}`;
  return `${peers}, ${ports}`;
}

/** One paragraph in the seed article's manner: who is isolated, what comes in, what goes out. */
export function summarizePolicy(e: PolicyExplanation): string {
  const n = e.selectedPods.length;
  const one = n === 1;
  const all = isEmptySelector(e.podSelector);
  const sel = all ? '' : ` matching ${formatSelector(e.podSelector)}`;
  const who = n === 0 ? `pods${sel} in namespace ${e.namespace} (none right now)` : one ? `the one pod${sel} in namespace ${e.namespace}` : `${all ? 'all ' : 'the '}${n} pods${sel} in namespace ${e.namespace}`;
  const them = one ? 'it' : 'them';
  const types = e.policyTypes.map((t) => t.toLowerCase()).join(' and ');
  const out = [`In short: ${who} ${n === 0 ? 'would be' : one ? 'is' : 'are'} isolated for ${types}.`];
  const side = (d: DirectionExplanation | undefined, word: 'to' | 'from'): void => {
    if (d === undefined) return;
    if (d.rules.length === 0) out.push(`This policy admits no connections ${word} ${them}.`);
    else if (d.rules.some((r) => r.peers.length === 0 && r.ports.length === 0)) out.push(`This policy admits every connection ${word} ${them}.`);
    else out.push(`This policy admits connections ${word} ${them} only ${d.rules.map((r) => shortRule(r, e.namespace)).join('; or ')}.`);
  };
  side(e.ingress, 'to');
  side(e.egress, 'from');
  if (e.alsoSelectedBy.length > 0) out.push(`Policies add up: ${e.alsoSelectedBy.join(', ')} also select${e.alsoSelectedBy.length === 1 ? 's' : ''} some of these pods, and what ${e.alsoSelectedBy.length === 1 ? 'it admits' : 'they admit'} is admitted too.`);
  return out.join(' ');
}

export function renderPolicyExplanation(e: PolicyExplanation, style: ExplainStyle): string {
  const directions = e.policyTypes.map((t) => t.toLowerCase()).join(' and ');
  const lines = [
    `NetworkPolicy ${e.policy}`,
    `  Selects: pods in namespace ${e.namespace} matching ${formatSelector(e.podSelector)}: ${list(e.selectedPods, style)} (${plural(e.selectedPods.length, 'pod')})`,
    `  Isolates: ${directions} (policyTypes ${e.policyTypesExplicit ? '' : 'defaulted to '}${e.policyTypes.join(', ')})`,
    ...(e.ingress ? describeDirection(e.ingress, e.namespace, style) : []),
    ...(e.egress ? describeDirection(e.egress, e.namespace, style) : []),
  ];
  lines.push(`  ${summarizePolicy(e)}`);
  if (e.notes.length > 0) lines.push('  Notes:', ...e.notes.map((n) => `    - ${describeNote(n, style)}`));
  return `${lines.join('\n')}\n`;
}

function describePodSide(s: PodSideExplanation, style: ExplainStyle): string[] {
  const what = policyTypeOf(s.direction);
  if (s.admin.length > 0 || s.baseline.length > 0) {
    // "Not isolated: all allowed" would be untrue beside a tier's Deny: the order line says it all.
    const np = s.isolated ? describeNetworkPolicySide(s, style).map((l) => `  ${l.replace(`  ${what}: `, '  NetworkPolicies: ')}`) : [];
    return [`  ${what}: in this order: ${tierOrder(s)}`, ...np];
  }
  return describeNetworkPolicySide(s, style);
}

/** The order a connection meets the pod's policies in, tiers included. */
function tierOrder(s: PodSideExplanation): string {
  const steps = [];
  if (s.admin.length > 0) steps.push(`admin tier ${s.admin.join(', ')} (first matching rule decides; Pass hands on)`);
  steps.push(s.isolated ? `NetworkPolicies ${s.isolatedBy.join(', ')}` : 'no NetworkPolicy isolates it');
  if (s.baseline.length > 0) steps.push(`baseline tier ${s.baseline.join(', ')}${s.isolated ? ' (not consulted: a NetworkPolicy isolates it)' : ''}`);
  return `${steps.join('; then ')}; else allowed`;
}

function describeNetworkPolicySide(s: PodSideExplanation, style: ExplainStyle): string[] {
  const what = policyTypeOf(s.direction);
  if (!s.isolated) return [`  ${what}: not isolated: every ${s.direction === 'ingress' ? 'source' : 'destination'} is allowed`];
  if (s.rules.length === 0) return [`  ${what}: isolated by ${s.isolatedBy.join(', ')}; no rule admits anything: all denied`];
  return [
    `  ${what}: isolated by ${s.isolatedBy.join(', ')}; allowed only as these rules admit:`,
    ...s.rules.flatMap(({ policy, rule }) => {
      const [ns = ''] = policy.split('/');
      const [head, ...rest] = describeRule(rule, ns, style);
      return [`${head?.replace('Rule ', `Rule ${policy} `) ?? ''}`, ...rest];
    }),
  ];
}

/** `svc/shop/web (80/TCP -> 8080 (http), 9100/TCP -> no endpoint: no TCP port metrics here)`. */
function describePodService(s: PodServiceExplanation): string {
  const ports = s.ports.map((p) => {
    const to = p.resolved !== undefined ? String(p.resolved) : `no endpoint: no ${p.protocol} port ${p.targetPort} here`;
    const named = typeof p.targetPort === 'string' && p.resolved !== undefined ? ` (${p.targetPort})` : '';
    return `${formatPortSpec(p)} -> ${to}${named}`;
  });
  return `${serviceRef(s.service)}${ports.length === 0 ? '' : ` (${ports.join(', ')})`}`;
}

export function renderPodExplanation(e: PodExplanation, style: ExplainStyle): string {
  const where = [e.node ? `node ${e.node}` : 'no node', e.ips.length > 0 ? `IP ${e.ips.join(', ')}` : 'no IP'];
  const finished = e.phase === 'Succeeded' || e.phase === 'Failed';
  const lines = [`Pod ${e.pod} (${where.join(', ')}${e.hostNetwork ? ', hostNetwork' : ''})`];
  if (e.hostNetwork) lines.push('  hostNetwork pod: no policy selects it; its traffic is its node\'s and only ipBlocks match it.');
  else if (finished) lines.push(`  phase ${e.phase}: finished pods take no part in policies.`);
  lines.push(`  Selected by: ${e.selectedBy.length === 0 ? 'no policy' : e.selectedBy.join(', ')}`);
  if (e.tierSelectedBy.length > 0) {
    const tiers = e.tierSelectedBy.map((t) => `${t.policy} (${t.tier.toLowerCase()}${t.priority === undefined ? '' : `, priority ${t.priority}`})`);
    lines.push(`  Tier policies selecting it, in evaluation order: ${tiers.join(', ')}`);
  }
  // Only when some Service selects it: without Services in the input, "none" would claim too much.
  if (e.services.length > 0) {
    const services = finished ? `${e.services.map((s) => serviceRef(s.service)).join(', ')} (finished: a backend of none)` : e.services.map(describePodService).join('; ');
    lines.push(`  Services selecting it: ${services}`);
  }
  lines.push(...describePodSide(e.ingress, style), ...describePodSide(e.egress, style));
  return `${lines.join('\n')}\n`;
}
