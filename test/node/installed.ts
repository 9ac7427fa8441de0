/**
 * @module test/node/installed
 * A node's state text as the state script would print it once a rule set is installed over empty
 * tables: the plan's restore input played by restore-model, and every set of the rule set full.
 * `change` edits the IPv4 table or the set lines, for nodes that drifted afterwards.
 */
import assert from 'node:assert/strict';
import { parseNodeState, planApply, type FamilyPlan, type RuleSet } from '../../src/node/index.js';
import { modelOf, restore, saveText } from './restore-model.js';
import { EMPTY_TABLE, stateText } from './states.js';

function restoreLines(f: FamilyPlan): readonly string[] {
  return f.kind === 'restore' ? f.restore : [];
}

export interface Drift {
  readonly v4?: (table: string) => string;
  readonly sets?: (lines: string[]) => string[];
}

export function installedState(rs: RuleSet, change: Drift = {}): string {
  const planned = planApply(rs, parseNodeState(stateText()));
  assert.ok(planned.ok, planned.ok ? '' : planned.error);
  const p = planned.plan;
  const v4 = saveText(restore(modelOf(EMPTY_TABLE), restoreLines(p.v4)));
  const v6 = saveText(restore(modelOf(EMPTY_TABLE), restoreLines(p.v6)));
  const sets = [...rs.v4.sets, ...rs.v6.sets].map((s) => `set ${s.name} ${s.entries.length}`);
  return stateText({ v4: change.v4 ? change.v4(v4) : v4, v6, sets: change.sets ? change.sets(sets) : sets });
}
