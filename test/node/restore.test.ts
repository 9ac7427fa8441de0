/**
 * Golden text for the representative snapshot of test/node/sample.ts on node-a: the
 * iptables-restore input of each family and the ipset input of the rule set, and the texts
 * actually sent to a node: the state script, the program for a node with nothing of ours, the
 * program over a busy node's state (test/node/states.ts) and the cleanup program over it.
 * Regenerate after an intended change with KNP_UPDATE_GOLDEN=1 and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { compileSnapshot } from '../../src/engine/index.js';
import { buildRuleSet, parseNodeState, planApply, planCleanup, renderIpsetRestore, renderIptablesRestore, renderProgram, renderStateScript, type PlanResult } from '../../src/node/index.js';
import { SAMPLE } from './sample.js';
import { BUSY_V4, stateText } from './states.js';

const GOLDEN = new URL('../../../test/node/golden/', import.meta.url);
const rs = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');
const busy = parseNodeState(stateText({ v4: BUSY_V4, sets: ['set KNP-4P-0123456789abcdef 2', 'set KNP-4P-9c1b08742fb22387 1'] }));

function program(p: PlanResult): string {
  assert.ok(p.ok, p.ok ? '' : p.error);
  return renderProgram(p.plan);
}

const cases = [
  { name: 'node-a.v4.rules', text: () => renderIptablesRestore(rs.v4) },
  { name: 'node-a.v6.rules', text: () => renderIptablesRestore(rs.v6) },
  { name: 'node-a.ipset', text: () => renderIpsetRestore([...rs.v4.sets, ...rs.v6.sets]) },
  { name: 'read-state.sh', text: () => renderStateScript() },
  { name: 'node-a.apply.sh', text: () => program(planApply(rs, undefined)) },
  { name: 'node-a.over-busy.sh', text: () => program(planApply(rs, busy)) },
  { name: 'cleanup.over-busy.sh', text: () => program(planCleanup('node-a', busy)) },
];

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const file = new URL(c.name, GOLDEN);
    const got = c.text();
    if (process.env['KNP_UPDATE_GOLDEN'] === '1') writeFileSync(file, got);
    assert.equal(got, readFileSync(file, 'utf8'));
  });
}

test('rendering twice gives the same text', () => {
  const again = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');
  assert.equal(program(planApply(again, busy)), program(planApply(rs, busy)));
});
