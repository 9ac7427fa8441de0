/**
 * apply-node (node/apply, run in each lab node's namespace) over a node's life: re-applied with changed policies while traffic flows
 * (no admitted connection refused during the swap, nothing stale left), idempotent, removed by the
 * cleanup script down to exactly the state before the first apply with foreign rules untouched
 * (as is an apply that has nothing to enforce: it installs nothing, or takes away all of ours),
 * and failing safely when iptables-restore or ipset fails (non-zero exit, their message, the
 * previous rule set still in force).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import type { CompiledSnapshot } from '../../src/engine/compile.js';
import { setName, type IpSet, type RuleSet } from '../../src/node/index.js';
import { ip } from '../support/addresses.js';
import { downLab, flushNeighbours, runInNode, SKIP_UNLESS_ROOT, upLab, type Lab } from './lab.js';
import { FOREIGN_SETUP, missingLines, nodeState, ourNames, type NodeState } from './node-state.js';
import { describeProbe, probeAll, Probers, startListeners, type Outcome } from './probe.js';
import { applyOnNode, cleanupOnNode, ruleSetFor, connectivityTable, labSpecFor, listenerMembers, loadScenario, mismatches, mismatchSummary, PORTS, type Row } from './scenario.js';

async function withLab(body: (lab: Lab, probers: Probers) => Promise<void>): Promise<void> {
  const base = await loadScenario(['pods.yaml']);
  const lab = await upLab(labSpecFor(base.snapshot));
  const probers = new Probers(lab);
  try {
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));
    await body(lab, probers);
  } finally {
    probers.close();
    await downLab(lab);
  }
}

async function applyAll(lab: Lab, c: CompiledSnapshot, env: readonly string[] = []): Promise<void> {
  for (const node of lab.spec.nodes) {
    const r = await applyOnNode(lab, node.name, ruleSetFor(c, node.name), env);
    assert.ok(r.ok, `apply on ${node.name} failed: ${r.error}`);
  }
}

async function cleanupAll(lab: Lab): Promise<void> {
  for (const node of lab.spec.nodes) {
    const r = await cleanupOnNode(lab, node.name);
    assert.ok(r.ok, `cleanup on ${node.name} failed: ${r.error}`);
  }
}

async function statesOf(lab: Lab): Promise<Map<string, NodeState>> {
  return new Map(await Promise.all(lab.spec.nodes.map(async (n) => [n.name, await nodeState(lab, n.name)] as const)));
}

async function assertPacketsMatch(lab: Lab, probers: Probers, rows: readonly Row[]): Promise<void> {
  await flushNeighbours(lab);
  const outcomes = await probeAll(probers, rows.map((r) => r.probe));
  const wrong = mismatches(rows, outcomes);
  assert.deepEqual(wrong, [], mismatchSummary(wrong, rows.length));
}

test('lifecycle: a policy change re-applied on a live node', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  await withLab(async (lab, probers) => {
    const a = await loadScenario(['pods.yaml', 'ingress-egress.yaml']);
    const b = await loadScenario(['pods.yaml', 'live-change.yaml']);
    const rowsA = connectivityTable(a, lab);
    const rowsB = connectivityTable(b, lab);
    // Connections admitted before and after the change: none may be refused while it happens.
    const steady = rowsB.filter((r, i) => r.allowed && rowsA[i]?.allowed === true && rowsA[i]?.label === r.label);
    assert.ok(steady.some((r) => r.label === 'other/client-b -> web/web-a [10.244.1.10]:8080/TCP'), 'the fixture keeps a cross-node admitted connection');
    assert.ok(rowsA.some((r, i) => r.allowed !== rowsB[i]?.allowed), 'the change changes some verdicts');

    await applyAll(lab, a);
    const namesA = [...(await statesOf(lab)).values()].flatMap((s) => ourNames(s));
    // Subtests, so that one failing property does not hide the others.
    await t.test('packets before the change', () => assertPacketsMatch(lab, probers, rowsA));

    await t.test('no admitted connection refused during the swap', async () => {
      let swapping = true;
      const failures: string[] = [];
      let rounds = 0;
      const loop = (async (): Promise<void> => {
        while (swapping) {
          const outcomes: Outcome[] = await probeAll(probers, steady.map((r) => r.probe));
          outcomes.forEach((o, i) => {
            const row = steady[i];
            if (o !== 'open' && row !== undefined) failures.push(`round ${rounds}: ${describeProbe(row.probe)} ${o}`);
          });
          rounds += 1;
        }
      })();
      try {
        // Back and forth, so that the probes overlap several swaps.
        for (const c of [b, a, b]) await applyAll(lab, c);
      } finally {
        swapping = false;
        await loop;
      }
      assert.deepEqual(failures, [], 'admitted connections refused during the swap');
      assert.ok(rounds >= 2, `only ${rounds} probe rounds overlapped the swaps`);
    });

    await t.test('packets after the change', () => assertPacketsMatch(lab, probers, rowsB));

    await t.test('nothing stale: the changed node equals a fresh one', async () => {
      const changed = await statesOf(lab);
      await cleanupAll(lab);
      await applyAll(lab, b);
      const fresh = await statesOf(lab);
      for (const node of lab.spec.nodes) {
        const before = changed.get(node.name);
        const after = fresh.get(node.name);
        assert.ok(before !== undefined && after !== undefined);
        assert.deepEqual(ourNames(before), ourNames(after), `${node.name}: our chains and sets`);
        assert.deepEqual(before, after, `${node.name}: whole state`);
      }
      const namesB = [...fresh.values()].flatMap((s) => ourNames(s));
      const gone = namesA.filter((n) => !namesB.includes(n));
      assert.ok(gone.length > 0, 'the change removes some chains or sets, so staleness is tested');
    });
  });
});

test('lifecycle: idempotent apply, exact cleanup, foreign rules untouched', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  await withLab(async (lab) => {
    for (const node of lab.spec.nodes) {
      const r = await runInNode(lab, node.name, ['sh', '-s'], FOREIGN_SETUP);
      assert.equal(r.code, 0, r.stderr);
    }
    const pristine = await statesOf(lab);
    const a = await loadScenario(['pods.yaml', 'ingress-egress.yaml']);
    const b = await loadScenario(['pods.yaml', 'live-change.yaml']);
    const none = await loadScenario(['pods.yaml']);

    const foreignIntact = async (when: string): Promise<void> => {
      const now = await statesOf(lab);
      for (const [node, before] of pristine) {
        const after = now.get(node);
        assert.ok(after !== undefined);
        for (const key of ['nft4', 'nft6', 'legacy4', 'legacy6'] as const) {
          assert.deepEqual(missingLines(before[key], after[key]), [], `${when}: ${node} ${key} lost foreign lines`);
        }
        assert.match(after.ipsets, /Name: foreign-set[\s\S]*203\.0\.113\.9/, `${when}: ${node} foreign set`);
      }
    };

    await applyAll(lab, none);
    assert.deepEqual(await statesOf(lab), pristine, 'no policy isolates anything: the apply installs nothing, in either family');
    await applyAll(lab, a);
    const once = await statesOf(lab);
    assert.ok([...once.values()].some((s) => ourNames(s).length > 0), 'apply installs our chains and sets');
    await foreignIntact('after apply');
    await applyAll(lab, a);
    assert.deepEqual(await statesOf(lab), once, 'applying twice leaves the state of applying once');
    await applyAll(lab, b);
    await foreignIntact('after a change');

    await cleanupAll(lab);
    const clean = await statesOf(lab);
    await cleanupAll(lab);
    assert.deepEqual(await statesOf(lab), clean, 'cleanup twice is cleanup once');
    for (const [node, before] of pristine) {
      const after = clean.get(node);
      assert.ok(after !== undefined);
      // The backend in use (nft here) and ipset: exactly as before the first apply.
      assert.deepEqual(
        { nft4: after.nft4, nft6: after.nft6, ipsets: after.ipsets },
        { nft4: before.nft4, nft6: before.nft6, ipsets: before.ipsets },
        `${node}: cleanup restores iptables-save, ip6tables-save and ipset list`,
      );
    }
    await t.test('the other backend (legacy) is left as it was', () => {
      for (const [node, before] of pristine) {
        const after = clean.get(node);
        assert.deepEqual({ legacy4: after?.legacy4, legacy6: after?.legacy6 }, { legacy4: before.legacy4, legacy6: before.legacy6 }, node);
      }
    });
    await t.test('an apply with nothing to enforce takes away all of ours: the state before the first apply', async () => {
      await applyAll(lab, a);
      await applyAll(lab, none);
      assert.deepEqual(await statesOf(lab), pristine);
    });
  });
});

const SHIM_MESSAGE = 'injected failure from the lab shim';

/** A directory of commands that fail loudly; the real ones for everything the shim lets through. */
async function makeShim(dir: string, failing: 'iptables-restore' | 'ipset'): Promise<void> {
  await mkdir(dir, { recursive: true });
  const write = async (name: string, body: string): Promise<void> => {
    await writeFile(`${dir}/${name}`, `#!/bin/sh\n${body}\n`);
    await chmod(`${dir}/${name}`, 0o755);
  };
  if (failing === 'iptables-restore') {
    for (const fam of ['iptables', 'ip6tables']) {
      for (const variant of ['', '-nft', '-legacy']) {
        await write(`${fam}${variant}-restore`, `echo "${fam}${variant}-restore: line 2 failed: ${SHIM_MESSAGE}" >&2\nexit 1`);
      }
    }
  } else {
    // Reading (list, save, test) works; anything that would change a set fails, as with a
    // kernel that lacks a set type or is out of memory.
    await write(
      'ipset',
      `case "$1" in\n  list|save|-L|-S|test|-T|-n|--name|-t|--terse) exec /usr/sbin/ipset "$@" ;;\nesac\necho "ipset v7.17: ${SHIM_MESSAGE}" >&2\nexit 1`,
    );
  }
}

