/**
 * node/status on node states written here: the rule set installed as the apply leaves it (its
 * restore input played over an empty table by restore-model), then changed in one way per case
 * (a pod added, deleted or moved, a policy changed or deleted, a foreign rule above our hook, a
 * set gone, nothing installed), and what the status says of each. "In sync" must agree with the
 * apply's own judgement (a plan that runs nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/model/index.js';
import { compileSnapshot } from '../../src/engine/index.js';
import {
  buildRuleSet,
  isNoop,
  NodeStateError,
  nodeStatus,
  parseNodeState,
  parseStatusRead,
  planApply,
  type ChainDifference,
  type RuleSet,
  type SyncState,
} from '../../src/node/index.js';
import { pod, policy, sel } from '../support/build.js';
import { installedState } from './installed.js';
import { SAMPLE } from './sample.js';
import { stateText } from './states.js';

function rulesOf(s: Snapshot): RuleSet {
  return buildRuleSet(compileSnapshot(s), 'node-a');
}

const installed = installedState;

const base = rulesOf(SAMPLE);
const withPod = (p: ReturnType<typeof pod>, s: Snapshot = SAMPLE): Snapshot => ({ ...s, pods: [...s.pods, p] });
const without = (name: string): Snapshot => ({ ...SAMPLE, pods: SAMPLE.pods.filter((p) => p.name !== name) });

interface Case {
  readonly name: string;
  /** What the node holds (a state text). */
  readonly node: string;
  /** What it should hold. */
  readonly want: RuleSet;
  readonly state: SyncState;
  /** Expected changes as "kind name direction: change" (the families folded). */
  readonly changes?: readonly string[];
  readonly check?: (s: ReturnType<typeof nodeStatus>) => void;
}

function changeWords(cs: readonly ChainDifference[]): string[] {
  const words = cs.map((c) => `${c.owner.kind === 'pod' || c.owner.kind === 'policy' ? `${c.owner.kind} ${c.owner.name} ${c.owner.direction}` : `${c.owner.kind} ${c.chain}`}: ${c.change}`);
  return [...new Set(words)].sort();
}

const cases: Case[] = [
  { name: 'the rule set as installed: in sync', node: installed(base), want: base, state: 'in-sync', changes: [] },
  {
    name: 'a new pod on the node that a policy isolates: its chains are missing',
    node: installed(base),
    want: rulesOf(withPod(pod('locked', 'job-2', {}, { node: 'node-a', ips: ['10.244.1.14'] }))),
    state: 'stale',
    changes: ['pod locked/job-2 egress: missing', 'pod locked/job-2 ingress: missing'],
  },
  {
    name: 'a pod deleted: its chains are left over, and the policy only it used too, named by the jump into its empty chain',
    node: installed(base),
    want: rulesOf(without('job')),
    state: 'stale',
    changes: ['pod locked/job egress: left-over', 'pod locked/job ingress: left-over', 'policy locked/deny-all egress: left-over', 'policy locked/deny-all ingress: left-over'],
  },
  {
    name: 'a pod with a new address: its chains differ',
    node: installed(base),
    want: rulesOf(withPod(pod('locked', 'job', {}, { node: 'node-a', ips: ['10.244.1.99'] }), without('job'))),
    state: 'stale',
    changes: ['pod locked/job egress: differs', 'pod locked/job ingress: differs'],
  },
  {
    name: 'a policy that admits one more peer: its chains differ, the pods\' do not',
    node: installed(base),
    want: rulesOf({ ...SAMPLE, policies: SAMPLE.policies.map((p) => (p.name === 'test-network-policy' ? { ...p, ingress: [...p.ingress, { ...p.ingress[1]!, ports: [] }] } : p)) }),
    state: 'stale',
    changes: ['policy default/test-network-policy ingress: differs'],
  },
  {
    name: 'a new policy selecting a pod of the node: that pod differs, the new policy is missing',
    node: installed(base),
    want: rulesOf({ ...SAMPLE, policies: [...SAMPLE.policies, policy('default', 'db-deny', sel({ role: 'db' }), { types: ['Ingress'] })] }),
    state: 'stale',
    changes: ['pod default/db ingress: differs', 'policy default/db-deny ingress: missing'],
  },
  {
    name: 'a foreign rule inserted above our hook: foreign rules ahead, quoted',
    node: installed(base, { v4: (t) => t.replace('\n-A FORWARD ', '\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD ') }),
    want: base,
    state: 'foreign-ahead',
    changes: [],
    check: (s) => {
      assert.deepEqual(s.families.map((f) => [f.family, f.hook, f.ahead]), [[4, 'below', ['-A FORWARD -s 10.244.0.0/16 -j ACCEPT']], [6, 'first', []]]);
    },
  },
  {
    name: 'a foreign rule after our hook changes nothing',
    node: installed(base, { v4: (t) => t.replace('\nCOMMIT', '\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\nCOMMIT') }),
    want: base,
    state: 'in-sync',
    changes: [],
  },
  {
    name: 'an ipset destroyed by someone: stale, the set missing',
    node: installed(base, { sets: (lines) => lines.slice(1) }),
    want: base,
    state: 'stale',
    changes: [],
    check: (s) => assert.equal(s.sets.missing.length, 1),
  },
  {
    name: 'a set filled only in part: stale, the set incomplete',
    node: installed(base, { sets: (lines) => [lines[0]!.replace(/ \d+$/, ' 0'), ...lines.slice(1)] }),
    want: base,
    state: 'stale',
    check: (s) => assert.equal(s.sets.incomplete.length, 1),
  },
  { name: 'nothing of ours while pods are isolated: not installed', node: stateText(), want: base, state: 'not-installed' },
  {
    name: 'nothing to enforce and nothing installed: in sync',
    node: stateText(),
    want: rulesOf({ ...SAMPLE, policies: [] }),
    state: 'in-sync',
    changes: [],
  },
  {
    name: 'every policy deleted: all of ours is left over',
    node: installed(base),
    want: rulesOf({ ...SAMPLE, policies: [] }),
    state: 'stale',
    check: (s) => {
      assert.ok(s.changes.length > 0 && s.changes.every((c) => c.change === 'left-over'), JSON.stringify(s.changes));
      assert.ok(s.sets.leftOver.length > 0);
    },
  },
];

