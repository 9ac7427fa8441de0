/**
 * Golden text for the representative snapshot of test/node/sample.ts on node-a: the
 * iptables-restore input of each family, the ipset input and the whole apply script. Regenerate
 * after an intended change with KNP_UPDATE_GOLDEN=1 and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { compileSnapshot } from '../../src/engine/index.js';
import { buildRuleSet, renderApplyScript, renderCleanupScript, renderIpsetRestore, renderIptablesRestore } from '../../src/node/index.js';
import { SAMPLE } from './sample.js';

const GOLDEN = new URL('../../../test/node/golden/', import.meta.url);
const rs = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');

const cases = [
  { name: 'node-a.v4.rules', text: () => renderIptablesRestore(rs.v4) },
  { name: 'node-a.v6.rules', text: () => renderIptablesRestore(rs.v6) },
  { name: 'node-a.ipset', text: () => renderIpsetRestore([...rs.v4.sets, ...rs.v6.sets]) },
  { name: 'node-a.apply.sh', text: () => renderApplyScript(rs) },
  { name: 'cleanup.sh', text: () => renderCleanupScript() },
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
  assert.equal(renderApplyScript(again), renderApplyScript(rs));
});
