/**
 * @module cli/status-view
 * `status` for people and for programs: a kubectl-style table of the nodes, then what differs on
 * each node not in sync; `-o wide` adds the packet counters of every chain of ours; `-o json|yaml`
 * is built here field by field, so that a renamed field of node/status cannot change it.
 */
import type { ChainCounters, ChainDifference, ChainOwner, NodeStatus, SyncState } from '../node/index.js';
import { renderTable } from '../render/table.js';
import { assertNever } from '../assert-never.js';

function ownerText(o: ChainOwner): string {
  switch (o.kind) {
    case 'pod':
    case 'policy':
      return `${o.kind} ${o.name} ${o.direction}`;
    case 'top':
      return 'the top chain';
    case 'unknown':
      return 'unnamed';
    default:
      return assertNever(o);
  }
}

function changeWords(c: ChainDifference): string {
  const pod = c.owner.kind === 'pod';
  switch (c.change) {
    case 'missing':
      return pod ? 'not installed (new, or newly isolated, since the last apply)' : 'not installed (new, or newly selecting a pod here, since the last apply)';
    case 'left-over':
      return pod ? 'installed, no longer wanted (deleted, moved, or no longer isolated)' : 'installed, no longer wanted (deleted, or selecting no pod here now)';
    case 'differs':
      return pod ? 'installed with other rules (the policies selecting it, or its addresses, changed)' : 'installed with other rules (the policy, or the pods and addresses it admits, changed)';
    default:
      return assertNever(c.change);
  }
}

function families(fs: readonly { readonly family: number }[]): string {
  return fs.map((f) => `IPv${f.family}`).join(', ');
}

/** Each chain that differs, once for both families. */
function changeLines(s: NodeStatus): string[] {
  const byChain = new Map<string, ChainDifference[]>();
  for (const c of s.changes) byChain.set(`${c.chain} ${c.change}`, [...(byChain.get(`${c.chain} ${c.change}`) ?? []), c]);
  const lines = [...byChain.values()].map((cs) => {
    const c = cs[0] as ChainDifference;
    const who = c.owner.kind === 'unknown' ? `chain ${c.chain}` : ownerText(c.owner);
    return `  ${who}: ${changeWords(c)} (${families(cs)})`;
  });
  const sets = s.sets;
  for (const n of sets.missing) lines.push(`  set ${n}: not on the node`);
  for (const n of sets.incomplete) lines.push(`  set ${n}: on the node with other entries (a fill cut short)`);
  for (const n of sets.leftOver) lines.push(`  set ${n}: on the node, no longer used`);
  return lines.sort();
}

function detail(s: NodeStatus): string[] {
  const apply = `apply-node ${s.node}`;
  const notes = s.families.flatMap((f) => (f.note === undefined ? [] : [`  IPv${f.family}: ${f.note}`]));
  switch (s.state) {
    case 'in-sync':
      return [];
    case 'unknown':
      return [`node ${s.node}: its rules could not be read:`, ...notes];
    case 'not-installed':
      return [`node ${s.node}: pods here are isolated by policies, and none of our rules is installed; ${apply} installs them`, ...notes, ...(s.sets.note ? [`  ipset: ${s.sets.note}`] : [])];
    case 'foreign-ahead':
    case 'stale': {
      const ahead = s.families.filter((f) => f.hook === 'below');
      const out: string[] = [];
      if (ahead.length > 0) {
        out.push(`node ${s.node}: rules that are not ours come before our hook in FORWARD (${families(ahead)}): packets meet them first, and what they accept never meets our rules; ${apply} puts our hook first again:`);
        for (const f of ahead) for (const line of f.ahead) out.push(`  IPv${f.family}: ${line}`);
      }
      const changes = changeLines(s);
      const missingHook = s.families.filter((f) => f.enforcing && f.hook === 'missing');
      if (changes.length > 0 || missingHook.length > 0 || ahead.length === 0) {
        out.push(`node ${s.node}: what it holds differs from the rules the policies give now; ${apply} brings it in step:`);
        for (const f of missingHook) out.push(`  IPv${f.family}: no jump from FORWARD into our rules`);
        out.push(...changes);
        if (changes.length === 0 && missingHook.length === 0) out.push('  the order of our rules differs');
      }
      return [...out, ...notes];
    }
    default:
      return assertNever(s.state);
  }
}

