/**
 * @module render/verdict
 * can-reach in words: the verdict, then each side's reason (egress of the source, ingress of the
 * destination), then for a denial every isolating policy and why each of its rules missed.
 */
import { assertNever, isAllowed, policyTypeOf, type PolicyOutcome, type RuleOutcome, type SideResult, type Verdict } from '../engine/index.js';
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

function describeSide(side: SideResult, endName: string): string[] {
  const head = `${side.direction} of ${endName}`;
  switch (side.kind) {
    case 'not-a-pod':
      return [`${head}: not a pod, no policy applies`];
    case 'host-network':
      return [`${head}: a hostNetwork pod, no policy selects it`];
    case 'not-isolated':
      return [`${head}: allowed, not isolated (no policy selecting it has type ${policyTypeOf(side.direction)})`];
    case 'allowed':
      return [`${head}: allowed by ${side.admittedBy.map(describeAdmission).join('; ')}`];
    case 'denied':
      return [
        `${head}: DENIED: isolated by ${plural(side.policies.length, 'policy', 'policies')}, and no rule admits it`,
        ...side.policies.flatMap((p) => describePolicy(p, '    ')),
      ];
    default:
      return assertNever(side);
  }
}

/** `showFamily`: say which family was judged, when an end could connect over either. */
export function renderVerdictText(v: Verdict, wide: boolean, showFamily = false): string {
  const allowed = isAllowed(v);
  const over = showFamily && v.family !== undefined ? ` over IPv${v.family}` : '';
  const lines = [`${v.from} -> ${v.to} on ${formatPortSpec(v)}${over}: ${allowed ? 'ALLOWED' : 'DENIED'}`];
  if (v.bypass === 'self') lines.push('  a pod may always reach itself, whatever the policies');
  if (v.bypass === 'node-to-local-pod') lines.push('  connections from a node to the pods running on it are always allowed (kubelet probes)');
  for (const [side, name] of [[v.egress, v.from], [v.ingress, v.to]] as const) {
    const text = describeSide(side, name);
    lines.push(...text.map((l) => `  ${l}`));
    if (wide && side.kind === 'allowed') lines.push(...side.policies.flatMap((p) => describePolicy(p, '    ')));
  }
  return `${lines.join('\n')}\n`;
}

/** One line for a matrix cell: what decided. */
export function verdictReason(v: Verdict): string {
  if (v.bypass === 'self') return 'a pod may always reach itself';
  if (v.bypass === 'node-to-local-pod') return 'node to its own pod';
  const denied = [v.egress, v.ingress].find((s) => s.kind === 'denied');
  if (denied) {
    const end = denied.direction === 'egress' ? v.from : v.to;
    return `${denied.direction} of ${end} denied by ${denied.policies.map((p) => p.policy).join(', ')}`;
  }
  const allowedBy = [v.egress, v.ingress].flatMap((s) => (s.kind === 'allowed' ? s.admittedBy.map((r) => `${r.policy} ${ruleName(r)}`) : []));
  return allowedBy.length > 0 ? `allowed by ${allowedBy.join(', ')}` : 'neither side is isolated';
}
