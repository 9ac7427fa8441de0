/**
 * node/apply against the real iptables and ipset, inside a throwaway network namespace, for both
 * backends, through a local runner (`sh -s` in the namespace, as a node agent runs it): the kernel
 * accepts every rule, a second run changes nothing (and runs nothing but the state read), a
 * changed rule set replaces the old one and removes what went stale, a table changed between the
 * read and the apply is refused by the program and read again, a foreign chain, rule and set
 * survive (also ones that look like ours: a KNP-ADMIN chain, a KNP-blocklist set, comments naming
 * our chains), cleanup restores the exact prior state, and a failing ipset or iptables-restore
 * leaves the previous rules whole (an IPv6 commit failing after IPv4's puts IPv4 back exactly;
 * where that cannot be done, the report says which family has which rule set). Needs root (skips
 * visibly otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/model/index.js';
import { applyRuleSet, parseNodeState, planApply, renderChainRules, renderProgram, renderStateScript, shQuote, STALE_EXIT, type FamilyRules } from '../../src/node/index.js';
import { ipBlock, policy, port, rule, sel } from '../support/build.js';
import { apply, cleanup, commitFails, has, Netns, ours, ourSets, ruleSetOf, runScript, shim, skip, state, type Mode } from './netns.js';
import { SAMPLE, SAMPLE_V4_ONLY, SAMPLE_V6_ONLY } from './sample.js';

/** SAMPLE with one policy gone and another's peers and ports changed: chains and sets go stale. */
const CHANGED: Snapshot = {
  ...SAMPLE,
  policies: SAMPLE.policies
    .filter((p) => p.name !== 'deny-all')
    .map((p) => (p.name === 'test-network-policy' ? { ...p, egress: [rule([ipBlock('10.9.0.0/16', ['10.9.1.0/24'])], [port(53, 'UDP')])] } : p)),
};

const THIRD: Snapshot = {
  ...SAMPLE,
  policies: [...SAMPLE.policies, policy('default', 'extra', sel(), { types: ['Egress'], egress: [rule([ipBlock('10.7.0.0/16')], [port(443)])] })],
};

/** Foreign things that look like ours: a KNP- chain, set and comments naming our chains. */
function lookalikeSetup(ipt: string): string {
  return [
    `${ipt} -N KNP-ADMIN`,
    `${ipt} -A KNP-ADMIN -j RETURN`,
    `${ipt} -A OUTPUT -j KNP-ADMIN`,
    `${ipt} -A FORWARD -m comment --comment "see -j KNP-FORWARD"`,
    `${ipt} -A INPUT -p tcp --dport 23 -m comment --comment "-j KNP-INPUT" -j DROP`,
  ].join(' && ');
}

function lookalikes(ns: Netns, mode: Mode): string {
  const lines = (f: 4 | 6) =>
    ns
      .sh(`${f === 4 ? 'iptables' : 'ip6tables'}-${mode}-save -t filter`)
      .split('\n')
      .filter((l) => /KNP-ADMIN|"see -j KNP-FORWARD"|"-j KNP-INPUT"/.test(l));
  return [...lines(4), ...lines(6), ns.sh('ipset save KNP-blocklist')].join('\n');
}

/**
 * What an earlier version added to a family on top of today's rules: KNP-INPUT, first in INPUT,
 * sending each local egress-isolated pod's traffic to its own node through the pod's egress chain.
 */