function have(s: NodeStatus): { chains: string; sets: string } {
  const sum = (pick: (f: NodeStatus['families'][number]) => number): number => s.families.reduce((n, f) => n + pick(f), 0);
  const setsHere = s.sets.wanted - s.sets.missing.length + s.sets.leftOver.length;
  return { chains: `${sum((f) => f.installed.chains)}/${sum((f) => f.desired.chains)}`, sets: `${setsHere}/${s.sets.wanted}` };
}

/** Table of nodes, then the detail of every node not in sync. */
export function statusText(statuses: readonly NodeStatus[]): string {
  const rows = statuses.map((s) => {
    const h = have(s);
    return [s.node, s.state, h.chains, h.sets];
  });
  const details = statuses.flatMap(detail);
  return renderTable(['NODE', 'STATUS', 'CHAINS (HAVE/WANT)', 'SETS (HAVE/WANT)'], rows) + (details.length > 0 ? `\n${details.join('\n')}\n` : '');
}

/** A policy chain's admitted count: what its policy admitted in the pod chains of its direction. */
function admittedText(c: ChainCounters, all: readonly ChainCounters[]): string {
  if (c.owner.kind === 'pod') return c.admittedBy.map((a) => `${a.packets} by ${a.policy}`).join(', ') || '-';
  const owner = c.owner;
  if (owner.kind !== 'policy') return '-';
  const n = all
    .filter((p) => p.family === c.family && p.owner.kind === 'pod' && p.owner.direction === owner.direction)
    .flatMap((p) => p.admittedBy)
    .filter((a) => a.policy === owner.name)
    .reduce((sum, a) => sum + a.packets, 0);
  return String(n);
}

/** -o wide: the counters of every chain of ours, after the table and details. */
export function countersText(statuses: readonly NodeStatus[]): string {
  const rows = statuses.flatMap((s) => {
    if (s.counters === undefined) return [[s.node, '-', '-', 'counters not read', '-', '-', '-']];
    return s.counters.map((c) => [s.node, `IPv${c.family}`, c.chain, ownerText(c.owner), String(c.packets), c.owner.kind === 'pod' ? String(c.rejected) : '-', admittedText(c, s.counters ?? [])]);
  });
  return renderTable(['NODE', 'FAMILY', 'CHAIN', 'FOR', 'PACKETS', 'REJECTED', 'ADMITTED'], rows);
}

function ownerRecord(o: ChainOwner): Record<string, string> {
  switch (o.kind) {
    case 'pod':
    case 'policy':
      return { kind: o.kind, name: o.name, direction: o.direction };
    case 'top':
    case 'unknown':
      return { kind: o.kind };
    default:
      return assertNever(o);
  }
}

export function statusRecord(s: NodeStatus): Record<string, unknown> {
  return {
    node: s.node,
    status: s.state satisfies SyncState,
    families: s.families.map((f) => ({
      family: `IPv${f.family}`,
      enforcing: f.enforcing,
      table: f.table,
      desired: { chains: f.desired.chains, rules: f.desired.rules },
      installed: { chains: f.installed.chains, rules: f.installed.rules },
      hook: f.hook,
      ahead: [...f.ahead],
      ...(f.note === undefined ? {} : { note: f.note }),
    })),
    changes: s.changes.map((c) => ({ family: `IPv${c.family}`, chain: c.chain, for: ownerRecord(c.owner), change: c.change })),
    sets: { wanted: s.sets.wanted, missing: [...s.sets.missing], incomplete: [...s.sets.incomplete], leftOver: [...s.sets.leftOver], ...(s.sets.note === undefined ? {} : { note: s.sets.note }) },
    ...(s.counters === undefined
      ? {}
      : {
          counters: s.counters.map((c) => ({
            family: `IPv${c.family}`,
            chain: c.chain,
            for: ownerRecord(c.owner),
            packets: c.packets,
            bytes: c.bytes,
            rejected: c.rejected,
            admittedBy: c.admittedBy.map((a) => ({ policy: a.policy, packets: a.packets })),
            rules: c.rules.map((r) => ({ rule: r.rule, packets: r.packets })),
          })),
        }),
  };
}
