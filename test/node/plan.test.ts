/**
 * The plan on hand-written node states: what the restore input does to the table (modelled in
 * restore-model.ts) is exactly the rule set with our hook first and every foreign line in place,
 * the rollback input gives back the table it started from line for line, foreign rules and
 * look-alikes are never named, counters change nothing, an installed rule set is a no-op, and
 * each family and the sets are planned as the node's tools and tables allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot } from '../../src/engine/index.js';
import {
  buildRuleSet,
  hookSpec,
  isNoop,
  isOurChain,
  parseNodeState,
  planApply,
  planCleanup,
  renderChainRules,
  type FamilyPlan,
  type NodePlan,
  type PlanResult,
  type RuleSet,
} from '../../src/node/index.js';
import { SAMPLE, SAMPLE_V4_ONLY } from './sample.js';
import { BUSY_V4, EMPTY_TABLE, familyLine, stateText } from './states.js';
import { modelOf, restore, saveText } from './restore-model.js';

const rs = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');
const HOOK = `-A FORWARD ${hookSpec('KNP-FORWARD')}`;

function planOf(p: PlanResult): NodePlan {
  assert.ok(p.ok, p.ok ? '' : p.error);
  return p.plan;
}

function restoring(f: FamilyPlan): Extract<FamilyPlan, { kind: 'restore' | 'unchanged' }> {
  if (f.kind !== 'restore') throw new Error(`IPv${f.family}: ${f.kind}, not restore`);
  return f;
}

/** The table text `rs`'s family leaves when installed over `prior` (both sides as iptables-save prints them). */
function installedOver(prior: string, f: 4 | 6, r: RuleSet = rs): string {
  const plan = planOf(planApply(r, parseNodeState(stateText(f === 4 ? { v4: prior } : { v6: prior }))));
  return saveText(restore(modelOf(prior), restoring(f === 4 ? plan.v4 : plan.v6).restore));
}

/** The lines of a table that are not ours: foreign chains' declarations and rules not jumping into ours. */
function foreignLines(text: string): string[] {
  return text.split('\n').filter((l) => {
    const decl = /^:(\S+) /.exec(l);
    if (decl) return !isOurChain(decl[1] as string);
    const rule = /^-A (\S+) (?:.* )?-[jg] (\S+)$/.exec(l);
    if (rule) return !isOurChain(rule[1] as string) && !isOurChain(rule[2] as string);
    return !/^-A KNP-(FORWARD|INPUT|(?:PO[DL]|PASS)-[EI]-[0-9a-f]{12}) /.test(l);
  });
}

interface TableCase {
  name: string;
  prior: string;
  hookMoved: boolean;
  chains: { added: number; removed: number };
}

const FOREIGN_ONLY = EMPTY_TABLE.replace(':OUTPUT ACCEPT', ':OUTPUT ACCEPT\n:FOREIGN - [0:0]\n:KNP-ADMIN - [0:0]').replace(
  'COMMIT',
  ['-A FORWARD -s 10.244.0.0/16 -j ACCEPT', '-A FORWARD -m comment --comment "see -j KNP-FORWARD"', '-A OUTPUT -j KNP-ADMIN', '-A FOREIGN -j ACCEPT', 'COMMIT'].join('\n'),
);

const tableCases: TableCase[] = [
  { name: 'a fresh table', prior: EMPTY_TABLE, hookMoved: false, chains: { added: 9, removed: 0 } },
  { name: 'foreign rules and look-alikes only', prior: FOREIGN_ONLY, hookMoved: false, chains: { added: 9, removed: 0 } },
  { name: 'an earlier rule set, pushed down, duplicated, a stray jump, an INPUT hook, stale chains', prior: BUSY_V4, hookMoved: true, chains: { added: 8, removed: 3 } },
];

for (const c of tableCases) {
  test(`plan over ${c.name}: the restore leaves the rule set, hook first, every foreign line in place; the rollback gives the table back`, () => {
    const plan = planOf(planApply(rs, parseNodeState(stateText({ v4: c.prior }))));
    const v4 = restoring(plan.v4);
    assert.equal(v4.hookMoved, c.hookMoved);
    assert.deepEqual({ added: v4.chains.added, removed: v4.chains.removed }, c.chains);
    const before = modelOf(c.prior);
    const after = restore(before, v4.restore);
    const text = saveText(after);
    const lines = text.split('\n');
    assert.equal(lines.find((l) => l.startsWith('-A FORWARD ')), HOOK, 'our hook first in FORWARD');
    const jumpsIn = lines.filter((l) => !/^-A KNP-/.test(l) && isOurChain(/ -[jg] (\S+)$/.exec(l)?.[1] ?? ''));
    assert.deepEqual(jumpsIn, [HOOK], 'no other jump into our chains');
    assert.deepEqual(lines.filter((l) => /^-A KNP-(FORWARD|(?:PO[DL]|PASS)-[EI]-[0-9a-f]{12}) /.test(l)).sort(), [...renderChainRules(rs.v4)].sort());
    assert.deepEqual(foreignLines(text), foreignLines(saveText(before)), 'foreign lines, in order');
    assert.equal(saveText(restore(after, v4.rollback)), saveText(before), 'rollback: the table as it was');
    for (const l of [...v4.restore, ...v4.rollback].flatMap((b) => b.split('\n'))) {
      assert.doesNotMatch(l, /FOREIGN|KNP-ADMIN|see -j|10\.244\.0\.0\/16|dport 23/, `a foreign line named: ${l}`);
    }
  });
}

