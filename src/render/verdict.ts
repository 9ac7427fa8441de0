/**
 * @module render/verdict
 * can-reach in words: the verdict, then each side's reason (egress of the source, ingress of the
 * destination), then for a denial every isolating policy and why each of its rules missed.
 * A connection allowed whatever the policies (a bypass) says so first, and its sides are worded
 * as not consulted, with what they alone would say in brackets: an "ALLOWED" above a side's
 * "DENIED" would read as a contradiction.
 */
import { assertNever, isAllowed, policyTypeOf, type Bypass, type Decision, type PolicyOutcome, type RuleOutcome, type SideDecision, type SideResult, type TierMatch, type Verdict } from '../engine/index.js';
import { describePeerMiss, describePortMiss, formatPortSpec, plural } from './words.js';

function ruleName(r: { readonly direction: 'ingress' | 'egress'; readonly rule: number }): string {
  return `${r.direction}[${r.rule}]`;
}

function describeAdmission(r: RuleOutcome): string {
  const field = r.direction === 'ingress' ? 'from' : 'to';
  const peer = r.matchedPeer === undefined ? `any ${field}` : `${field}[${r.matchedPeer}]`;
  const port = r.matchedPort === undefined ? 'any port' : `ports[${r.matchedPort}]`;
  return `${r.policy} ${ruleName(r)} (${peer}, ${port})`;
}

function describeRuleMiss(r: RuleOutcome): string[] {
  const field = r.direction === 'ingress' ? 'from' : 'to';
  const lines: string[] = [];
  r.peerMisses.forEach((m, i) => lines.push(`${field}[${i}]: ${describePeerMiss(m)}`));
  r.portMisses.forEach((m, i) => lines.push(`ports[${i}]: ${describePortMiss(m)}`));
  if (r.peerMisses.length === 0 && r.portMisses.length > 0) lines.unshift(`${field}: the peer matched, but no port did`);
  if (r.portMisses.length === 0 && r.peerMisses.length > 0) lines.unshift(`ports: the port matched, but no ${field} entry did`);
  return lines;
}

function describePolicy(p: PolicyOutcome, indent: string): string[] {
  if (p.rules.length === 0) return [`${indent}${p.policy}: has no rules for this direction, so it admits nothing`];
  const out = [`${indent}${p.policy}:`];
  for (const r of p.rules) {
    out.push(`${indent}  ${ruleName(r)}: ${r.admitted ? 'admits it' : 'does not admit it'}`);
    if (!r.admitted) for (const line of describeRuleMiss(r)) out.push(`${indent}    - ${line}`);
  }
  return out;
}

/** `AdminNetworkPolicy/x (admin tier, priority 10) ingress[0] "name" (Deny: from[1], any port)` */
export function describeTierMatch(m: TierMatch): string {
  const field = m.direction === 'ingress' ? 'from' : 'to';
  const where = m.priority === undefined ? `${m.tier.toLowerCase()} tier` : `${m.tier.toLowerCase()} tier, priority ${m.priority}`;
  const name = m.ruleName === undefined ? '' : ` ${JSON.stringify(m.ruleName)}`;
  const port = m.matchedPort === undefined ? 'any port' : `ports[${m.matchedPort}]`;
  return `${m.policy} (${where}) ${ruleName(m)}${name} (${m.actionText}: ${field}[${m.matchedPeer}], ${port})`;
}

/** How each tier took part on a side: who passed it on, or that no rule of a tier matched. */
function tierLines(side: SideResult): string[] {
  if (side.kind === 'not-a-pod' || side.kind === 'host-network' || side.tiers === undefined) return [];
  const t = side.tiers;
  const lines: string[] = [];
  const decidedByAdmin = (side.kind === 'tier-allowed' || side.kind === 'tier-denied') && side.by.tier === 'Admin';
  if (t.adminPass !== undefined) lines.push(`admin tier passed it on: ${describeTierMatch(t.adminPass)}`);
  else if (t.admin.length > 0 && !decidedByAdmin) lines.push(`admin tier: no rule of ${t.admin.join(', ')} matches`);
  if (decidedByAdmin) return lines;
  if (side.kind === 'allowed' || side.kind === 'denied') {
    if (t.baseline.length > 0) lines.push(`baseline tier not consulted: a NetworkPolicy isolates the pod (${t.baseline.join(', ')})`);
  } else if (t.baselinePass !== undefined) lines.push(`baseline tier passed it on: ${describeTierMatch(t.baselinePass)}`);
  else if (t.baseline.length > 0 && side.kind === 'not-isolated') lines.push(`baseline tier: no rule of ${t.baseline.join(', ')} matches`);
  return lines;
}

/** What a side decided, after its head; for a denial, the policies follow on lines of their own. */
function sideSummary(side: SideResult): string {
  switch (side.kind) {
    case 'not-a-pod':
      return 'not a pod, no policy applies';
    case 'host-network':
      return 'a hostNetwork pod, no policy selects it';
    case 'not-isolated':
      return side.tiers === undefined
        ? `allowed, not isolated (no policy selecting it has type ${policyTypeOf(side.direction)})`
        : `allowed: no tier rule decides, and no NetworkPolicy selecting it has type ${policyTypeOf(side.direction)}`;
    case 'allowed':
      return `allowed by ${side.admittedBy.map(describeAdmission).join('; ')}`;
    case 'denied':
      return `DENIED: isolated by ${plural(side.policies.length, 'policy', 'policies')}, and no rule admits it`;
    case 'tier-allowed':
      return `allowed by ${describeTierMatch(side.by)}`;
    case 'tier-denied':
      return `DENIED by ${describeTierMatch(side.by)}`;
    default:
      return assertNever(side);
  }
}