/**
 * `rs` with one more IPv4 set that no rule uses: its apply has a set to make on every node. A node
 * whose new rules need only sets it has already never calls ipset at all, so could not fail there.
 */
function withNewSet(rs: RuleSet): RuleSet {
  const extra: IpSet = { name: setName(4, 'P', 'lifecycle extra'), type: 'hash:ip', family: 4, maxelem: 65536, entries: [{ kind: 'ip', ip: ip('192.0.2.77') }] };
  return { ...rs, v4: { ...rs.v4, sets: [...rs.v4.sets, extra] } };
}

const failureCases = [
  { name: 'iptables-restore fails', failing: 'iptables-restore' as const },
  { name: 'ipset fails', failing: 'ipset' as const },
];

test('lifecycle: a failing iptables-restore or ipset leaves the previous rule set', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  await withLab(async (lab, probers) => {
    const a = await loadScenario(['pods.yaml', 'ingress-egress.yaml']);
    const b = await loadScenario(['pods.yaml', 'live-change.yaml']);
    const rowsA = connectivityTable(a, lab);
    await applyAll(lab, a);
    const before = await statesOf(lab);
    for (const c of failureCases) {
      await t.test(c.name, async () => {
        const shim = `/tmp/knpl${process.pid}-shim-${c.failing}`;
        try {
          await makeShim(shim, c.failing);
          for (const node of lab.spec.nodes) {
            const r = await applyOnNode(lab, node.name, withNewSet(ruleSetFor(b, node.name)), [`PATH=${shim}:${process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`]);
            assert.equal(r.ok, false, `${node.name}: the apply must fail`);
            assert.equal(r.outcome, 'untouched');
            assert.match(r.error ?? '', new RegExp(SHIM_MESSAGE), `${node.name}: the tool's message is shown`);
          }
        } finally {
          await rm(shim, { recursive: true, force: true });
        }
        assert.deepEqual(await statesOf(lab), before, 'the previous rule set is still installed');
      });
    }
    await t.test('packets still follow the previous rule set', () => assertPacketsMatch(lab, probers, rowsA));
    await t.test('the node recovers: a working apply installs the new set', async () => {
      await applyAll(lab, b);
      await assertPacketsMatch(lab, probers, connectivityTable(b, lab));
    });
  });
});
