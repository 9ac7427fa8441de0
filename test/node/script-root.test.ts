/**
 * The scripts against the real iptables and ipset, inside a throwaway network namespace, for both
 * backends: the kernel accepts every rule, a second run changes nothing, a changed rule set
 * replaces the old one and removes what went stale, a foreign chain, rule and set survive (also
 * ones that look like ours: a KNP-ADMIN chain, a KNP-blocklist set, comments naming our chains), cleanup
 * restores the exact prior state, and a failing ipset or iptables-restore leaves the previous rules
 * whole (an IPv6 commit failing after IPv4's puts IPv4 back; where that cannot be done, the script
 * says which family has which rule set). Needs root (skips visibly otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/model/index.js';
import { renderApplyScript, renderChainRules, renderCleanupScript, shQuote, type FamilyRules } from '../../src/node/index.js';
import { ipBlock, policy, port, rule, sel } from '../support/build.js';
import { apply, commitFails, has, Netns, ours, ourSets, ruleSetOf, shim, skip, state, type Mode } from './netns.js';
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
      const script1 = renderApplyScript(rs1);

      await t.test('first apply installs exactly the rendered rules; it reads nothing past its end', () => {
        const r = apply(ns, mode, `${script1}#NETPOL-EOF-42\necho AFTER-SENTINEL\n`);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.doesNotMatch(r.stdout, /AFTER-SENTINEL/);
        assert.match(r.stdout, /IPv4: chains \+9 -0/);
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
      await t.test('a second apply changes nothing and says so', () => {
        const r = apply(ns, mode, script1);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /IPv4: unchanged/);
        assert.match(r.stdout, /IPv6: unchanged/);
        assert.equal(state(ns, mode), installed);
      });

      await t.test('a duplicated hook and a stray jump into our chains are repaired', () => {
        ns.sh(`${ipt(4)} -A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD && ${ipt(4)} -A OUTPUT -j KNP-FORWARD`);
        ns.sh(`${ipt(6)} -A FORWARD -s 2001:db8::5 -j KNP-FORWARD`);
        const r = apply(ns, mode, script1);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /IPv4: chains \+0 -0, rules \+0 -[12] /, "the summary counts distinct lines");
        assert.equal(state(ns, mode), installed);
      });

      await t.test('rules inserted above our jump: a re-apply puts ours first again, theirs right after; INPUT is not ours', () => {
        const foreign = (f: 4 | 6) => `-s ${f === 4 ? '10.244.0.0/16' : 'fd00:244::/32'} -j ACCEPT`;
        for (const f of [4, 6] as const) {
          ns.sh(`${ipt(f)} -I FORWARD 1 ${foreign(f)} && ${ipt(f)} -I INPUT 1 ${foreign(f)}`);
        }
        const r = apply(ns, mode, script1);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /IPv4: chains \+0 -0, rules \+0 -0 .*; jump moved back to the top of FORWARD$/m);
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

      await t.test('the INPUT hook and KNP-INPUT chain an earlier version installed: the apply removes them', () => {
        for (const f of [4, 6] as const) ns.sh(earlierInputLayout(ipt(f), f === 4 ? rs1.v4 : rs1.v6));
        assert.notEqual(state(ns, mode), installed, 'the earlier layout is in place');
        const r = apply(ns, mode, script1);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /IPv4: chains \+0 -1, rules \+0 -[1-9]\d* /);
        assert.equal(state(ns, mode), installed);
      });

      await t.test('a rule inserted above our jump while the script runs: the check fails', () => {
        // After the real swap (not the --test run), another program inserts at the top of FORWARD.
        shim(
          shims,
          `iptables-${mode}-restore`,
          `/usr/sbin/iptables-${mode}-restore "$@" || exit\nfor a; do case $a in --test | --help) exit 0 ;; esac; done\n/usr/sbin/iptables-${mode} -I FORWARD 1 -s 192.0.2.99 -j ACCEPT`,
        );
        const r = apply(ns, mode, script1, shims);
        rmSync(join(shims, `iptables-${mode}-restore`));
        ns.sh(`${ipt(4)} -D FORWARD -s 192.0.2.99 -j ACCEPT`);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /IPv4: our jump is not the first rule of FORWARD/);
        assert.doesNotMatch(r.stdout, /done/);
        assert.equal(state(ns, mode), installed);
      });

      const rs2 = ruleSetOf(CHANGED);
      await t.test('a changed rule set replaces the old one; stale chains and sets are gone', () => {
        const r = apply(ns, mode, renderApplyScript(rs2));
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /IPv4: chains \+0 -4, /);
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs2.v4));
        assert.deepEqual(ours(ns, mode, 6), renderChainRules(rs2.v6));
        assert.deepEqual(ourSets(ns), [...rs2.v4.sets, ...rs2.v6.sets].map((s) => s.name).sort());
        assert.match(ns.sh('ipset list FOREIGN-SET'), /192\.0\.2\.1/);
        assert.equal(lookalikes(ns, mode), foreignLookalikes, 'foreign KNP- look-alikes untouched');
      });

      const rs3 = ruleSetOf(THIRD);
      const script3 = renderApplyScript(rs3);
      const previous = state(ns, mode);
      await t.test('ipset restore failing half way: non-zero, its message, previous rules and sets whole', () => {
        shim(shims, 'ipset', `if [ "$1" = restore ]; then head -n 2 | /usr/sbin/ipset restore -exist; echo "ipset: simulated failure" >&2; exit 1; fi\nexec /usr/sbin/ipset "$@"`);
        const r = apply(ns, mode, script3, shims);
        rmSync(join(shims, 'ipset'));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /simulated failure/);
        assert.equal(state(ns, mode), previous);
      });

      await t.test('iptables-restore failing: non-zero, its message, previous rules and sets whole', () => {
        shim(shims, `iptables-${mode}-restore`, 'cat >/dev/null; echo "iptables-restore: simulated failure" >&2; exit 1');
        const r = apply(ns, mode, script3, shims);
        rmSync(join(shims, `iptables-${mode}-restore`));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /simulated failure/);
        assert.equal(state(ns, mode), previous);
      });

      await t.test('ip6tables-restore failing on commit only, over a previous rule set: IPv4 is put back, nothing changed', () => {
        shim(shims, `ip6tables-${mode}-restore`, commitFails(`/usr/sbin/ip6tables-${mode}-restore`, 'ip6tables-restore: simulated failure'));
        const r = apply(ns, mode, script3, shims);
        rmSync(join(shims, `ip6tables-${mode}-restore`));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /simulated failure/);
        assert.match(r.stderr, /IPv6 failed: IPv4 was put back to its previous rule set; nothing changed/);
        assert.equal(state(ns, mode), previous);
        // A later run installs the new rule set.
        const again = apply(ns, mode, script3);
        assert.equal(again.status, 0, again.stderr);
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs3.v4));
        assert.deepEqual(ours(ns, mode, 6), renderChainRules(rs3.v6));
        assert.deepEqual(ourSets(ns), [...rs3.v4.sets, ...rs3.v6.sets].map((s) => s.name).sort());
      });

      await t.test('iptables-save failing: non-zero with its message (stderr is kept apart, not lost)', () => {
        const now = state(ns, mode);
        shim(shims, `iptables-${mode}-save`, 'echo "-A KNP-half-a-line"; echo "iptables-save: simulated failure" >&2; exit 1');
        const r = apply(ns, mode, script3, shims);
        rmSync(join(shims, `iptables-${mode}-save`));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`iptables-${mode}-save -t filter failed: iptables-save: simulated failure`));
        assert.equal(state(ns, mode), now);
      });

      await t.test('cleanup restores the exact prior state, an earlier version\'s INPUT hook and chain gone too; twice is fine', () => {
        for (const f of [4, 6] as const) ns.sh(earlierInputLayout(ipt(f), f === 4 ? rs3.v4 : rs3.v6));
        const cleanup = renderCleanupScript();
        const r1 = apply(ns, mode, cleanup);
        assert.equal(r1.status, 0, r1.stderr);
        assert.match(r1.stdout, /IPv4: removed/);
        const r2 = apply(ns, mode, cleanup);
        assert.equal(r2.status, 0, r2.stderr);
        assert.match(r2.stdout, /IPv4: nothing of ours/);
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
  /** Run with a PATH that has the tools the script needs but grep. */
  noGrep?: boolean;
  /** The IPv4 rollback (the second IPv4 commit) fails too. */
  rollbackFails?: boolean;
  /** Commands run after the prior install, before the failing run. */
  tamper?: (mode: Mode) => string;
  says: RegExp[];
  /**
   * What the node holds afterwards: exactly the state before the run; that but for our IPv4 jump
   * back at the top of FORWARD; or IPv4 new and IPv6 previous.
   */
  leaves: 'previous' | 'previous-hook-first' | 'mixed';
}

