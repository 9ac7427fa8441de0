/**
 * The apply-node rule set, proven by packets: for each policy scenario, every lab node runs its
 * script (`sh -s`), then real TCP and UDP connections between all pods, from external hosts and
 * from the nodes (IPv4, and IPv6 where both ends have it) must come out exactly as the engine says:
 * admitted -> open, denied -> refused (REJECT). Scenarios are applied one over the other on the same
 * live nodes, as a user re-running apply-node would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downLab, flushNeighbours, SKIP_UNLESS_ROOT, upLab } from './lab.js';
import { probeAll, Probers, startListeners } from './probe.js';
import type { MarkBits } from '../../src/node/rule-data.js';
import { ruleSetText } from '../../src/node/index.js';
import { applyOnNode, ruleSetFor, connectivityTable, labSpecFor, listenerMembers, loadScenario, mismatches, mismatchSummary, PORTS } from './scenario.js';

interface Scenario {
  readonly name: string;
  /** Policy file added to pods.yaml; none: no policy at all. */
  readonly file?: string;
  /** Packet mark bits other than the default (--mark-bits). */
  readonly marks?: MarkBits;
  /** Anchors: rows (by label) whose verdict the fixture was written for, so that an engine and
   *  rule set wrong in the same way still fail. */
  readonly anchors: Readonly<Record<string, boolean>>;
}

const scenarios: Scenario[] = [
  {
    name: 'no policy: everything passes',
    anchors: { 'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': true, 'external y -> db/db-b [fd00:244:2::10]:53/UDP': true },
  },
  {
    name: 'default deny both ways',
    file: 'default-deny.yaml',
    anchors: {
      'web/api-a -> web/web-a [10.244.1.10]:8080/TCP': false,
      'db/db-b -> other/client-b [10.244.2.11]:53/UDP': false,
      'db/cache-a -> db/cache-a [10.244.1.12]:8080/TCP': true,
      'node node-a -> web/web-a [10.244.1.10]:8080/TCP': true,
      'node node-a -> web/web-a [fd00:244:1::10]:53/UDP': true,
      'node node-b -> web/web-a [10.244.1.10]:8080/TCP': false,
      'node node-b -> web/web-a [fd00:244:1::10]:8080/TCP': false,
      'other/client-b -> db/db-b [fd00:244:2::10]:5432/TCP': true,
      // An egress-isolated pod reaches its own node, on either address, but no other node.
      'db/cache-a -> node node-a bridge [10.244.1.1]:8080/TCP': true,
      'db/cache-a -> node node-a link [192.168.56.11]:5432/TCP': true,
      'db/cache-a -> node node-a link [192.168.56.11]:53/UDP': true,
      'db/cache-a -> node node-b link [192.168.56.12]:8080/TCP': false,
      'db/cache-a -> node node-b bridge [10.244.2.1]:8080/TCP': false,
      'db/db-b -> node node-b bridge [fd00:244:2::1]:8080/TCP': true,
      'db/db-b -> node node-b link [fd00:56::12]:8081/TCP': true,
      'db/db-b -> node node-a link [fd00:56::11]:8080/TCP': false,
      'db/db-b -> node node-a link [192.168.56.11]:53/UDP': false,
      'db/db-b -> external x [192.168.56.100]:8080/TCP': false,
    },
  },
  {
    name: 'ingress and egress; bridged, routed and cross-node',
    file: 'ingress-egress.yaml',
    anchors: {
      'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': true,
      'other/client-b -> web/web-a [fd00:244:1::10]:8080/TCP': true,
      'other/client-b -> web/web-a [10.244.1.10]:8081/TCP': false,
      'other/client-b -> web/api-a [10.244.1.11]:8081/TCP': false,
      'db/cache-a -> web/web-a [10.244.1.10]:8080/TCP': false,
      'db/db-b -> web/api-a [10.244.1.11]:53/UDP': true,
      'db/db-b -> web/api-a [10.244.1.11]:8081/TCP': false,
      'external x -> web/web-a [10.244.1.10]:8080/TCP': false,
      'external x -> web/api-a [10.244.1.11]:8081/TCP': true,
    },
  },
  {
    // The same rules with other mark bits, applied over the default ones and followed by them again.
    name: 'ingress and egress with --mark-bits 0x3000',
    file: 'ingress-egress.yaml',
    marks: { egress: 0x1000, ingress: 0x2000 },
    anchors: {
      'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': true,
      'other/client-b -> web/web-a [10.244.1.10]:8081/TCP': false,
      'db/cache-a -> web/web-a [10.244.1.10]:8080/TCP': false,
      'db/db-b -> web/api-a [10.244.1.11]:53/UDP': true,
    },
  },
  {
    name: 'named ports resolved per destination pod',
    file: 'named-ports.yaml',
    anchors: {
      'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': true,
      'other/client-b -> web/web-a [10.244.1.10]:8081/TCP': false,
      'other/client-b -> web/api-a [10.244.1.11]:8081/TCP': true,
      'other/client-b -> web/api-a [10.244.1.11]:8080/TCP': false,
      'other/client-b -> web/web-a [10.244.1.10]:53/UDP': true,
      'other/client-b -> web/api-a [10.244.1.11]:5353/UDP': true,
      'other/client-b -> web/api-a [10.244.1.11]:53/UDP': false,
      'other/client-b -> db/db-b [10.244.2.10]:8081/TCP': true,
      'other/client-b -> db/db-b [10.244.2.10]:5432/TCP': false,
      'other/client-b -> db/db-b [10.244.2.10]:5353/UDP': true,
      'other/client-b -> db/db-b [10.244.2.10]:53/UDP': false,
      'other/client-b -> db/cache-a [10.244.1.12]:8080/TCP': true,
      'other/client-b -> db/cache-a [10.244.1.12]:8081/TCP': false,
      'external x -> web/api-a [fd00:244:1::11]:8081/TCP': true,
      'external x -> web/api-a [fd00:244:1::11]:8080/TCP': false,
      'external x -> web/web-a [10.244.1.10]:5353/UDP': false,
    },
  },
  {
    name: 'endPort ranges',
    file: 'end-port.yaml',
    anchors: {
      'other/client-b -> db/db-b [10.244.2.10]:5432/TCP': true,
      'other/client-b -> db/db-b [10.244.2.10]:53/UDP': true,
      'other/client-b -> db/db-b [10.244.2.10]:8080/TCP': false,
      'web/api-a -> web/web-a [10.244.1.10]:8080/TCP': true,
      'web/api-a -> db/db-b [10.244.2.10]:8081/TCP': false,
      'web/api-a -> db/db-b [10.244.2.10]:5432/TCP': false,
    },
  },
  {
    name: 'ipBlock with except: external hosts, nodes and pod IPs',
    file: 'ip-block.yaml',
    anchors: {
      'external x -> web/web-a [10.244.1.10]:8080/TCP': true,
      'external x -> web/web-a [fd00:244:1::10]:8080/TCP': true,
      'external y -> web/web-a [10.244.1.10]:8080/TCP': false,
      'external y -> web/web-a [fd00:244:1::10]:8080/TCP': false,
      'node node-b -> web/web-a [10.244.1.10]:8080/TCP': true,
      'db/db-b -> web/web-a [10.244.1.10]:8080/TCP': true,
      'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': false,
      'other/client-b -> web/web-a [fd00:244:1::10]:8080/TCP': false,
      'web/api-a -> web/web-a [10.244.1.10]:8080/TCP': false,
      'db/cache-a -> other/client-b [10.244.2.11]:8080/TCP': true,
      'db/cache-a -> db/db-b [10.244.2.10]:8080/TCP': false,
    },
  },
  {
    name: 'namespaceSelector AND podSelector in one peer, OR in two',
    file: 'ns-and-pod.yaml',
    anchors: {
      'web/api-a -> db/db-b [10.244.2.10]:5432/TCP': true,
      'web/web-a -> db/db-b [10.244.2.10]:5432/TCP': false,
      'db/cache-a -> db/db-b [10.244.2.10]:5432/TCP': false,
      'db/cache-a -> web/web-a [10.244.1.10]:8080/TCP': true,
      'web/api-a -> web/web-a [10.244.1.10]:8080/TCP': true,
      'other/client-b -> web/web-a [10.244.1.10]:8080/TCP': false,
    },
  },
  {
    name: 'both pods selected by one policy on one node',
    file: 'both-selected.yaml',
    anchors: {
      'web/web-a -> web/api-a [10.244.1.11]:8081/TCP': false,
      'web/web-a -> web/api-a [fd00:244:1::11]:8081/TCP': false,
      'web/api-a -> web/web-a [10.244.1.10]:8080/TCP': true,
      'web/api-a -> web/web-a [fd00:244:1::10]:53/UDP': true,
      'db/cache-a -> other/client-b [10.244.2.11]:8080/TCP': true,
      'db/cache-a -> other/client-b [10.244.2.11]:8081/TCP': false,
      'other/client-b -> db/cache-a [10.244.1.12]:8081/TCP': true,
    },
  },
];

