/**
 * The texts sent to a node, without root: dash accepts their syntax, shellcheck (-s sh) finds
 * nothing in them, a program cut short in transit runs no command at all (everything before the
 * last two lines only defines), and the sh readings of "ours" agree with names.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSnapshot } from '../../src/engine/index.js';
import { buildRuleSet, parseNodeState, planApply, planCleanup, renderProgram, renderStateScript, renderStatusScript, shQuote, type NodePlan, type RuleSet } from '../../src/node/index.js';
import { NAME_CASES } from './name-cases.js';
import { SAMPLE, SAMPLE_V4_ONLY, SAMPLE_V6_ONLY } from './sample.js';
import { BUSY_V4, stateText } from './states.js';

function planned(p: ReturnType<typeof planApply>): NodePlan {
  assert.ok(p.ok, p.ok ? '' : p.error);
  return p.plan;
}

const rs = buildRuleSet(compileSnapshot(SAMPLE), 'node-a');
const busy = parseNodeState(stateText({ v4: BUSY_V4, sets: ['set KNP-4P-0123456789abcdef 2'] }));

const scripts = [
  { name: 'state script', text: renderStateScript() },
  { name: 'status script', text: renderStatusScript() },
  { name: 'program for a node with nothing of ours', text: renderProgram(planned(planApply(rs, undefined))) },
  { name: 'program over a busy node', text: renderProgram(planned(planApply(rs, busy))) },
  { name: 'cleanup program over a busy node', text: renderProgram(planned(planCleanup('node-a', busy))) },
];

const SHELLCHECK = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0 ? false : 'needs shellcheck (apt-get install shellcheck; .ci/run installs it)';

for (const s of scripts) {
  test(`${s.name}: dash accepts the syntax`, () => {
    const r = spawnSync('sh', ['-n'], { input: s.text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test(`${s.name}: shellcheck -s sh finds nothing`, { skip: SHELLCHECK }, () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: s.text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test(`${s.name}: ends with the call and an exit, so sh reads no further`, () => {
    const lines = s.text.trimEnd().split('\n');
    assert.deepEqual(lines.slice(-2), ['knp_main', 'exit $?']);
    assert.ok(lines[0]?.startsWith('#!/bin/sh'));
  });

  test(`${s.name}: cut short anywhere, it runs no command`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'knp-shim-'));
    try {
      const log = join(dir, 'calls');
      for (const tool of ['iptables-nft-save', 'iptables-legacy-save', 'iptables-save', 'iptables-nft-restore', 'iptables-restore', 'ip6tables-nft-save', 'ip6tables-nft-restore', 'ipset', 'cat', 'grep', 'sleep']) {
        const p = join(dir, tool);
        writeFileSync(p, `#!/bin/sh\necho ${tool} "$@" >> ${shQuote(log)}\n`);
        chmodSync(p, 0o755);
      }
      const lines = s.text.split('\n');
      const end = lines.lastIndexOf('knp_main');
      for (const frac of [0.1, 0.3, 0.5, 0.7, 0.9, 0.999]) {
        const cut = lines.slice(0, Math.floor(end * frac)).join('\n');
        spawnSync('sh', ['-s'], { input: cut, encoding: 'utf8', env: { PATH: dir } });
      }
      spawnSync('sh', ['-s'], { input: lines.slice(0, end).join('\n'), encoding: 'utf8', env: { PATH: dir } });
      assert.equal(existsSync(log) ? readFileSync(log, 'utf8') : '', '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The script up to its last two lines: only definitions, so extra commands can follow. */
function definitionsOf(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(0, -2).join('\n');
}

test('knp_is_set and knp_declares_ours agree with names.ts', () => {
  const names = NAME_CASES.map((c) => c.name);
  const probe = [
    definitionsOf(renderProgram(planned(planApply(rs, undefined)))),
    `for n in ${names.map(shQuote).join(' ')}; do`,
    '  if knp_declares_ours "*filter$nl:$n - [0:0]$nl-A FORWARD -j ACCEPT"; then c=1; else c=0; fi',
    '  if knp_is_set "$n"; then t=1; else t=0; fi',
    '  echo "$n $c $t"',
    'done',
    // A name in a rule, not a declaration, or a longer name that starts like ours, is no chain of ours.
    `if knp_declares_ours "*filter$nl:KNP-FORWARDX - [0:0]$nl-A FORWARD -m comment --comment \\":KNP-FORWARD \\""; then echo wrong; fi`,
  ].join('\n');
  const r = spawnSync('sh', ['-s'], { input: probe, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), NAME_CASES.map((c) => `${c.name} ${c.chain ? 1 : 0} ${c.set ? 1 : 0}`));
});

const familyCases: { name: string; rs: RuleSet; idle: 4 | 6 }[] = [
  { name: 'IPv4 pods only', rs: buildRuleSet(compileSnapshot(SAMPLE_V4_ONLY), 'node-a'), idle: 6 },
  { name: 'IPv4 enforced nowhere', rs: buildRuleSet(compileSnapshot(SAMPLE_V6_ONLY), 'node-a'), idle: 4 },
];

for (const c of familyCases) {
  test(`program, ${c.name}: IPv${c.idle} is not restored, and the header says it has nothing to enforce`, () => {
    const text = renderProgram(planned(planApply(c.rs, undefined)));
    const other = c.idle === 4 ? 6 : 4;
    assert.match(text, new RegExp(`^knp_families='${other}'$`, 'm'));
    assert.doesNotMatch(text, new RegExp(`^knp_restore_${c.idle}\\(\\)`, 'm'));
    assert.match(text, new RegExp(`^knp_restore_${other}\\(\\) \\{$`, 'm'));
    assert.match(text, new RegExp(`^# IPv${c.idle}: nothing to enforce \\(no isolated IPv${c.idle} pod on this node\\): nothing installed`, 'm'));
    assert.doesNotMatch(text, new RegExp(`KNP-${c.idle}[PNTH]-`), `no IPv${c.idle} set`);
  });
}

test('program: a node name cannot leave its comment line', () => {
  const text = renderProgram(planned(planApply(buildRuleSet(compileSnapshot(SAMPLE), "we'ird\nrm -rf /"), undefined)));
  assert.match(text, /^# kubectl-netpol: NetworkPolicy rules for node we'ird\?rm -rf \/; generated, do not edit\.$/m);
  assert.doesNotMatch(text, /^rm -rf/m);
});

test('program: a cleanup program names no node, so that one text serves every node', () => {
  assert.equal(renderProgram(planned(planCleanup('node-a', undefined))), renderProgram(planned(planCleanup('node-b', undefined))));
});
