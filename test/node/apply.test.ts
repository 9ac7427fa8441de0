/**
 * node/apply with a runner that plays the node from a script of answers (the root tests run the
 * same orchestrator on real iptables): what it reads, what it runs and in which order, how often
 * it reads again when the node changed under it, when it stops, and how the program's report
 * lines become an ApplyReport, failure by failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot } from '../../src/engine/index.js';
import { applyRuleSet, buildRuleSet, cleanupNode, describeReport, renderStateScript, STALE_EXIT, type NodeRunner } from '../../src/node/index.js';
import { SAMPLE } from './sample.js';
import { stateText } from './states.js';

const rs = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');
type Answer = { exitCode: number; stdout: string; stderr?: string };

/** A node that answers the state script with `state` and each program with the next of `programs`. */
function node(state: Answer | string, programs: Answer[] = []): { run: NodeRunner; calls: string[] } {
  const calls: string[] = [];
  const run: NodeRunner = async (script) => {
    const isState = script === renderStateScript();
    calls.push(isState ? 'state' : 'program');
    const a = isState ? (typeof state === 'string' ? { exitCode: 0, stdout: state } : state) : programs.shift();
    if (a === undefined) throw new Error('no answer left');
    return { stderr: '', ...a };
  };
  return { run, calls };
}

const CHANGED: Answer = { exitCode: STALE_EXIT, stdout: 'knp-report step=check result=changed\n', stderr: 'knp: error: the node changed since its state was read: nothing was done\n' };
const DONE: Answer = { exitCode: 0, stdout: ['check result=ok', 'sets result=ok', 'family=4 step=test result=ok', 'family=6 step=test result=ok', 'family=4 step=commit result=ok', 'family=6 step=commit result=ok', 'result=done'].map((l) => `knp-report ${l.startsWith('family') || l.startsWith('result') ? '' : 'step='}${l}`).join('\n') };

test('apply: read, compute, run once; the report counts what changed', async () => {
  const n = node(stateText(), [DONE]);
  const r = await applyRuleSet(n.run, rs);
  assert.deepEqual(n.calls, ['state', 'program']);
  assert.equal(r.ok, true);
  assert.equal(r.outcome, 'applied');
  assert.equal(r.attempts, 1);
  assert.match(r.fingerprint ?? '', /^[0-9a-f]{16}$/);
  assert.deepEqual(describeReport(r), [
    'iptables backend: nft (detected)',
    'IPv4: chains +9 -0, rules +35 -0 (now 9 chains, 35 rules)',
    'IPv6: chains +5 -0, rules +25 -0 (now 5 chains, 25 rules)',
    'sets: +9 -0 (now 9 sets)',
    'done',
  ]);
});

test('apply: a node changed between read and apply is read again, and the new program runs', async () => {
  const n = node(stateText(), [CHANGED, DONE]);
  const r = await applyRuleSet(n.run, rs);
  assert.deepEqual(n.calls, ['state', 'program', 'state', 'program']);
  assert.equal(r.ok, true);
  assert.equal(r.attempts, 2);
});

test('apply: a node that keeps changing is given up after 3 reads, nothing changed', async () => {
  const n = node(stateText(), [CHANGED, CHANGED, CHANGED]);
  const r = await applyRuleSet(n.run, rs);
  assert.equal(n.calls.length, 6);
  assert.equal(r.ok, false);
  assert.equal(r.outcome, 'untouched');
  assert.equal(r.error, "the node's rules or sets changed between reading and applying, 3 times in a row; nothing was changed");
  const once = node(stateText(), [CHANGED]);
  assert.equal((await applyRuleSet(once.run, rs, { attempts: 1 })).attempts, 1);
});

test('apply: exit 75 without the check saying so is a failure, not a retry', async () => {
  const n = node(stateText(), [{ exitCode: STALE_EXIT, stdout: '' }]);
  const r = await applyRuleSet(n.run, rs);
  assert.deepEqual(n.calls, ['state', 'program']);
  assert.equal(r.outcome, 'unknown');
});

