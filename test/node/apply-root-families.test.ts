/**
 * A family with nothing to enforce, through node/apply on the real iptables and ipset in a throwaway
 * network namespace, for both backends: the apply leaves its table exactly as it was (not even created when absent),
 * takes away what an earlier apply left there (foreign rules untouched), and does not fail when that
 * family cannot be used at all. Needs root (skips visibly otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/model/index.js';
import { renderChainRules } from '../../src/node/index.js';
import { apply, cleanup, Netns, ours, ourSets, ruleSetOf, shim, skip, state, type Mode } from './netns.js';
import { SAMPLE, SAMPLE_V4_ONLY, SAMPLE_V6_ONLY } from './sample.js';

type Family = 4 | 6;

function ipt(f: Family, mode: Mode): string {
  return `${f === 4 ? 'iptables' : 'ip6tables'}-${mode}`;
}

/** One family's part of `state` (iptables-save without -t: an absent table prints nothing). */
function partOf(s: string, f: Family): string {
  return s.split('\n====\n')[f === 4 ? 0 : 1] ?? '';
}

/** The legacy tables the kernel has (reading a legacy table creates it, so this must not change). */
function legacyTables(ns: Netns): string {
  return ns.sh('cat /proc/net/ip_tables_names; echo --; cat /proc/net/ip6_tables_names');
}

/** Jumps into any KNP- chain from the built-in chains of family `f`. */
function hooks(ns: Netns, mode: Mode, f: Family): string[] {
  return ns.sh(`${ipt(f, mode)}-save -t filter`).split('\n').filter((l) => /^-A (FORWARD|INPUT|OUTPUT) .*-j KNP-/.test(l));
}

interface UntouchedCase {
  name: string;
  /** Commands run in a fresh namespace before the apply, for IPv6 (IPv4 always gets one foreign rule). */
  setup6: (mode: Mode) => string;
}

const untouchedCases: UntouchedCase[] = [
  { name: 'no IPv6 table at all', setup6: () => 'true' },
  {
    name: 'foreign IPv6 rules',
    setup6: (mode) => `${ipt(6, mode)} -N FOREIGN && ${ipt(6, mode)} -A FOREIGN -j ACCEPT && ${ipt(6, mode)} -A FORWARD -p tcp --dport 22 -j FOREIGN`,
  },
];

for (const mode of ['nft', 'legacy'] as const) {
  for (const c of untouchedCases) {
    test(`IPv4 pods only (${mode}), ${c.name}: the IPv6 table is left exactly as it was; cleanup restores all`, { skip }, async () => {
      const ns = new Netns();
      try {
        // A foreign IPv4 rule, so that the IPv4 table exists before: installing creates it otherwise,
        // and no cleanup can take a table away.
        ns.sh(`${ipt(4, mode)} -A FORWARD -p tcp --dport 22 -j ACCEPT && ${c.setup6(mode)}`);
        const before = state(ns, mode);
        const tables = legacyTables(ns);
        const rs = ruleSetOf(SAMPLE_V4_ONLY);
        assert.ok(rs.v4.enforcing && !rs.v6.enforcing, 'the fixture enforces IPv4 only');

        const r = await apply(ns, mode, rs);
        assert.ok(r.report.ok, r.text);
        assert.match(r.text, /^done$/m);
        assert.match(r.text, /IPv6: nothing to enforce(, and no filter table| and nothing of ours): left alone/);
        assert.doesNotMatch(r.text, /IPv6: (chains|unchanged)/);
        const installed = state(ns, mode);
        assert.equal(partOf(installed, 6), partOf(before, 6), 'ip6tables-save before == after');
        assert.equal(legacyTables(ns), tables, 'no legacy table created');
        assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs.v4));
        assert.deepEqual(hooks(ns, mode, 4), ['-A FORWARD -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-FORWARD']);
        assert.deepEqual(ourSets(ns), rs.v4.sets.map((s) => s.name).sort());

        const again = await apply(ns, mode, rs);
        assert.ok(again.report.ok, again.text);
        assert.match(again.text, /IPv4: unchanged/);
        assert.equal(state(ns, mode), installed);

        const clean = await cleanup(ns, mode);
        assert.ok(clean.report.ok, clean.text);
        assert.equal(state(ns, mode), before, 'cleanup: iptables-save, ip6tables-save and ipset as before the first apply');
        assert.equal(legacyTables(ns), tables, 'no legacy table created by the cleanup');
      } finally {
        ns.delete();
      }
    });
  }
}

interface GoneCase {
  /** The family that has nothing to enforce any more. */
  gone: Family;
  next: Snapshot;
}

const goneCases: GoneCase[] = [
  { gone: 6, next: SAMPLE_V4_ONLY },
  { gone: 4, next: SAMPLE_V6_ONLY },
];