function earlierInputLayout(ipt: string, f: FamilyRules): string {
  const jumps = renderChainRules(f).filter((l) => l.startsWith('-A KNP-FORWARD ') && / -j KNP-POD-E-/.test(l) && l.includes(' ! --physdev-is-bridged'));
  assert.ok(jumps.length > 0, 'the rule set has egress-isolated pods');
  return [
    `${ipt} -N KNP-INPUT`,
    `${ipt} -A KNP-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
    ...jumps.map((l) => `${ipt} ${l.replace('-A KNP-FORWARD ', '-A KNP-INPUT ').replace(' -m physdev ! --physdev-is-bridged', '')}`),
    `${ipt} -I INPUT 1 -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT`,
  ].join(' && ');
}

for (const mode of ['nft', 'legacy'] as const) {
  test(`apply and cleanup scripts on real iptables (${mode}) and ipset`, { skip }, async (t) => {
    const ns = new Netns();
    const shims = mkdtempSync(join(tmpdir(), 'knp-shims-'));
    try {
      const ipt = (f: 4 | 6) => `${f === 4 ? 'iptables' : 'ip6tables'}-${mode}`;
      // Foreign state that must survive everything.
      for (const f of [4, 6] as const) {
        ns.sh(`${ipt(f)} -N FOREIGN && ${ipt(f)} -A FOREIGN -j ACCEPT && ${ipt(f)} -A FORWARD -p tcp --dport 22 -j FOREIGN`);
      }
      // The other backend has tables too: iptables-nft-save then warns on stderr about the legacy
      // ones, and that warning must not end up in what the script parses.
      const other = mode === 'nft' ? 'legacy' : 'nft';
      for (const f of [4, 6] as const) ns.sh(`${f === 4 ? 'iptables' : 'ip6tables'}-${other} -N OTHER-BACKEND`);
      ns.sh('ipset create FOREIGN-SET hash:ip && ipset add FOREIGN-SET 192.0.2.1');
      for (const f of [4, 6] as const) ns.sh(lookalikeSetup(ipt(f)));
      ns.sh('ipset create KNP-blocklist hash:ip && ipset add KNP-blocklist 192.0.2.3');
      const foreignLookalikes = lookalikes(ns, mode);
      assert.equal(foreignLookalikes.split('\n').filter((l) => l.startsWith('-A ')).length, 8, foreignLookalikes);
      const before = state(ns, mode);
      const rs1 = ruleSetOf(SAMPLE);

      await t.test('first apply installs exactly the rendered rules; the program reads nothing past its end', () => {
        const read = runScript(ns, mode, renderStateScript());
        assert.equal(read.status, 0, read.stderr);
        const planned = planApply(rs1, parseNodeState(read.stdout));
        assert.ok(planned.ok);
        const r = runScript(ns, mode, `${renderProgram(planned.plan)}#NETPOL-EOF-42\necho AFTER-SENTINEL\n`);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.doesNotMatch(r.stdout, /AFTER-SENTINEL/);
        assert.match(r.stdout, /^knp-report result=done$/m);
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs1.v4));
        assert.deepEqual(ours(ns, mode, 6), renderChainRules(rs1.v6));
        assert.deepEqual(ourSets(ns), [...rs1.v4.sets, ...rs1.v6.sets].map((s) => s.name).sort());
        for (const f of [4, 6] as const) {
          const fwd = ns.sh(`${ipt(f)}-save -t filter`).split('\n').filter((l) => l.startsWith('-A FORWARD '));
          assert.match(fwd[0] ?? '', /-j KNP-FORWARD$/, 'our jump is first in FORWARD');
          assert.equal(fwd.filter((l) => l.endsWith('-j KNP-FORWARD')).length, 1);
          assert.ok(fwd.some((l) => l.endsWith('-j FOREIGN')));
        }
        assert.equal(lookalikes(ns, mode), foreignLookalikes, 'foreign KNP- look-alikes untouched');
      });

      const installed = state(ns, mode);
      await t.test('a second apply changes nothing, says so, and runs nothing but the state read', async () => {
        const scripts: string[] = [];
        const r = await apply(ns, mode, rs1, { before: (script) => scripts.push(script) });
        assert.equal(r.report.outcome, 'unchanged', r.text);
        assert.match(r.text, /IPv4: unchanged \(9 chains, 35 rules\)/);
        assert.match(r.text, /IPv6: unchanged/);
        assert.deepEqual(scripts, [renderStateScript()]);
        assert.equal(state(ns, mode), installed);
      });

      await t.test('a duplicated hook and a stray jump into our chains are repaired', async () => {
        ns.sh(`${ipt(4)} -A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD && ${ipt(4)} -A OUTPUT -j KNP-FORWARD`);
        ns.sh(`${ipt(6)} -A FORWARD -s 2001:db8::5 -j KNP-FORWARD`);
        const r = await apply(ns, mode, rs1);
        assert.equal(r.report.outcome, 'applied', r.text);
        assert.match(r.text, /IPv4: chains \+0 -0, rules \+0 -2 /, 'both extra jumps counted');
        assert.match(r.text, /IPv6: chains \+0 -0, rules \+0 -1 /);
        assert.equal(state(ns, mode), installed);
      });

      await t.test('rules inserted above our jump: a re-apply puts ours first again, theirs right after; INPUT is not ours', async () => {
        const foreign = (f: 4 | 6) => `-s ${f === 4 ? '10.244.0.0/16' : 'fd00:244::/32'} -j ACCEPT`;
        for (const f of [4, 6] as const) {
          ns.sh(`${ipt(f)} -I FORWARD 1 ${foreign(f)} && ${ipt(f)} -I INPUT 1 ${foreign(f)}`);
        }
        const r = await apply(ns, mode, rs1);
        assert.ok(r.report.ok, r.text);
        assert.match(r.text, /^IPv4: chains \+0 -0, rules \+0 -0 .*; jump moved back to the top of FORWARD$/m);
        for (const f of [4, 6] as const) {
          const save = ns.sh(`${ipt(f)}-save -t filter`).split('\n');
          const fwd = save.filter((l) => l.startsWith('-A FORWARD '));
          assert.match(fwd[0] ?? '', /-j KNP-FORWARD$/, `IPv${f} FORWARD: ours first`);
          assert.equal(fwd[1], `-A FORWARD ${foreign(f)}`, `IPv${f} FORWARD: the foreign rule kept, right after ours`);
          const input = save.filter((l) => l.startsWith('-A INPUT '));
          assert.equal(input[0], `-A INPUT ${foreign(f)}`, `IPv${f} INPUT: the foreign rule stays first`);
          assert.ok(input.every((l) => !/ -j KNP-\S+$/.test(l)), `IPv${f} INPUT: no jump of ours`);
          ns.sh(`${ipt(f)} -D FORWARD ${foreign(f)} && ${ipt(f)} -D INPUT ${foreign(f)}`);
        }
        assert.equal(state(ns, mode), installed);
      });

      await t.test('the INPUT hook and KNP-INPUT chain an earlier version installed: the apply removes them', async () => {
        for (const f of [4, 6] as const) ns.sh(earlierInputLayout(ipt(f), f === 4 ? rs1.v4 : rs1.v6));
        assert.notEqual(state(ns, mode), installed, 'the earlier layout is in place');
        const r = await apply(ns, mode, rs1);
        assert.ok(r.report.ok, r.text);
        assert.match(r.text, /IPv4: chains \+0 -1, rules \+0 -[1-9]\d* /);
        assert.equal(state(ns, mode), installed);
      });

      const rs2 = ruleSetOf(CHANGED);
      await t.test('a rule inserted between the read and the apply: the program refuses, the state is read again, the apply goes through', async () => {
        const stray = `${ipt(4)} -I FORWARD 1 -s 192.0.2.99 -j ACCEPT`;
        let programs = 0;
        const r = await apply(ns, mode, rs2, {
          before: (script) => {
            if (script === renderStateScript()) return;
            programs++;
            // Another program writes the table after our read, before the first program runs.
            if (programs === 1) ns.sh(stray);
          },
        });
        assert.ok(r.report.ok, r.text);
        assert.equal(r.report.attempts, 2);
        assert.equal(programs, 2, 'the first program was refused, the second computed from the new state');
        const fwd = ns.sh(`${ipt(4)}-save -t filter`).split('\n').filter((l) => l.startsWith('-A FORWARD '));
        assert.match(fwd[0] ?? '', /-j KNP-FORWARD$/);
        assert.equal(fwd[1], '-A FORWARD -s 192.0.2.99/32 -j ACCEPT', 'the foreign rule, inserted meanwhile, stays');
        ns.sh(`${ipt(4)} -D FORWARD -s 192.0.2.99 -j ACCEPT`);
      });

      await t.test('a changed rule set replaces the old one; stale chains and sets are gone', async () => {
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs2.v4));
        assert.deepEqual(ours(ns, mode, 6), renderChainRules(rs2.v6));
        assert.deepEqual(ourSets(ns), [...rs2.v4.sets, ...rs2.v6.sets].map((s) => s.name).sort());
        assert.match(ns.sh('ipset list FOREIGN-SET'), /192\.0\.2\.1/);
        assert.equal(lookalikes(ns, mode), foreignLookalikes, 'foreign KNP- look-alikes untouched');
        // A fresh install of rs2 over rs1 tells what went: 4 IPv4 chains of deny-all and the old peers.
        const again = await apply(ns, mode, rs1);
        assert.ok(again.report.ok, again.text);
        const r = await apply(ns, mode, rs2);
        assert.match(r.text, /IPv4: chains \+0 -4, /);
        assert.ok(r.report.sets.removed > 0, 'stale sets destroyed');
      });

      await t.test('a program run on a node in another state than it was computed from changes nothing and exits 75', () => {
        const read = runScript(ns, mode, renderStateScript());
        const planned = planApply(ruleSetOf(THIRD), parseNodeState(read.stdout));
        assert.ok(planned.ok);
        ns.sh(`${ipt(6)} -A INPUT -p tcp --dport 7 -j DROP`);
        const now = state(ns, mode);
        const r = runScript(ns, mode, renderProgram(planned.plan));
        const after = state(ns, mode);
        ns.sh(`${ipt(6)} -D INPUT -p tcp --dport 7 -j DROP`);
        assert.equal(r.status, STALE_EXIT, r.stderr);
        assert.match(r.stdout, /^knp-report step=check result=changed$/m);
        assert.match(r.stderr, /the node changed since its state was read: nothing was done/);
        assert.equal(after, now);
        const empty = planApply(ruleSetOf(THIRD), undefined);
        assert.ok(empty.ok);
        const refused = runScript(ns, mode, renderProgram(empty.plan));
        assert.equal(refused.status, STALE_EXIT, 'a program computed for a node without anything of ours');
        assert.match(refused.stderr, /this node holds chains or sets of kubectl-netpol, and this program was computed for a node without any/);
      });

      const rs3 = ruleSetOf(THIRD);
      const previous = state(ns, mode);
      await t.test('ipset restore failing half way: not ok, its message, previous rules and sets whole', async () => {
        shim(shims, 'ipset', `if [ "$1" = restore ]; then head -n 2 | /usr/sbin/ipset restore -exist; echo "ipset: simulated failure" >&2; exit 1; fi\nexec /usr/sbin/ipset "$@"`);
        const r = await apply(ns, mode, rs3, { path: shims });
        rmSync(join(shims, 'ipset'));
        assert.equal(r.report.ok, false);
        assert.equal(r.report.outcome, 'untouched');
        assert.match(r.report.error ?? '', /^ipset restore failed, the previous rules are untouched: .*simulated failure/);
        assert.equal(state(ns, mode), previous);
      });

      await t.test('iptables-restore failing: not ok, its message, previous rules and sets whole', async () => {
        shim(shims, `iptables-${mode}-restore`, 'cat >/dev/null; echo "iptables-restore: simulated failure" >&2; exit 1');
        const r = await apply(ns, mode, rs3, { path: shims });
        rmSync(join(shims, `iptables-${mode}-restore`));
        assert.equal(r.report.outcome, 'untouched');
        assert.match(r.report.error ?? '', /^IPv4 failed, the previous rules are untouched: .*simulated failure/);
        assert.equal(state(ns, mode), previous);
      });

      await t.test('ip6tables-restore failing on commit only, over a previous rule set: IPv4 is put back, nothing changed', async () => {
        shim(shims, `ip6tables-${mode}-restore`, commitFails(`/usr/sbin/ip6tables-${mode}-restore`, 'ip6tables-restore: simulated failure'));
        const r = await apply(ns, mode, rs3, { path: shims });
        rmSync(join(shims, `ip6tables-${mode}-restore`));
        assert.equal(r.report.outcome, 'rolled-back');
        assert.deepEqual(r.report.rolledBack, [4]);
        assert.match(r.report.error ?? '', /^IPv6 failed: IPv4 was put back to its previous rule set; nothing changed: .*simulated failure/);
        assert.equal(state(ns, mode), previous);
        // A later run installs the new rule set.
        const again = await apply(ns, mode, rs3);
        assert.ok(again.report.ok, again.text);
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs3.v4));
        assert.deepEqual(ours(ns, mode, 6), renderChainRules(rs3.v6));
        assert.deepEqual(ourSets(ns), [...rs3.v4.sets, ...rs3.v6.sets].map((s) => s.name).sort());
      });

      await t.test('iptables-save failing: not ok with its message (stderr is kept apart, not lost)', async () => {
        const now = state(ns, mode);
        shim(shims, `iptables-${mode}-save`, 'echo "-A KNP-half-a-line"; echo "iptables-save: simulated failure" >&2; exit 1');
        const r = await apply(ns, mode, rs3, { path: shims });
        rmSync(join(shims, `iptables-${mode}-save`));
        assert.equal(r.report.ok, false);
        assert.match(r.report.error ?? '', new RegExp(`^iptables-${mode}-save -t filter failed: iptables-save: simulated failure$`));
        assert.equal(state(ns, mode), now);
      });

      await t.test("cleanup restores the exact prior state, an earlier version's INPUT hook and chain gone too; twice is fine", async () => {
        for (const f of [4, 6] as const) ns.sh(earlierInputLayout(ipt(f), f === 4 ? rs3.v4 : rs3.v6));
        const r1 = await cleanup(ns, mode);
        assert.ok(r1.report.ok, r1.text);
        assert.match(r1.text, /IPv4: removed \d+ chains, /);
        const r2 = await cleanup(ns, mode);
        assert.equal(r2.report.outcome, 'unchanged', r2.text);
        assert.match(r2.text, /IPv4: nothing of ours/);
        assert.equal(lookalikes(ns, mode), foreignLookalikes, 'foreign KNP- look-alikes untouched');
        assert.equal(state(ns, mode), before);
      });
    } finally {
      ns.delete();
      rmSync(shims, { recursive: true, force: true });
    }
  });
}