const failures: { name: string; state: Answer | string; error: RegExp; calls: string[] }[] = [
  { name: 'the state read fails', state: { exitCode: 2, stdout: '', stderr: "knp: error: KNP_IPTABLES_MODE must be legacy, nft or plain, not 'x'\n" }, error: /^reading the node's state failed \(exit 2\): knp: error: KNP_IPTABLES_MODE must be legacy, nft or plain, not 'x'$/, calls: ['state'] },
  { name: 'the state is not the state script\'s', state: 'IPv4: 3 chains added\n', error: /^the node's state could not be read: line 1: want "knp-state 1"/, calls: ['state'] },
  { name: 'the node cannot hold the rule set', state: stateText().replace('ipset yes', 'ipset no'), error: /^ipset not found$/, calls: ['state'] },
];

for (const c of failures) {
  test(`apply: ${c.name}: not ok, one line saying why, no program run`, async () => {
    const n = node(c.state);
    const r = await applyRuleSet(n.run, rs);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', c.error);
    assert.deepEqual(n.calls, c.calls);
  });
}

test('apply: nothing to do runs nothing but the read', async () => {
  const n = node(stateText().replace('ipset yes', 'ipset no'));
  const r = await cleanupNode(n.run, { node: 'node-a' });
  assert.deepEqual(n.calls, ['state']);
  assert.equal(r.outcome, 'unchanged');
  assert.deepEqual(describeReport(r), ['iptables backend: nft (detected)', 'IPv4: nothing of ours', 'IPv6: nothing of ours', 'ipset not found and no set needed: stale sets are left alone', 'done']);
});

test('apply: stopped between the read and the program, the program never starts', async () => {
  const stop = new AbortController();
  const n = node(stateText(), [DONE]);
  const run: NodeRunner = async (script) => {
    const r = await n.run(script);
    stop.abort();
    return r;
  };
  await assert.rejects(applyRuleSet(run, rs, { signal: stop.signal }), { name: 'AbortError' });
  assert.deepEqual(n.calls, ['state']);
});

const reports: { name: string; stdout: string[]; stderr: string; outcome: string; error: RegExp; rolledBack: number[] }[] = [
  { name: 'ipset restore fails', stdout: ['step=check result=ok', 'step=sets result=failed'], stderr: 'knp: error: ipset restore failed: bad\n', outcome: 'untouched', error: /^ipset restore failed, the previous rules are untouched: knp: error: ipset restore failed: bad$/, rolledBack: [] },
  { name: 'a dry run fails', stdout: ['step=check result=ok', 'step=sets result=ok', 'family=4 step=test result=ok', 'family=6 step=test result=failed'], stderr: 'knp: error: IPv6 test: x failed: line 3\n', outcome: 'untouched', error: /^IPv6 failed, the previous rules are untouched: knp: error: IPv6 test: x failed: line 3$/, rolledBack: [] },
  {
    name: 'IPv6 fails after IPv4, put back',
    stdout: ['step=check result=ok', 'family=4 step=test result=ok', 'family=6 step=test result=ok', 'family=4 step=commit result=ok', 'family=6 step=commit result=failed', 'family=4 step=rollback result=ok'],
    stderr: 'knp: error: IPv6 commit: y failed: no\n',
    outcome: 'rolled-back',
    error: /^IPv6 failed: IPv4 was put back to its previous rule set; nothing changed: knp: error: IPv6 commit: y failed: no$/,
    rolledBack: [4],
  },
  {
    name: 'and the putting back fails too',
    stdout: ['step=check result=ok', 'family=4 step=commit result=ok', 'family=6 step=commit result=failed', 'family=4 step=rollback result=failed'],
    stderr: 'knp: error: IPv6 commit: y failed: no\nknp: error: IPv4 rollback: z failed: also\n',
    outcome: 'mixed',
    error: /^IPv6 failed: IPv4 could not be put back and has the new rule set whole; IPv6 kept its previous one: knp: error: IPv6 commit: y failed: no \| knp: error: IPv4 rollback: z failed: also$/,
    rolledBack: [],
  },
  { name: 'the program dies half way', stdout: ['step=check result=ok', 'family=4 step=test result=ok'], stderr: 'Killed\n', outcome: 'unknown', error: /^the program ended \(exit 137\) without saying how far it got: Killed$/, rolledBack: [] },
];

for (const c of reports) {
  test(`apply report: ${c.name}`, async () => {
    const n = node(stateText(), [{ exitCode: c.outcome === 'unknown' ? 137 : 1, stdout: c.stdout.map((l) => `knp-report ${l}\n`).join(''), stderr: c.stderr }]);
    const r = await applyRuleSet(n.run, rs);
    assert.equal(r.ok, false);
    assert.equal(r.outcome, c.outcome);
    assert.match(r.error ?? '', c.error);
    assert.deepEqual(r.rolledBack, c.rolledBack);
    assert.deepEqual(r.families.map((f) => f.action), c.outcome === 'mixed' ? ['changed', 'unchanged'] : ['unchanged', 'unchanged'], 'only what holds new rules reported as changed');
    assert.equal(r.sets.added, 0);
  });
}

test('apply report: a stale set that cannot be destroyed is a warning, and not counted as removed', async () => {
  const state = stateText({ sets: ['set KNP-4P-0123456789abcdef 1'] });
  const n = node(state, [{ ...DONE, stdout: `knp-report set=KNP-4P-0123456789abcdef step=destroy result=failed\n${DONE.stdout}`, stderr: 'knp: warning: could not destroy set KNP-4P-0123456789abcdef (a rule outside ours may still use it): in use\n' }]);
  const r = await applyRuleSet(n.run, rs);
  assert.equal(r.ok, true);
  assert.deepEqual(r.sets.notRemoved, ['KNP-4P-0123456789abcdef']);
  assert.equal(r.sets.removed, 0);
  assert.deepEqual(r.warnings, ['could not destroy set KNP-4P-0123456789abcdef (a rule outside ours may still use it): in use']);
});