const PUT_BACK = /IPv6 failed: IPv4 was put back to its previous rule set; nothing changed/;
const MIXED = /IPv6 failed: IPv4 could not be put back and has the new rule set whole; IPv6 kept its previous one/;
const lateFailureCases: LateFailureCase[] = [
  { name: 'first install', says: [PUT_BACK], leaves: 'previous' },
  { name: 'over a previous rule set', prior: CHANGED, says: [PUT_BACK], leaves: 'previous' },
  {
    name: 'over a previous rule set whose jump a foreign rule pushed down: put back, with the jump on top',
    prior: CHANGED,
    tamper: (mode) => `iptables-${mode} -I FORWARD 1 -s 10.244.0.0/16 -j ACCEPT`,
    says: [/IPv6 failed: IPv4 was put back to its previous rule set \(with each hook of ours once at the top of its chain, any other jump into our chains at the end of its chain\)/],
    leaves: 'previous-hook-first',
  },
  { name: 'first install without grep (nothing to read back)', noGrep: true, says: [PUT_BACK], leaves: 'previous' },
  // The failing IPv6 commit removes our IPv6 rules (nothing to enforce there any more).
  { name: 'while IPv6 goes away', prior: CHANGED, next: SAMPLE_V4_ONLY, says: [PUT_BACK], leaves: 'previous' },
  // IPv4's swap removed our IPv4 chains and jumps: putting it back makes them anew.
  { name: 'after IPv4 went away', prior: SAMPLE, next: SAMPLE_V6_ONLY, says: [PUT_BACK], leaves: 'previous' },
  {
    name: 'over a previous rule set without grep: the rollback is impossible, and says so',
    prior: CHANGED,
    noGrep: true,
    says: [/IPv4 cannot be put back: grep is missing, so its previous \d+ rules were not read/, MIXED],
    leaves: 'mixed',
  },
  {
    name: 'the rollback failing too: its message, and the mixed state said',
    prior: CHANGED,
    rollbackFails: true,
    says: [/putting IPv4 back failed: iptables-\w+-restore -w 10 --noflush: iptables-restore: simulated rollback failure/, MIXED],
    leaves: 'mixed',
  },
];

