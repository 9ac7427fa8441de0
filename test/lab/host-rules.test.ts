/**
 * The apply-node script next to other programs' rules on a live lab node: a rule another program
 * put above our jump (a CNI's "-s POD-CIDR -j ACCEPT") is pushed below it again by the next
 * apply, and packets follow the engine's verdicts again; chains, sets and comments that merely
 * look like ours (KNP-ADMIN, KNP-blocklist, "-j KNP-FORWARD" in a comment) are never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downLab, flushNeighbours, runInNode, SKIP_UNLESS_ROOT, upLab, type Lab } from './lab.js';
import { probeAll, Probers, startListeners } from './probe.js';
import { describeReport } from '../../src/node/index.js';
import { nodeState } from './node-state.js';
import { applyOnNode, cleanupOnNode, ruleSetFor, connectivityTable, labSpecFor, listenerMembers, loadScenario, mismatches, mismatchSummary, PORTS, type Row } from './scenario.js';
import type { CompiledSnapshot } from '../../src/engine/compile.js';

async function applyAll(lab: Lab, c: CompiledSnapshot): Promise<string[]> {
  const outputs: string[] = [];
  for (const node of lab.spec.nodes) {
    const r = await applyOnNode(lab, node.name, ruleSetFor(c, node.name));
    assert.ok(r.ok, `apply on ${node.name} failed: ${r.error}`);
    outputs.push(describeReport(r).join('\n'));
  }
  return outputs;
}

async function sh(lab: Lab, node: string, command: string): Promise<string> {
  const r = await runInNode(lab, node, ['sh', '-c', command], '');
  assert.equal(r.code, 0, `${command} in ${node}: ${r.stderr}`);
  return r.stdout;
}

async function wrongPackets(lab: Lab, probers: Probers, rows: readonly Row[]): Promise<string[]> {
  await flushNeighbours(lab);
  return mismatches(rows, await probeAll(probers, rows.map((r) => r.probe)));
}

/** What a CNI plugin might insert on its own: every pod's traffic accepted, first thing. */
const POD_ACCEPT = [
  { cmd: 'iptables', rule: '-s 10.244.0.0/16 -j ACCEPT' },
  { cmd: 'ip6tables', rule: '-s fd00:244::/32 -j ACCEPT' },
];

test('host rules: rules inserted above our jumps go below them at the next apply', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  const c = await loadScenario(['pods.yaml', 'ingress-egress.yaml']);
  const lab = await upLab(labSpecFor(c.snapshot));
  const probers = new Probers(lab);
  try {
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));
    const rows = connectivityTable(c, lab);
    await applyAll(lab, c);
    for (const node of lab.spec.nodes) {
      for (const { cmd, rule } of POD_ACCEPT) await sh(lab, node.name, `${cmd} -I FORWARD 1 ${rule} && ${cmd} -I INPUT 1 ${rule}`);
    }
    await t.test('the inserted rules let denied traffic through (the premise)', async () => {
      const wrong = await wrongPackets(lab, probers, rows);
      assert.ok(wrong.length > 0, 'some denied connection passes while the foreign ACCEPT is first');
    });

    const outputs = await applyAll(lab, c);
    await t.test('the re-apply says it moved our jump', () => {
      for (const out of outputs) assert.match(out, /IPv4: .*jump moved back to the top of FORWARD$/m);
    });
    await t.test('our jump is first in FORWARD, the foreign rule kept right after it; INPUT holds nothing of ours', async () => {
      for (const node of lab.spec.nodes) {
        for (const { cmd, rule } of POD_ACCEPT) {
          const save = (await sh(lab, node.name, `${cmd}-save -t filter`)).split('\n');
          const fwd = save.filter((l) => l.startsWith('-A FORWARD '));
          assert.match(fwd[0] ?? '', / -j KNP-FORWARD$/, `${node.name} ${cmd} FORWARD`);
          assert.equal(fwd[1], `-A FORWARD ${rule}`, `${node.name} ${cmd} FORWARD`);
          const input = save.filter((l) => l.startsWith('-A INPUT '));
          assert.equal(input[0], `-A INPUT ${rule}`, `${node.name} ${cmd} INPUT`);
          assert.ok(input.every((l) => !/ -j KNP-\S+$/.test(l)), `${node.name} ${cmd} INPUT`);
        }
      }
    });
    await t.test('packets follow the verdicts again', async () => {
      const wrong = await wrongPackets(lab, probers, rows);
      assert.deepEqual(wrong, [], mismatchSummary(wrong, rows.length));
    });
  } finally {
    probers.close();
    await downLab(lab);
  }
});

/** An admin's own things under our prefix, in both families, and comments that name our chains. */
const LOOKALIKES = `
set -e
for t in iptables ip6tables; do
  $t -N KNP-ADMIN
  $t -A KNP-ADMIN -p tcp --dport 2222 -j DROP
  $t -A OUTPUT -j KNP-ADMIN
  $t -A FORWARD -m comment --comment "see -j KNP-FORWARD"
  $t -A INPUT -p tcp --dport 23 -m comment --comment "-j KNP-INPUT" -j DROP
done
ipset create KNP-blocklist hash:ip
ipset add KNP-blocklist 203.0.113.66
`;

/** The look-alikes' lines in a node's state: every line naming them, in order. */
async function lookalikeLines(lab: Lab, node: string): Promise<string> {
  const s = await nodeState(lab, node);
  const pick = (text: string) => text.split('\n').filter((l) => /KNP-ADMIN|"see -j KNP-FORWARD"|"-j KNP-INPUT"/.test(l));
  const set = s.ipsets.split('\n\n').find((b) => b.startsWith('Name: KNP-blocklist\n')) ?? 'no KNP-blocklist';
  return [...pick(s.nft4), ...pick(s.nft6), set].join('\n');
}

test('host rules: look-alikes of our names survive apply, re-apply and cleanup', { skip: SKIP_UNLESS_ROOT }, async () => {
  const a = await loadScenario(['pods.yaml', 'ingress-egress.yaml']);
  const b = await loadScenario(['pods.yaml', 'live-change.yaml']);
  const lab = await upLab(labSpecFor(a.snapshot));
  try {
    const pristine = new Map<string, string>();
    for (const node of lab.spec.nodes) {
      await sh(lab, node.name, LOOKALIKES);
      const lines = await lookalikeLines(lab, node.name);
      assert.equal(lines.split('\n').filter((l) => l.startsWith('-A ')).length, 8, lines);
      assert.match(lines, /203\.0\.113\.66/);
      pristine.set(node.name, lines);
    }
    const intact = async (when: string): Promise<void> => {
      for (const node of lab.spec.nodes) assert.equal(await lookalikeLines(lab, node.name), pristine.get(node.name), `${when}: ${node.name}`);
    };
    await applyAll(lab, a);
    await intact('after apply');
    await applyAll(lab, a);
    await intact('after re-apply');
    await applyAll(lab, b);
    await intact('after a change');
    for (const node of lab.spec.nodes) {
      const r = await cleanupOnNode(lab, node.name);
      assert.ok(r.ok, r.error);
    }
    await intact('after cleanup');
  } finally {
    await downLab(lab);
  }
});
