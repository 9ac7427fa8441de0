/**
 * The scripts as sh text, without root: dash accepts their syntax, and a script cut short in
 * transit runs no command at all (everything before the last two lines only defines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSnapshot } from '../../src/engine/index.js';
import { buildRuleSet, renderApplyScript, renderCleanupScript, shQuote } from '../../src/node/index.js';
import { NAME_CASES } from './name-cases.js';
import { SAMPLE, SAMPLE_V4_ONLY, SAMPLE_V6_ONLY } from './sample.js';

const apply = renderApplyScript(buildRuleSet(compileSnapshot(SAMPLE), 'node-a'));
const cleanup = renderCleanupScript();

const scripts = [
  { name: 'apply', text: apply },
  { name: 'cleanup', text: cleanup },
];

for (const s of scripts) {
  test(`${s.name} script: dash accepts the syntax`, () => {
    const r = spawnSync('sh', ['-n'], { input: s.text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test(`${s.name} script: ends with the call and an exit, so sh reads no further`, () => {
    const lines = s.text.trimEnd().split('\n');
    assert.deepEqual(lines.slice(-2), ['knp_main', 'exit $?']);
    assert.ok(lines[0]?.startsWith('#!/bin/sh'));
  });

  test(`${s.name} script: cut short anywhere, it runs no command`, () => {
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

const familyCases = [
  { name: 'IPv4 pods only', s: SAMPLE_V4_ONLY, idle: 6 },
  { name: 'IPv4 enforced nowhere', s: SAMPLE_V6_ONLY, idle: 4 },
];

for (const c of familyCases) {
  test(`apply script, ${c.name}: IPv${c.idle} wants no chain, and the header says it has nothing to enforce`, () => {
    const text = renderApplyScript(buildRuleSet(compileSnapshot(c.s), 'node-a'));
    const other = c.idle === 4 ? 6 : 4;
    assert.match(text, new RegExp(`^knp_want_chains_${c.idle}=''$`, 'm'));
    assert.match(text, new RegExp(`^knp_rule_count_${c.idle}=0$`, 'm'));
    assert.match(text, new RegExp(`^knp_enforcing_${c.idle}=0$`, 'm'));
    assert.match(text, new RegExp(`^knp_want_chains_${other}='KNP-FORWARD KNP-POD-`, 'm'));
    assert.match(text, new RegExp(`^# IPv${c.idle}: nothing to enforce \\(no isolated IPv${c.idle} pod on this node\\): nothing installed`, 'm'));
    assert.doesNotMatch(text, new RegExp(`KNP-${c.idle}[PNT]-`), `no IPv${c.idle} set`);
  });
}

test('apply script: the node name is quoted for sh', () => {
  const rs = buildRuleSet(compileSnapshot(SAMPLE), "we'ird");
  assert.match(renderApplyScript(rs), /^knp_node='we'\\''ird'$/m);
});

/** The script up to its last two lines: only definitions, so extra commands can follow. */
function definitionsOf(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(0, -2).join('\n');
}

for (const s of scripts) {
  test(`${s.name} script: knp_is_chain, knp_is_set and knp_grep_rules agree with names.ts`, () => {
    const names = NAME_CASES.map((c) => c.name);
    const probe = [
      definitionsOf(s.text),
      `for n in ${names.map(shQuote).join(' ')}; do`,
      '  if knp_is_chain "$n"; then c=1; else c=0; fi',
      '  if knp_is_set "$n"; then t=1; else t=0; fi',
      '  echo "$n $c $t"',
      'done',
      `printf '%s\\n' ${names.map((n) => shQuote(`-A ${n} -j RETURN`)).join(' ')} | knp_grep_rules | while read -r a n rest; do echo "rule $n"; done`,
    ].join('\n');
    const r = spawnSync('sh', ['-s'], { input: probe, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = [
      ...NAME_CASES.map((c) => `${c.name} ${c.chain ? 1 : 0} ${c.set ? 1 : 0}`),
      ...NAME_CASES.filter((c) => c.chain).map((c) => `rule ${c.name}`),
    ];
    assert.deepEqual(r.stdout.trimEnd().split('\n'), want);
  });
}