function describeSide(side: SideResult, endName: string): string[] {
  const head = `${side.direction} of ${endName}`;
  const lines = [`${head}: ${sideSummary(side)}`, ...tierLines(side).map((l) => `    ${l}`)];
  if (side.kind === 'denied') lines.push(...side.policies.flatMap((p) => describePolicy(p, '    ')));
  return lines;
}

/**
 * A side under a bypass: a pod's own side is shown as not consulted, with what it alone would have
 * said (a denial names its policies, since their rules are not listed); an end that is not a
 * policed pod has nothing to consult, and reads as it always does.
 */
function describeBypassedSide(side: SideResult, endName: string): string {
  const head = `${side.direction} of ${endName}`;
  if (side.kind === 'not-a-pod' || side.kind === 'host-network') return `${head}: ${sideSummary(side)}`;
  const alone =
    side.kind === 'denied'
      ? `would deny: isolated by ${side.policies.map((p) => p.policy).join(', ')}, and no rule admits it`
      : side.kind === 'tier-denied'
        ? `would deny: ${sideSummary(side)}`
        : `would allow: ${sideSummary(side)}`;
  return `${head}: not consulted, the exception above decides (${alone})`;
}

/** A bypass in words: `why` for can-reach's first reason line, `pair` for a matrix cell. */
function bypassWords(b: Bypass): { readonly why: string; readonly pair: string } {
  const node = "traffic between a pod and the node it runs on is always allowed, both ways (kubelet probes, the pod's own connections to its node)";
  switch (b) {
    case 'self':
      return { why: 'a pod may always reach itself', pair: 'a pod to itself' };
    case 'node-to-local-pod':
      return { why: node, pair: 'a node to its own pod' };
    case 'pod-to-own-node':
      return { why: node, pair: 'a pod to its own node' };
    default:
      return assertNever(b);
  }
}

/** `showFamily`: say which family was judged, when an end could connect over either. */
export function renderVerdictText(v: Verdict, wide: boolean, showFamily = false): string {
  const allowed = isAllowed(v);
  const over = showFamily && v.family !== undefined ? ` over IPv${v.family}` : '';
  const lines = [`${v.from} -> ${v.to} on ${formatPortSpec(v)}${over}: ${allowed ? 'ALLOWED' : 'DENIED'}`];
  if (v.bypass !== undefined) lines.push(`  allowed whatever the policies: ${bypassWords(v.bypass).why}`);
  for (const [side, name] of [[v.egress, v.from], [v.ingress, v.to]] as const) {
    const text = v.bypass === undefined ? describeSide(side, name) : [describeBypassedSide(side, name)];
    lines.push(...text.map((l) => `  ${l}`));
    const listed = side.kind === 'allowed' || (v.bypass !== undefined && side.kind === 'denied');
    if (wide && listed) lines.push(...side.policies.flatMap((p) => describePolicy(p, '    ')));
  }
  return `${lines.join('\n')}\n`;
}

/** One line for a matrix cell: what decided. */
/** What the one-line reason needs of a side, from a full record or from a decision alike. */
type ReasonSide =
  | { readonly kind: 'denied'; readonly direction: 'ingress' | 'egress'; readonly policies: readonly string[] }
  | { readonly kind: 'allowed'; readonly rules: readonly string[] }
  | { readonly kind: 'undecided' };

function reasonOf(bypass: Bypass | undefined, from: string, to: string, sides: readonly ReasonSide[]): string {
  if (bypass !== undefined) return `always allowed, policies not consulted: ${bypassWords(bypass).pair}`;
  for (const s of sides) {
    if (s.kind === 'denied') return `${s.direction} of ${s.direction === 'egress' ? from : to} denied by ${s.policies.join(', ')}`;
  }
  const allowedBy = sides.flatMap((s) => (s.kind === 'allowed' ? s.rules : []));
  return allowedBy.length > 0 ? `allowed by ${allowedBy.join(', ')}` : 'neither side is isolated';
}

/** The one-line reason of matrix -o wide, json and yaml. */
export function verdictReason(v: Verdict): string {
  const side = (s: SideResult): ReasonSide =>
    s.kind === 'denied'
      ? { kind: 'denied', direction: s.direction, policies: s.policies.map((p) => p.policy) }
      : s.kind === 'tier-denied'
        ? { kind: 'denied', direction: s.direction, policies: [`${s.by.policy} ${ruleName(s.by)}`] }
        : s.kind === 'allowed'
          ? { kind: 'allowed', rules: s.admittedBy.map((r) => `${r.policy} ${ruleName(r)}`) }
          : s.kind === 'tier-allowed'
            ? { kind: 'allowed', rules: [`${s.by.policy} ${ruleName(s.by)}`] }
            : { kind: 'undecided' };
  return reasonOf(v.bypass, v.from, v.to, [side(v.egress), side(v.ingress)]);
}

/** The same reason from a decision (decideConnection), worded the same. */
export function decisionReason(d: Decision, from: string, to: string): string {
  const side = (s: SideDecision): ReasonSide =>
    s.kind === 'denied'
      ? { kind: 'denied', direction: s.direction, policies: s.policies.map((p) => p.ref) }
      : s.kind === 'tier-denied'
        ? { kind: 'denied', direction: s.direction, policies: [`${s.by.source.policy} ${ruleName(s.by.source)}`] }
        : s.kind === 'allowed'
          ? { kind: 'allowed', rules: s.admittedBy.map((r) => `${r.source.policy} ${ruleName(r.source)}`) }
          : s.kind === 'tier-allowed'
            ? { kind: 'allowed', rules: [`${s.by.source.policy} ${ruleName(s.by.source)}`] }
            : { kind: 'undecided' };
  return reasonOf(d.bypass, from, to, [side(d.egress), side(d.ingress)]);
}