for (const mode of ['nft', 'legacy'] as const) {
  for (const c of goneCases) {
    const kept: Family = c.gone === 4 ? 6 : 4;
    test(`IPv${c.gone} pods enforced before and not now (${mode}): our IPv${c.gone} chains, jumps and sets go, foreign rules stay`, { skip }, async () => {
      const ns = new Netns();
      try {
        for (const f of [4, 6] as const) {
          const t = ipt(f, mode);
          ns.sh(
            `${t} -N FOREIGN && ${t} -A FOREIGN -j ACCEPT && ${t} -A FORWARD -p tcp --dport 22 -j FOREIGN && ` +
              `${t} -A INPUT -p tcp --dport 23 -j DROP && ${t} -N KNP-ADMIN && ${t} -A OUTPUT -j KNP-ADMIN`,
          );
        }
        ns.sh('ipset create FOREIGN-SET hash:ip && ipset add FOREIGN-SET 192.0.2.1');
        const before = state(ns, mode);
        const first = await apply(ns, mode, ruleSetOf(SAMPLE));
        assert.ok(first.report.ok, first.text);
        assert.notDeepEqual(ours(ns, mode, c.gone), [], `the first apply installs IPv${c.gone} rules`);

        const rs = ruleSetOf(c.next);
        assert.ok(!(c.gone === 4 ? rs.v4 : rs.v6).enforcing && (c.gone === 4 ? rs.v6 : rs.v4).enforcing, 'the fixture');
        const r = await apply(ns, mode, rs);
        assert.ok(r.report.ok, r.text);
        assert.match(r.text, new RegExp(`IPv${c.gone} \\(nothing to enforce\\): chains \\+0 -\\d+, rules \\+0 -\\d+ \\(now 0 chains, 0 rules\\)`));
        assert.match(r.text, /^done$/m);
        assert.deepEqual(ours(ns, mode, c.gone), []);
        assert.deepEqual(hooks(ns, mode, c.gone), ['-A OUTPUT -j KNP-ADMIN'], 'only the foreign jump into a look-alike is left');
        const now = state(ns, mode);
        assert.equal(partOf(now, c.gone), partOf(before, c.gone), `ip6tables-save of IPv${c.gone} as before the first apply`);
        assert.deepEqual(ours(ns, mode, kept), renderChainRules(kept === 4 ? rs.v4 : rs.v6));
        assert.deepEqual(ourSets(ns), [...rs.v4.sets, ...rs.v6.sets].map((s) => s.name).sort());
        assert.match(ns.sh('ipset list FOREIGN-SET'), /192\.0\.2\.1/);

        const again = await apply(ns, mode, rs);
        assert.ok(again.report.ok, again.text);
        assert.match(again.text, new RegExp(`IPv${c.gone}: nothing to enforce and nothing of ours: left alone`));
        assert.match(again.text, new RegExp(`IPv${kept}: unchanged`));
        assert.equal(state(ns, mode), now);

        const clean = await cleanup(ns, mode);
        assert.ok(clean.report.ok, clean.text);
        assert.equal(state(ns, mode), before);
      } finally {
        ns.delete();
      }
    });
  }
}

const UNSUPPORTED = "can't initialize ip6tables table 'filter': Address family not supported by protocol";

for (const mode of ['nft', 'legacy'] as const) {
  test(`IPv6 unusable on the node (${mode}): an IPv4-only rule set installs; one enforcing IPv6 fails and changes nothing`, { skip }, async () => {
    const ns = new Netns();
    const dir = mkdtempSync(join(tmpdir(), 'knp-shims-'));
    try {
      // As on a kernel booted with ipv6.disable=1: every ip6tables call that reaches the kernel fails.
      for (const tool of ['save', 'restore']) {
        const real = `/usr/sbin/ip6tables-${mode}-${tool}`;
        shim(dir, `ip6tables-${mode}-${tool}`, `for a; do case $a in --help | --version) exec ${real} "$@" ;; esac; done\necho "ip6tables: ${UNSUPPORTED}" >&2\nexit 1`);
      }
      ns.sh(`${ipt(4, mode)} -A FORWARD -p tcp --dport 22 -j ACCEPT`);

      const before = state(ns, mode);
      const enforcing6 = await apply(ns, mode, ruleSetOf(SAMPLE), { path: dir });
      assert.equal(enforcing6.report.ok, false);
      // nft reads the table (which fails); a legacy table the kernel does not list is not read, and
      // the dry run of the restore fails instead, before anything changed.
      assert.match(
        enforcing6.report.error ?? '',
        mode === 'nft' ? new RegExp(`^ip6tables-nft-save -t filter failed: ip6tables: ${UNSUPPORTED}$`) : new RegExp(`^IPv6 failed, the previous rules are untouched: .*IPv6 test: ip6tables-legacy-restore -w 10 --noflush --test failed: ip6tables: ${UNSUPPORTED}`),
      );
      assert.equal(state(ns, mode), before, 'nothing changed');

      const rs = ruleSetOf(SAMPLE_V4_ONLY);
      const r = await apply(ns, mode, rs, { path: dir });
      assert.ok(r.report.ok, r.text);
      assert.match(r.text, /^done$/m);
      if (mode === 'nft') {
        // Reading an nft table creates nothing, so the state script tries, and says what it could not do.
        assert.match(r.text, /IPv6: nothing to enforce, but ip6tables-nft-save -t filter failed: .*Address family not supported.*; anything of ours an earlier apply left there stays/);
      } else {
        assert.match(r.text, /IPv6: nothing to enforce, and no filter table: left alone/);
      }
      assert.deepEqual(ours(ns, mode, 4), renderChainRules(rs.v4));
    } finally {
      ns.delete();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