interface LateFailureCase {
  name: string;
  /** Rule set installed before the failing run; none: a first install. */
  prior?: Snapshot;
  /** The rule set of the failing run; THIRD unless given. */
  next?: Snapshot;
  /** Run with a PATH that has the tools the programs need but grep (which they do not need). */
  noGrep?: boolean;
  /** The IPv4 rollback (the second IPv4 commit) fails too. */
  rollbackFails?: boolean;
  /** Commands run after the prior install, before the failing run. */
  tamper?: (mode: Mode) => string;
  says: RegExp;
  /** What the node holds afterwards: exactly the state before the run, or IPv4 new and IPv6 previous. */
  leaves: 'previous' | 'mixed';
}

const PUT_BACK = /^IPv6 failed: IPv4 was put back to its previous rule set; nothing changed: .*ip6tables-restore: simulated failure/;
const MIXED = /^IPv6 failed: IPv4 could not be put back and has the new rule set whole; IPv6 kept its previous one: .*IPv4 rollback: iptables-\w+-restore -w 10 --noflush failed: iptables-restore: simulated rollback failure/;
const lateFailureCases: LateFailureCase[] = [
  { name: 'first install', says: PUT_BACK, leaves: 'previous' },
  { name: 'over a previous rule set', prior: CHANGED, says: PUT_BACK, leaves: 'previous' },
  {
    name: 'over a previous rule set whose jump a foreign rule pushed down: put back exactly, the jump where it was',
    prior: CHANGED,
    tamper: (mode) => `iptables-${mode} -I FORWARD 1 -s 10.244.0.0/16 -j ACCEPT`,
    says: PUT_BACK,
    leaves: 'previous',
  },
  {
    name: 'over a previous rule set with a stray jump and a duplicated hook: put back exactly',
    prior: CHANGED,
    tamper: (mode) =>
      `iptables-${mode} -A OUTPUT -j KNP-FORWARD && iptables-${mode} -A FORWARD -p udp -j ACCEPT && ` +
      `iptables-${mode} -A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD`,
    says: PUT_BACK,
    leaves: 'previous',
  },
  { name: 'first install without grep', noGrep: true, says: PUT_BACK, leaves: 'previous' },
  { name: 'over a previous rule set without grep', prior: CHANGED, noGrep: true, says: PUT_BACK, leaves: 'previous' },
  // The failing IPv6 commit removes our IPv6 rules (nothing to enforce there any more).
  { name: 'while IPv6 goes away', prior: CHANGED, next: SAMPLE_V4_ONLY, says: PUT_BACK, leaves: 'previous' },
  // IPv4's swap removed our IPv4 chains and jumps: putting it back makes them anew.
  { name: 'after IPv4 went away', prior: CHANGED, next: SAMPLE_V6_ONLY, says: PUT_BACK, leaves: 'previous' },
  { name: 'the rollback failing too: its message, and the mixed state said', prior: CHANGED, rollbackFails: true, says: MIXED, leaves: 'mixed' },
];