test('plan: the rule set installed already is a no-op, counters or not; a set short of entries is filled again', () => {
  const installed = installedOver(EMPTY_TABLE, 4);
  const sets = [...rs.v4.sets, ...rs.v6.sets].map((s) => `set ${s.name} ${s.entries.length}`);
  const v6 = installedOver(EMPTY_TABLE, 6);
  const withCounters = installed.replace(':KNP-FORWARD - [0:0]', ':KNP-FORWARD - [12:3400]');
  for (const v4 of [installed, withCounters]) {
    const plan = planOf(planApply(rs, parseNodeState(stateText({ v4, v6, sets }))));
    assert.ok(isNoop(plan), 'nothing to do');
    assert.equal(plan.v4.kind, 'unchanged');
  }
  const short = sets.map((l, i) => (i === 0 ? l.replace(/ \d+$/, ' 0') : l));
  const plan = planOf(planApply(rs, parseNodeState(stateText({ v4: installed, v6, sets: short }))));
  assert.equal(isNoop(plan), false);
  assert.deepEqual(plan.sets.fill.map((s) => s.name), [rs.v4.sets[0]?.name]);
  assert.deepEqual(plan.sets.created, []);
  assert.equal(plan.v4.kind, 'unchanged');
});

test('plan: our hook below a foreign rule is the only change: it moves back to the top', () => {
  const installed = installedOver(EMPTY_TABLE, 4);
  const pushed = installed.replace(HOOK, `-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n${HOOK}`);
  const plan = planOf(planApply(rs, parseNodeState(stateText({ v4: pushed }))));
  const v4 = restoring(plan.v4);
  assert.ok(v4.hookMoved);
  assert.deepEqual([v4.chains, v4.rules].map((c) => [c.added, c.removed]), [[0, 0], [0, 0]]);
  assert.deepEqual(v4.restore.filter((l) => /^-[DI] FORWARD /.test(l)), [`-D FORWARD ${hookSpec('KNP-FORWARD')}`, `-I FORWARD 1 ${hookSpec('KNP-FORWARD')}`]);
});

test('plan: a rule of ours in another order is a change, though it counts +0 -0', () => {
  const installed = installedOver(EMPTY_TABLE, 4);
  const lines = installed.split('\n');
  const ours = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('-A KNP-FORWARD '));
  const [a, b] = [ours[1], ours[2]];
  assert.ok(a && b);
  [lines[a[1]], lines[b[1]]] = [b[0], a[0]];
  const v4 = restoring(planOf(planApply(rs, parseNodeState(stateText({ v4: lines.join('\n') })))).v4);
  assert.deepEqual([v4.rules.added, v4.rules.removed], [0, 0]);
});

test('cleanup plan over a busy node: every chain, jump and set of ours goes; foreign lines stay; the rollback gives it back', () => {
  const plan = planOf(planCleanup('node-a', parseNodeState(stateText({ v4: BUSY_V4, sets: ['set KNP-4P-0123456789abcdef 2'] }))));
  const v4 = restoring(plan.v4);
  assert.equal(plan.v6.kind, 'left-alone');
  assert.deepEqual(plan.sets.stale, ['KNP-4P-0123456789abcdef']);
  const before = modelOf(BUSY_V4);
  const after = restore(before, v4.restore);
  assert.deepEqual(saveText(after).split('\n'), foreignLines(saveText(before)));
  assert.equal(saveText(restore(after, v4.rollback)), saveText(before));
});

interface FamilyCase {
  name: string;
  v6: string[];
  rules: RuleSet;
  purpose?: 'cleanup';
  want: { kind: 'left-alone'; why: RegExp } | { kind: 'restore' } | { error: RegExp };
}