/** `state` with our hook moved to the top of IPv4's FORWARD (the first part of the state). */
function hookFirst(state: string): string {
  const [v4 = '', ...rest] = state.split('\n====\n');
  const hook = '-A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD';
  const lines = v4.split('\n').filter((l) => l !== hook);
  const at = lines.findIndex((l) => l.startsWith('-A FORWARD '));
  lines.splice(at, 0, hook);
  return [lines.join('\n'), ...rest].join('\n====\n');
}

/** A directory of links to the tools the apply script needs in `mode` (and ip, to enter the namespace), grep excepted. */
function toolsWithoutGrep(dir: string, mode: Mode): void {
  for (const tool of ['ip', 'sh', 'cat', 'sleep', 'ipset', `iptables-${mode}-save`, `iptables-${mode}-restore`, `ip6tables-${mode}-save`, `ip6tables-${mode}-restore`]) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(real.startsWith('/'), `${tool} not found`);
    symlinkSync(real, join(dir, tool));
  }
}

for (const mode of ['nft', 'legacy'] as const) {
  for (const c of lateFailureCases) {
    test(`ip6tables-restore failing on commit only (${mode}), ${c.name}`, { skip }, () => {
      const ns = new Netns();
      const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
      try {
        const ipt = (f: 4 | 6) => `${f === 4 ? 'iptables' : 'ip6tables'}-${mode}`;
        for (const f of [4, 6] as const) ns.sh(`${ipt(f)} -A FORWARD -p tcp --dport 22 -j ACCEPT && ${ipt(f)} -A INPUT -p tcp --dport 22 -j ACCEPT`);
        ns.sh('ipset create FOREIGN-SET hash:ip && ipset add FOREIGN-SET 192.0.2.1');
        const prior = c.prior === undefined ? undefined : ruleSetOf(c.prior);
        if (prior !== undefined) {
          const r = apply(ns, mode, renderApplyScript(prior));
          assert.equal(r.status, 0, r.stderr);
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
        const r = c.noGrep ? apply(ns, mode, renderApplyScript(rs), undefined, { PATH: dir }) : apply(ns, mode, renderApplyScript(rs), dir);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /ip6tables-restore: simulated failure/);
        for (const re of c.says) assert.match(r.stderr, re);
        switch (c.leaves) {
          case 'previous':
            assert.equal(state(ns, mode), before);
            break;
          case 'previous-hook-first':
            assert.notEqual(hookFirst(before), before, 'the jump was not first before the run');
            assert.equal(state(ns, mode), hookFirst(before));
            break;
          case 'mixed': {
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
  test(`backend detection: ${c.name} -> ${c.want}${c.want === 'nft' ? '; no legacy table created' : ''}`, { skip }, () => {
    const ns = new Netns();
    try {
      ns.sh(c.setup);
      const tables = legacyTables(ns);
      const r = ns.run(['sh', '-s'], renderApplyScript(ruleSetOf(SAMPLE)), { KNP_IPTABLES_MODE: '' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`backend: ${c.want} \\(detected\\)`));
      const clean = ns.run(['sh', '-s'], renderCleanupScript(), { KNP_IPTABLES_MODE: '' });
      assert.equal(clean.status, 0, clean.stderr);
      assert.match(clean.stdout, new RegExp(`backend: ${c.want} \\(detected\\)`));
      // Installing into legacy creates its filter tables; detecting alone must create none.
      if (c.want === 'nft') assert.equal(legacyTables(ns), tables);
    } finally {
      ns.delete();
    }
  });
}

test('KNP_IPTABLES_MODE must name a backend', { skip }, () => {
  const ns = new Netns();
  try {
    const bad = ns.run(['sh', '-s'], renderApplyScript(ruleSetOf(SAMPLE)), { KNP_IPTABLES_MODE: 'bogus' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /KNP_IPTABLES_MODE must be legacy, nft or plain/);
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
  test(`bridged traffic and br_netfilter: ${c.name}`, { skip }, () => {
    const ns = new Netns();
    try {
      const rs = ruleSetOf(c.snapshot);
      assert.equal(rs.v4.enforcing && rs.v6.enforcing, c.snapshot === SAMPLE, 'the snapshot enforces both families, or neither');
      const script = renderApplyScript(rs);
      const env = { KNP_IPTABLES_MODE: 'nft' };
      let r;
      if (c.sysctl === 'hidden') {
        // A private mount namespace, in which the sysctl files are out of sight.
        r = ns.run(['unshare', '-m', 'sh', '-c', 'mount -t tmpfs none /proc/sys/net/bridge && exec sh -s'], script, env);
      } else {
        ns.sh(`echo ${c.sysctl.v4} > /proc/sys/net/bridge/bridge-nf-call-iptables && echo ${c.sysctl.v6} > /proc/sys/net/bridge/bridge-nf-call-ip6tables`);
        r = ns.run(['sh', '-s'], script, env);
      }
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /knp: done/);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('knp: warning: '));
      assert.deepEqual(
        warnings.map((w) => w.replace(/^knp: warning: /, '').replace(/: traffic between .*/, '')),
        c.warns,
      );
      for (const w of warnings) {
        assert.match(w, /traffic between pods on the same node \(bridged\) is not filtered until br_netfilter is loaded and net\.bridge\.bridge-nf-call-ip6?tables is 1/);
      }
      // Reading is all the script does with them.
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
  test(`xtables lock (${mode}): every iptables-restore waits for it (-w 10), and the real binaries accept that`, { skip }, () => {
    const ns = new Netns();
    const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
    try {
      const log = restoreShims(dir, mode, (real) => `exec ${real} "$@"`);
      const a = apply(ns, mode, renderApplyScript(ruleSetOf(SAMPLE)), dir);
      assert.equal(a.status, 0, a.stderr);
      const c = apply(ns, mode, renderCleanupScript(), dir);
      assert.equal(c.status, 0, c.stderr);
      assert.doesNotMatch(a.stderr + c.stderr, /warning/);
      const calls = restoreCalls(log);
      // Apply: a --test run and the swap per family; cleanup: one run per family.
      assert.equal(calls.length, 6, calls.join('\n'));
      for (const call of calls) assert.match(call, /-restore -w 10 --noflush/);
    } finally {
      ns.delete();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('xtables lock: an iptables-restore without -w is still used, with a warning', { skip }, () => {
  const ns = new Netns();
  const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
  try {
    const log = restoreShims(dir, 'nft', (real) => `for a; do [ "$a" = -w ] && { echo "unknown option -w" >&2; exit 2; }; done\nexec ${real} "$@"`);
    const r = apply(ns, 'nft', renderApplyScript(ruleSetOf(SAMPLE)), dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /knp: warning: iptables-nft-restore does not accept -w/);
    assert.match(r.stderr, /knp: warning: ip6tables-nft-restore does not accept -w/);
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
    const r = apply(ns, 'legacy', renderApplyScript(ruleSetOf(SAMPLE)), undefined, { XTABLES_LOCKFILE: lock });
    const waited = Date.now() - start;
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /knp: done/);
    assert.ok(waited >= 1000, `the apply took ${waited} ms: it did not wait for the held lock`);
    assert.deepEqual(ours(ns, 'legacy', 4), renderChainRules(ruleSetOf(SAMPLE).v4));
  } finally {
    holder.kill();
    ns.delete();
    rmSync(dir, { recursive: true, force: true });
  }
});