/** A directory of links to the tools the programs need in `mode` (and ip, to enter the namespace), grep excepted. */
function toolsWithoutGrep(dir: string, mode: Mode): void {
  for (const tool of ['ip', 'sh', 'cat', 'sleep', 'ipset', `iptables-${mode}-save`, `iptables-${mode}-restore`, `ip6tables-${mode}-save`, `ip6tables-${mode}-restore`]) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(real.startsWith('/'), `${tool} not found`);
    symlinkSync(real, join(dir, tool));
  }
}

for (const mode of ['nft', 'legacy'] as const) {
  for (const c of lateFailureCases) {
    test(`ip6tables-restore failing on commit only (${mode}), ${c.name}`, { skip }, async () => {
      const ns = new Netns();
      const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
      try {
        const ipt = (f: 4 | 6) => `${f === 4 ? 'iptables' : 'ip6tables'}-${mode}`;
        for (const f of [4, 6] as const) ns.sh(`${ipt(f)} -A FORWARD -p tcp --dport 22 -j ACCEPT && ${ipt(f)} -A INPUT -p tcp --dport 22 -j ACCEPT`);
        ns.sh('ipset create FOREIGN-SET hash:ip && ipset add FOREIGN-SET 192.0.2.1');
        const prior = c.prior === undefined ? undefined : ruleSetOf(c.prior);
        if (prior !== undefined) {
          const r = await apply(ns, mode, prior);
          assert.ok(r.report.ok, r.text);
        }
        if (c.tamper) ns.sh(c.tamper(mode));
        const before = state(ns, mode);
        if (c.noGrep) toolsWithoutGrep(dir, mode);
        rmSync(join(dir, `ip6tables-${mode}-restore`), { force: true });
        shim(dir, `ip6tables-${mode}-restore`, commitFails(`/usr/sbin/ip6tables-${mode}-restore`, 'ip6tables-restore: simulated failure'));
        if (c.rollbackFails) {
          // The first commit goes through, the next one (the rollback) fails.
          const mark = join(dir, 'committed');
          shim(
            dir,
            `iptables-${mode}-restore`,
            `for a; do case $a in --test | --help) exec /usr/sbin/iptables-${mode}-restore "$@" ;; esac; done\n` +
              `if [ -e ${shQuote(mark)} ]; then /bin/cat >/dev/null; echo "iptables-restore: simulated rollback failure" >&2; exit 1; fi\n` +
              `: > ${shQuote(mark)}; exec /usr/sbin/iptables-${mode}-restore "$@"`,
          );
        }
        const rs = ruleSetOf(c.next ?? THIRD);
        const r = await apply(ns, mode, rs, c.noGrep ? { env: { PATH: dir } } : { path: dir });
        assert.equal(r.report.ok, false, r.text);
        assert.match(r.report.error ?? '', c.says);
        switch (c.leaves) {
          case 'previous':
            assert.equal(r.report.outcome, 'rolled-back');
            assert.equal(state(ns, mode), before);
            break;
          case 'mixed': {
            assert.equal(r.report.outcome, 'mixed');
            assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs.v4));
            assert.deepEqual(ours(ns, mode, 6), prior === undefined ? [] : renderChainRules(prior.v6));
            // Sets the new IPv4 rules use stay; the others this run made are gone.
            const wanted = new Set([...rs.v4.sets.map((s) => s.name), ...(prior === undefined ? [] : [...prior.v4.sets, ...prior.v6.sets].map((s) => s.name))]);
            assert.deepEqual(ourSets(ns), [...wanted].sort());
            break;
          }
          default: {
            const never: never = c.leaves;
            throw new Error(`unknown outcome ${String(never)}`);
          }
        }
      } finally {
        ns.delete();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

interface DetectCase {
  name: string;
  /** Commands run in a fresh namespace before the scripts. */
  setup: string;
  want: Mode;
}

const LEGACY_RULES = 'iptables-legacy -N HOSTCHAIN && iptables-legacy -A HOSTCHAIN -j RETURN && iptables-legacy -A HOSTCHAIN -j RETURN';
const detectCases: DetectCase[] = [
  { name: 'no legacy table at all', setup: 'iptables-nft -A FORWARD -j ACCEPT', want: 'nft' },
  { name: 'legacy has more rules', setup: LEGACY_RULES, want: 'legacy' },
  { name: 'kubelet marker in nft beats more legacy rules', setup: `${LEGACY_RULES} && iptables-nft -t mangle -N KUBE-IPTABLES-HINT`, want: 'nft' },
  {
    name: 'kubelet marker in a legacy mangle table beats more nft rules',
    setup: 'ip6tables-legacy -t mangle -N KUBE-KUBELET-CANARY && iptables-nft -A FORWARD -j ACCEPT && iptables-nft -A FORWARD -j ACCEPT',
    want: 'legacy',
  },
];

/** The legacy tables the kernel has, both families. */
function legacyTables(ns: Netns): string {
  return ns.sh('cat /proc/net/ip_tables_names; echo --; cat /proc/net/ip6_tables_names').split('\n').filter((l) => l !== '').sort().join(' ');
}

for (const c of detectCases) {
  test(`backend detection: ${c.name} -> ${c.want}${c.want === 'nft' ? '; no legacy table created' : ''}`, { skip }, async () => {
    const ns = new Netns();
    try {
      ns.sh(c.setup);
      const tables = legacyTables(ns);
      const r = await apply(ns, c.want, ruleSetOf(SAMPLE), { env: { KNP_IPTABLES_MODE: '' } });
      assert.ok(r.report.ok, r.text);
      assert.equal(r.report.backend, `${c.want} (detected)`);
      const clean = await cleanup(ns, c.want, { env: { KNP_IPTABLES_MODE: '' } });
      assert.ok(clean.report.ok, clean.text);
      assert.equal(clean.report.backend, `${c.want} (detected)`);
      // Installing into legacy creates its filter tables; detecting alone must create none.
      if (c.want === 'nft') assert.equal(legacyTables(ns), tables);
    } finally {
      ns.delete();
    }
  });
}

test('KNP_IPTABLES_MODE must name a backend', { skip }, async () => {
  const ns = new Netns();
  try {
    const bad = runScript(ns, 'nft', renderStateScript(), undefined, { KNP_IPTABLES_MODE: 'bogus' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /KNP_IPTABLES_MODE must be legacy, nft or plain, not 'bogus'/);
    const r = await apply(ns, 'nft', ruleSetOf(SAMPLE), { env: { KNP_IPTABLES_MODE: 'bogus' } });
    assert.equal(r.report.ok, false);
    assert.match(r.report.error ?? '', /^reading the node's state failed \(exit 2\): knp: error: KNP_IPTABLES_MODE must be legacy, nft or plain/);
  } finally {
    ns.delete();
  }
});

interface BridgeCase {
  name: string;
  /** net.bridge.bridge-nf-call-iptables and -ip6tables in the namespace; 'hidden': no such files. */
  sysctl: { v4: 0 | 1; v6: 0 | 1 } | 'hidden';
  snapshot: Snapshot;
  warns: string[];
}

const NO_POLICY: Snapshot = { ...SAMPLE, policies: [] };
const bridgeCases: BridgeCase[] = [
  { name: 'both 1: no warning', sysctl: { v4: 1, v6: 1 }, snapshot: SAMPLE, warns: [] },
  { name: 'iptables 0', sysctl: { v4: 0, v6: 1 }, snapshot: SAMPLE, warns: ['IPv4: net.bridge.bridge-nf-call-iptables is 0'] },
  { name: 'ip6tables 0', sysctl: { v4: 1, v6: 0 }, snapshot: SAMPLE, warns: ['IPv6: net.bridge.bridge-nf-call-ip6tables is 0'] },
  {
    name: 'br_netfilter not loaded',
    sysctl: 'hidden',
    snapshot: SAMPLE,
    warns: ['IPv4: net.bridge.bridge-nf-call-iptables is missing (br_netfilter not loaded)', 'IPv6: net.bridge.bridge-nf-call-ip6tables is missing (br_netfilter not loaded)'],
  },
  { name: 'both 0 but nothing enforced: no warning', sysctl: { v4: 0, v6: 0 }, snapshot: NO_POLICY, warns: [] },
];

for (const c of bridgeCases) {
  test(`bridged traffic and br_netfilter: ${c.name}`, { skip }, async () => {
    const ns = new Netns();
    try {
      const rs = ruleSetOf(c.snapshot);
      assert.equal(rs.v4.enforcing && rs.v6.enforcing, c.snapshot === SAMPLE, 'the snapshot enforces both families, or neither');
      const env = { ...process.env, KNP_IPTABLES_MODE: 'nft' };
      // With 'hidden', a private mount namespace in which the sysctl files are out of sight.
      const argv = c.sysctl === 'hidden' ? ['unshare', '-m', 'sh', '-c', 'mount -t tmpfs none /proc/sys/net/bridge && exec sh -s'] : ['sh', '-s'];
      if (c.sysctl !== 'hidden') ns.sh(`echo ${c.sysctl.v4} > /proc/sys/net/bridge/bridge-nf-call-iptables && echo ${c.sysctl.v6} > /proc/sys/net/bridge/bridge-nf-call-ip6tables`);
      const report = await applyRuleSet(async (script) => {
        const r = ns.run(argv, script, env);
        return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
      }, rs);
      assert.ok(report.ok, report.error);
      assert.deepEqual(
        report.warnings.map((w) => w.replace(/: traffic between .*/, '')),
        c.warns,
      );
      for (const w of report.warnings) {
        assert.match(w, /traffic between pods on the same node \(bridged\) is not filtered until br_netfilter is loaded and net\.bridge\.bridge-nf-call-ip6?tables is 1/);
      }
      // Reading is all the programs do with them.
      if (c.sysctl !== 'hidden') {
        assert.equal(ns.sh('cat /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables'), `${c.sysctl.v4}\n${c.sysctl.v6}\n`);
      }
    } finally {
      ns.delete();
    }
  });
}

/** A shim for each family's iptables-restore of `mode` that logs its arguments, then runs `body`. */
function restoreShims(dir: string, mode: Mode, body: (real: string) => string): string {
  const log = join(dir, 'calls');
  for (const t of ['iptables', 'ip6tables']) {
    const real = `/usr/sbin/${t}-${mode}-restore`;
    shim(dir, `${t}-${mode}-restore`, `echo "${t}-${mode}-restore $*" >> ${shQuote(log)}\n${body(real)}`);
  }
  return log;
}

function restoreCalls(log: string): string[] {
  return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '' && !l.includes('--help'));
}

for (const mode of ['nft', 'legacy'] as const) {
  test(`xtables lock (${mode}): every iptables-restore waits for it (-w 10), and the real binaries accept that`, { skip }, async () => {
    const ns = new Netns();
    const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
    try {
      const log = restoreShims(dir, mode, (real) => `exec ${real} "$@"`);
      const a = await apply(ns, mode, ruleSetOf(SAMPLE), { path: dir });
      assert.ok(a.report.ok, a.text);
      const c = await cleanup(ns, mode, { path: dir });
      assert.ok(c.report.ok, c.text);
      assert.deepEqual([...a.report.warnings, ...c.report.warnings], []);
      const calls = restoreCalls(log);
      // Apply and cleanup alike: a --test run and the swap per family.
      assert.equal(calls.length, 8, calls.join('\n'));
      for (const call of calls) assert.match(call, /-restore -w 10 --noflush/);
    } finally {
      ns.delete();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('xtables lock: an iptables-restore without -w is still used, with a warning', { skip }, async () => {
  const ns = new Netns();
  const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
  try {
    const log = restoreShims(dir, 'nft', (real) => `for a; do [ "$a" = -w ] && { echo "unknown option -w" >&2; exit 2; }; done\nexec ${real} "$@"`);
    const r = await apply(ns, 'nft', ruleSetOf(SAMPLE), { path: dir });
    assert.ok(r.report.ok, r.text);
    assert.deepEqual(r.report.warnings, [
      'iptables-nft-restore does not accept -w: if another program holds the xtables lock, this run fails',
      'ip6tables-nft-restore does not accept -w: if another program holds the xtables lock, this run fails',
    ]);
    const calls = restoreCalls(log);
    assert.equal(calls.length, 4, calls.join('\n'));
    for (const call of calls) assert.doesNotMatch(call, /-w/);
  } finally {
    ns.delete();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xtables lock held by another program (legacy): the apply waits for it, then succeeds', { skip: skip || (has('flock') ? false : 'needs flock') }, async () => {
  const ns = new Netns();
  const dir = mkdtempSync(join(tmpdir(), 'knp-lock-'));
  // A lock file of this test's own (iptables reads XTABLES_LOCKFILE), so that the host's
  // /run/xtables.lock and whoever uses it are left alone.
  const lock = join(dir, 'xtables.lock');
  writeFileSync(lock, '');
  const holder = spawn('flock', [lock, 'sleep', '2'], { stdio: 'ignore' });
  try {
    for (let i = 0; spawnSync('flock', ['-n', lock, 'true']).status === 0; i++) {
      assert.ok(i < 100, 'the holder never took the lock');
      await new Promise((r) => setTimeout(r, 20));
    }
    const start = Date.now();
    const r = await apply(ns, 'legacy', ruleSetOf(SAMPLE), { env: { XTABLES_LOCKFILE: lock } });
    const waited = Date.now() - start;
    assert.ok(r.report.ok, r.text);
    assert.equal(r.report.outcome, 'applied');
    assert.ok(waited >= 1000, `the apply took ${waited} ms: it did not wait for the held lock`);
    assert.deepEqual(ours(ns, 'legacy', 4), renderChainRules(ruleSetOf(SAMPLE).v4));
  } finally {
    holder.kill();
    ns.delete();
    rmSync(dir, { recursive: true, force: true });
  }
});
