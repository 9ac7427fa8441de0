/**
 * @module render/diff
 * `diff`'s records (the JSON contract: {"changes": [{from, to, change, before, after, why}]},
 * CONNS "all", "none" or [{protocol, ports: [[first, last], ...]}]) and its text forms: a
 * kubectl-style table, a Markdown table for a pull-request comment, and CSV.
 */
import { PROTOCOLS } from '../model/index.js';
import { assertNever, type ConnectionSet, type ConnectivityChange, type Decision, type SideDecision } from '../engine/index.js';
import { csvCell, mdCell, renderTable } from './table.js';

export type ConnsRecord = 'all' | 'none' | { readonly protocol: string; readonly ports: (readonly [number, number])[] }[];

export function connsRecord(set: ConnectionSet): ConnsRecord {
  switch (set.kind) {
    case 'all':
    case 'none':
      return set.kind;
    case 'some':
      return [...PROTOCOLS].sort().flatMap((p) => {
        const ranges = set.protocols.get(p);
        return ranges === undefined ? [] : [{ protocol: p, ports: ranges.map(([a, b]) => [a, b] as const) }];
      });
    default:
      return assertNever(set);
  }
}

/** "TCP 80, 8000-8080; UDP 53", "all", "none". */
export function connsText(set: ConnectionSet): string {
  const r = connsRecord(set);
  if (typeof r === 'string') return r;
  return r.map((p) => `${p.protocol} ${p.ports.map(([a, b]) => (a === b ? String(a) : a === 1 && b === 65535 ? 'all ports' : `${a}-${b}`)).join(', ')}`).join('; ');
}

function sideText(s: SideDecision, end: string): string | undefined {
  const what = `${s.direction} of ${end}`;
  switch (s.kind) {
    case 'not-a-pod':
    case 'host-network':
      return undefined;
    case 'not-isolated':
      return `${what}: not isolated`;
    case 'allowed':
      return `${what}: admitted by ${s.admittedBy.map((r) => `${r.source.policy} ${r.source.path}`).join(', ')}`;
    case 'denied':
      return `${what}: denied, no rule of ${s.policies.map((p) => p.ref).join(', ')} admits it`;
    case 'tier-allowed':
      return `${what}: admitted by ${s.by.source.policy} ${s.by.source.path} (${s.by.actionText})`;
    case 'tier-denied':
      return `${what}: denied by ${s.by.source.policy} ${s.by.source.path} (${s.by.actionText})`;
    default:
      return assertNever(s);
  }
}

/** Why a decision came out as it did, both sides, in one line. */
export function decisionText(d: Decision | undefined, from: string, to: string): string {
  if (d === undefined) return 'an end does not exist';
  if (d.bypass !== undefined) return `always allowed (${d.bypass})`;
  return [sideText(d.egress, from), sideText(d.ingress, to)].filter((x) => x !== undefined).join('; ') || 'no policy applies';
}

export function whyText(c: ConnectivityChange): string {
  return `${c.at.protocol} ${c.at.port}: before: ${decisionText(c.why.before, c.from, c.to)}; after: ${decisionText(c.why.after, c.from, c.to)}`;
}

export function changeRecord(c: ConnectivityChange): Record<string, unknown> {
  return { from: c.from, to: c.to, change: c.change, before: connsRecord(c.before), after: connsRecord(c.after), why: whyText(c) };
}

export function diffTable(changes: readonly ConnectivityChange[], wide: boolean): string {
  if (changes.length === 0) return 'No connectivity changes.\n';
  const head = ['FROM', 'TO', 'CHANGE', 'BEFORE', 'AFTER', ...(wide ? ['WHY'] : [])];
  return renderTable(head, changes.map((c) => [c.from, c.to, c.change, connsText(c.before), connsText(c.after), ...(wide ? [whyText(c)] : [])]));
}

export function diffMarkdown(changes: readonly ConnectivityChange[]): string {
  if (changes.length === 0) return '**kubectl netpol diff**: no connectivity changes.\n';
  const rows = changes.map((c) => `| \`${mdCell(c.from)}\` | \`${mdCell(c.to)}\` | ${c.change} | ${mdCell(connsText(c.before))} | ${mdCell(connsText(c.after))} | ${mdCell(whyText(c))} |`);
  const n = changes.length;
  return [`**kubectl netpol diff**: ${n} pair${n === 1 ? '' : 's'} of endpoints whose connections change.`, '', '| From | To | Change | Before | After | Why |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

export function diffCsv(changes: readonly ConnectivityChange[]): string {
  const rows = changes.map((c) => [c.from, c.to, c.change, connsText(c.before), connsText(c.after), whyText(c)].map(csvCell).join(','));
  return `${['from,to,change,before,after,why', ...rows].join('\n')}\n`;
}
