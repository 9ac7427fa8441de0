/**
 * The whole path, end to end: the real kubectl runs the plugin (`kubectl netpol apply-node --all`),
 * which reads the test API server, creates helper pods there and execs the script into them; the
 * server's exec runs the command inside the lab node, where iptables and ipset install the rules;
 * then real packets must match the verdicts, and `kubectl netpol can-reach` against the same
 * server must give the same answers as the packets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startApiServer } from '../support/apiserver.js';
import { execInLab } from './exec-in-lab.js';
import type { JsonObject } from '../support/selectors.js';
import { run as runCmd } from '../cli/run.js';
import { downLab, flushNeighbours, SKIP_UNLESS_ROOT, upLab } from './lab.js';
import { probeAll, Probers, startListeners } from './probe.js';
import { connectivityTable, fixture, labSpecFor, listenerMembers, loadScenario, mismatches, mismatchSummary, PORTS } from './scenario.js';

const FILES = ['pods.yaml', 'ingress-egress.yaml'];
const KINDS = new Set(['Namespace', 'Pod', 'Node', 'NetworkPolicy']);

function wireObjects(): JsonObject[] {
  return FILES.flatMap((f) => parseAllDocuments(readFileSync(fixture(f), 'utf8')).map((d) => d.toJS() as JsonObject))
    .filter((o) => o !== null && KINDS.has(String(o['kind'])));
}

test('e2e: kubectl netpol apply-node --all through the API server and exec, then packets = can-reach', { skip: SKIP_UNLESS_ROOT }, async () => {
  const c = await loadScenario(FILES);
  const lab = await upLab(labSpecFor(c.snapshot));
  const server = await startApiServer({ objects: [...wireObjects(), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  const probers = new Probers(lab);
  try {
    server.setExecHandler(
      execInLab(lab, (ns, pod) => String((server.get('Pod', ns, pod) as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName)),
    );
    const dir = mkdtempSync(join(tmpdir(), 'knp-e2e-'));
    const kubeconfig = server.kubeconfigPath(dir);
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));

    const applied = await runCmd('kubectl', ['netpol', 'apply-node', '--all', '--kubeconfig', kubeconfig, '--timeout', '60s'], { timeoutMs: 120_000 });
    assert.equal(applied.code, 0, `apply-node failed:\n${applied.stdout}\n${applied.stderr}`);
    for (const node of lab.spec.nodes) assert.match(applied.stdout, new RegExp(`^node ${node.name}: `, 'm'));
    assert.equal(server.requests(/\/pods\/netpol-helper-/).filter((r) => r.method === 'DELETE').length, lab.spec.nodes.length, 'each helper pod deleted');

    await flushNeighbours(lab);
    const rows = connectivityTable(c, lab);
    const outcomes = await probeAll(probers, rows.map((r) => r.probe));
    const wrong = mismatches(rows, outcomes);
    assert.deepEqual(wrong, [], mismatchSummary(wrong, rows.length));

    // can-reach, asked through kubectl of the same server, agrees with the packets pod to pod.
    const podRows = rows.filter((r) => /^\S+\/\S+ -> \S+\/\S+ \[10\./.test(r.label) && r.probe.protocol === 'TCP').slice(0, 24);
    assert.ok(podRows.some((r) => r.allowed) && podRows.some((r) => !r.allowed), 'the sample holds both verdicts');
    for (const r of podRows) {
      const m = /^(\S+) -> (\S+) /.exec(r.label);
      const cr = await runCmd('kubectl', ['netpol', 'can-reach', m?.[1] ?? '', m?.[2] ?? '', '--port', `${r.probe.port}/${r.probe.protocol}`, '--kubeconfig', kubeconfig]);
      const packets = outcomes[rows.indexOf(r)];
      assert.equal(cr.code, packets === 'open' ? 0 : 1, `${r.label}: can-reach exit ${cr.code}, packets ${packets}\n${cr.stderr}`);
    }
  } finally {
    probers.close();
    await server.close();
    await downLab(lab);
  }
});