test('enforce: packets equal the engine, scenario by scenario', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  const base = await loadScenario(['pods.yaml']);
  const lab = await upLab(labSpecFor(base.snapshot));
  const probers = new Probers(lab);
  try {
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));
    for (const sc of scenarios) {
      await t.test(sc.name, async () => {
        const c = await loadScenario(sc.file === undefined ? ['pods.yaml'] : ['pods.yaml', sc.file]);
        const rows = connectivityTable(c, lab);
        for (const [label, want] of Object.entries(sc.anchors)) {
          const row = rows.find((r) => r.label === label);
          assert.ok(row !== undefined, `anchor ${label} is not in the table`);
          assert.equal(row.allowed, want, `engine verdict on ${label}`);
        }
        for (const node of lab.spec.nodes) {
          const rs = ruleSetFor(c, node.name, sc.marks);
          if (sc.marks !== undefined) assert.match(ruleSetText(rs), new RegExp(`--set-xmark 0x${sc.marks.egress.toString(16)}/`), 'the rules use the bits');
          const r = await applyOnNode(lab, node.name, rs);
          assert.ok(r.ok, `apply on ${node.name} failed: ${r.error}`);
        }
        await flushNeighbours(lab);
        const outcomes = await probeAll(probers, rows.map((r) => r.probe));
        const wrong = mismatches(rows, outcomes);
        assert.deepEqual(wrong, [], mismatchSummary(wrong, rows.length));
      });
    }
  } finally {
    probers.close();
    await downLab(lab);
  }
});