const V4_ONLY = buildRuleSet(compileSnapshot(SAMPLE_V4_ONLY), 'node-a');
const table6 = (text: string): string[] => [familyLine(6, 'present'), 'table 6', ...text.split('\n'), 'end table 6'];
const familyCases: FamilyCase[] = [
  { name: 'enforcing, no tools', v6: [familyLine(6, 'unread')], rules: rs, want: { error: /^ip6tables-nft-restore or ip6tables-nft-save not found, and this node has IPv6 pods to enforce$/ } },
  { name: 'not enforcing, no tools', v6: [familyLine(6, 'unread')], rules: V4_ONLY, want: { kind: 'left-alone', why: /^ip6tables-nft-restore not found and no IPv6 pod to enforce: skipped$/ } },
  { name: 'enforcing, no legacy table yet', v6: [familyLine(6, 'absent')], rules: rs, want: { kind: 'restore' } },
  { name: 'not enforcing, no table', v6: [familyLine(6, 'absent')], rules: V4_ONLY, want: { kind: 'left-alone', why: /^nothing to enforce, and no filter table: left alone$/ } },
  { name: 'enforcing, unreadable', v6: [familyLine(6, 'error'), 'error 6 ip6tables-nft-save -t filter failed: no'], rules: rs, want: { error: /^ip6tables-nft-save -t filter failed: no$/ } },
  { name: 'not enforcing, unreadable', v6: [familyLine(6, 'error'), 'error 6 boom'], rules: V4_ONLY, want: { kind: 'left-alone', why: /^nothing to enforce, but boom; anything of ours an earlier apply left there stays$/ } },
  { name: 'not enforcing, look-alikes only', v6: table6(FOREIGN_ONLY), rules: V4_ONLY, want: { kind: 'left-alone', why: /^nothing to enforce and nothing of ours: left alone$/ } },
  { name: 'not enforcing, ours left there', v6: table6(BUSY_V4), rules: V4_ONLY, want: { kind: 'restore' } },
  { name: 'cleanup, look-alikes only', v6: table6(FOREIGN_ONLY), rules: rs, purpose: 'cleanup', want: { kind: 'left-alone', why: /^nothing of ours$/ } },
];

for (const c of familyCases) {
  test(`plan, IPv6 ${c.name}`, () => {
    const text = ['knp-state 1', 'backend nft detected', ...stateText().split('\n').slice(2, 10), ...c.v6, 'ipset yes', 'end'].join('\n');
    const state = parseNodeState(text);
    const p = c.purpose === 'cleanup' ? planCleanup('node-a', state) : planApply(c.rules, state);
    if ('error' in c.want) {
      assert.equal(p.ok, false);
      if (!p.ok) assert.match(p.error, c.want.error);
      return;
    }
    const plan = planOf(p);
    assert.equal(plan.v6.kind, c.want.kind);
    if (c.want.kind === 'left-alone' && plan.v6.kind === 'left-alone') assert.match(plan.v6.why, c.want.why);
  });
}

test('plan: sets need ipset; without it, or when it cannot list, a rule set without sets still goes, and stale sets stay', () => {
  const base = stateText().split('\n').slice(0, 18);
  const noIpset = parseNodeState([...base, 'ipset no', 'end'].join('\n'));
  const failing = parseNodeState([...base, 'ipset error', 'error ipset ipset list -t failed: nope', 'end'].join('\n'));
  assert.deepEqual(planApply(rs, noIpset), { ok: false, error: 'ipset not found' });
  assert.deepEqual(planApply(rs, failing), { ok: false, error: 'ipset list -t failed: nope' });
  assert.equal(planOf(planCleanup('node-a', noIpset)).sets.leftAlone, 'ipset not found and no set needed: stale sets are left alone');
  assert.equal(planOf(planCleanup('node-a', failing)).sets.leftAlone, 'ipset list -t failed: nope: stale sets are left alone');
});

test('plan: warnings for a restore without -w and for bridged traffic that br_netfilter does not show to FORWARD', () => {
  const text = stateText({ bridge: '0' }).replace(/wait=yes/g, 'wait=no');
  const plan = planOf(planApply(rs, parseNodeState(text)));
  assert.deepEqual(plan.warnings.map((w) => w.replace(/: (if|traffic) .*/, '')), [
    'iptables-nft-restore does not accept -w',
    'ip6tables-nft-restore does not accept -w',
    'IPv4: net.bridge.bridge-nf-call-iptables is 0',
    'IPv6: net.bridge.bridge-nf-call-ip6tables is 0',
  ]);
});

test('plan without a state: for a node with nothing of ours, every set created, nothing stale, no warning', () => {
  const plan = planOf(planApply(rs, undefined));
  assert.equal(plan.state, undefined);
  assert.deepEqual(plan.sets.created, [...rs.v4.sets, ...rs.v6.sets].map((s) => s.name));
  assert.deepEqual(plan.sets.stale, []);
  assert.deepEqual(plan.warnings, []);
  assert.equal(saveText(restore(modelOf(EMPTY_TABLE), restoring(plan.v4).restore)), installedOver(EMPTY_TABLE, 4));
});