for (const c of cases) {
  test(`status: ${c.name}`, () => {
    const read = parseStatusRead(c.node);
    const s = nodeStatus(c.want, read);
    assert.equal(s.state, c.state, JSON.stringify(s.changes));
    if (c.changes) assert.deepEqual(changeWords(s.changes), c.changes);
    c.check?.(s);
    const plan = planApply(c.want, read.state);
    assert.equal(plan.ok && isNoop(plan.plan), c.state === 'in-sync', 'in sync exactly when an apply would change nothing');
    assert.equal(s.counters, undefined, 'a state without counters has none');
  });
}

/** The counter lines `iptables-save -c` would print for the rules of ours in `state`, every rule `n` packets unless `set` says. */
function countersFor(state: string, set: (line: string) => number): string {
  const read = parseNodeState(state);
  const out: string[] = [];
  for (const f of [read.v4, read.v6]) {
    out.push(`counters ${f.family} ok`);
    if (f.table.kind === 'present') {
      for (const r of f.table.table.rules) if (r.chain.startsWith('KNP-') || / -j KNP-/.test(r.line)) out.push(`[${set(r.line)}:${set(r.line) * 60}] ${r.line}`);
    }
    out.push(`end counters ${f.family}`);
  }
  return `${state.trimEnd()}\n${out.join('\n')}\n`;
}

test('status counters: packets into each chain, rejected by a pod chain, admitted per policy, matched per policy rule', () => {
  const node = installed(base);
  const count = (line: string): number => {
    if (line.startsWith('-A KNP-FORWARD') && line.includes('"default/db ingress')) return 10;
    if (line.includes('"default/db ingress: no policy admits"')) return 3;
    if (line.includes('"default/db ingress: admitted by default/test-network-policy"')) return 7;
    if (line.includes('"default/test-network-policy ingress[1]')) return 7;
    return 0;
  };
  const s = nodeStatus(base, parseStatusRead(countersFor(node, count)));
  assert.equal(s.state, 'in-sync');
  const db = s.counters?.find((c) => c.family === 4 && c.owner.kind === 'pod' && c.owner.name === 'default/db' && c.owner.direction === 'ingress');
  assert.ok(db);
  // Two interception rules (bridged and routed) jump into it, 10 packets each.
  assert.equal(db.packets, 20);
  assert.equal(db.rejected, 3);
  assert.deepEqual(db.admittedBy, [{ policy: 'default/test-network-policy', packets: 7 }]);
  const pol = s.counters?.find((c) => c.family === 4 && c.owner.kind === 'policy' && c.owner.name === 'default/test-network-policy' && c.owner.direction === 'ingress');
  assert.ok(pol);
  assert.ok(pol.rules.some((r) => r.rule.startsWith('default/test-network-policy ingress[1]') && r.packets === 7), JSON.stringify(pol.rules));
  assert.ok(pol.rules.every((r) => r.rule.startsWith('default/test-network-policy ingress[1]') === (r.packets === 7)));
});

const bad: { name: string; text: string; line: number }[] = [
  { name: 'a counter line without counters', text: `${stateText().trimEnd()}\ncounters 4 ok\n-A KNP-FORWARD -j RETURN\nend counters 4\n`, line: 0 },
  { name: 'no end', text: `${stateText().trimEnd()}\ncounters 4 ok\n`, line: 0 },
  { name: 'a family twice', text: `${stateText().trimEnd()}\ncounters 4 ok\nend counters 4\ncounters 4 ok\nend counters 4\n`, line: 0 },
  { name: 'lines under a failed read', text: `${stateText().trimEnd()}\ncounters 6 failed\n[1:2] -A KNP-FORWARD -j RETURN\nend counters 6\n`, line: 0 },
];

for (const c of bad) {
  test(`parseStatusRead refuses ${c.name}, naming the line`, () => {
    const lines = stateText().trimEnd().split('\n').length;
    assert.throws(() => parseStatusRead(c.text), (e: unknown) => e instanceof NodeStateError && e.line > lines);
  });
}

test('parseStatusRead: a failed counter read is told apart from an unread one', () => {
  const r = parseStatusRead(`${stateText().trimEnd()}\ncounters 6 failed\nend counters 6\n`);
  assert.deepEqual([r.v4.kind, r.v6.kind], ['unread', 'failed']);
});
