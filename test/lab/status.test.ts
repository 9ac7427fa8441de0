/**
 * `kubectl netpol status` on real nodes: the real kubectl runs the plugin against the test API
 * server, whose exec runs the status script inside the lab node. After apply-node every node is in
 * sync; refused connections show in the counters of the destination pod's chain, and admitted ones
 * in its policy's; a new pod makes its node stale (naming it), a foreign ACCEPT above our hook is
 * reported with its text, and after a cleanup nothing is installed. No helper pod is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileSnapshot } from '../../src/engine/compile.js';
import { readManifests } from '../../src/sources/files.js';
import { toSnapshot } from '../../src/sources/snapshot.js';
import { writeFileSync } from 'node:fs';
import { startApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { repo } from '../cli/run.js';
import { execInLab } from './exec-in-lab.js';
import { downLab, flushNeighbours, podAddresses, runInNode, SKIP_UNLESS_ROOT, upLab } from './lab.js';
import { probeAll, Probers, startListeners, type ListenPort } from './probe.js';
import { fixture, labSpecFor, listenerMembers } from './scenario.js';

const PORTS: readonly ListenPort[] = [{ protocol: 'TCP', port: 8080 }];

function objectsOf(name: string): JsonObject[] {
  return parseAllDocuments(readFileSync(fixture(name), 'utf8')).map((d) => d.toJS() as JsonObject).filter((o) => o !== null);
}

/** Admits TCP 8080 into web from namespace other only. */
const allowOther: JsonObject = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  metadata: { namespace: 'web', name: 'allow-other' },
  spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'other' } } }], ports: [{ port: 8080 }] }] },
};
const newPod: JsonObject = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { namespace: 'web', name: 'web-new', labels: { app: 'web' } },
  spec: { nodeName: 'node-b', containers: [{ name: 'c', image: 'img' }] },
  status: { phase: 'Running', podIP: '10.244.2.12', podIPs: [{ ip: '10.244.2.12' }] },
};

interface StatusJson {
  nodes: {
    node: string;
    status: string;
    changes: { chain: string; for: { kind: string; name?: string; direction?: string }; change: string }[];
    families: { family: string; hook: string; ahead: string[] }[];
    counters?: { family: string; chain: string; for: { kind: string; name?: string; direction?: string }; packets: number; rejected: number; admittedBy: { policy: string; packets: number }[] }[];
  }[];
}

test('status on lab nodes: in sync after apply, counters of real packets, stale after a change, foreign rules ahead, nothing installed after cleanup', { skip: SKIP_UNLESS_ROOT, timeout: 300_000 }, async () => {
  const objects = [...objectsOf('pods.yaml'), ...objectsOf('default-deny.yaml'), allowOther];
  const file = join(mkdtempSync(join(tmpdir(), 'knp-status-lab-')), 'all.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...objects, newPod] }));
  const lab = await upLab(labSpecFor(compileSnapshot(toSnapshot(await readManifests([file]))).snapshot));
  const server = await startApiServer({ objects: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }, ...objects] });
  const probers = new Probers(lab);
  const kubeconfig = server.kubeconfigPath(mkdtempSync(join(tmpdir(), 'knp-status-kc-')));
  const env = { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}` };
  const kubectl = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn('kubectl', ['netpol', ...args, '--kubeconfig', kubeconfig, '--timeout', '60s'], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const status = async (args: string[], code: number): Promise<StatusJson> => {
    const r = await kubectl(['status', ...args, '-o', 'json']);
    assert.equal(r.code, code, r.stdout + r.stderr);
    return JSON.parse(r.stdout) as StatusJson;
  };
  try {
    server.setExecHandler(execInLab(lab, (ns, p) => String((server.get('Pod', ns, p) as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName)));
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));

    const before = await status(['--all'], 1);
    assert.deepEqual(before.nodes.map((n) => [n.node, n.status]), [['node-a', 'not-installed'], ['node-b', 'not-installed']]);

    const applied = await kubectl(['apply-node', '--all']);
    assert.equal(applied.code, 0, applied.stderr);
    const synced = await status(['--all'], 0);
    assert.deepEqual(synced.nodes.map((n) => [n.node, n.status]), [['node-a', 'in-sync'], ['node-b', 'in-sync']]);

    // web-a (node-a) is isolated for ingress; other/client-b may reach it on 8080, db/db-b may not.
    // Lab members are named by address (scenario.placePods): p<N>x<H> holds 10.244.N.H.
    const [webA] = podAddresses(lab, 'p1x10');
    assert.equal(webA, '10.244.1.10');
    const refusedTimes = 3;
    const admittedTimes = 2;
    await flushNeighbours(lab);
    const outcomes = await probeAll(probers, [
      ...Array.from({ length: refusedTimes }, () => ({ from: 'p2x10', host: webA, port: 8080, protocol: 'TCP' as const })),
      ...Array.from({ length: admittedTimes }, () => ({ from: 'p2x11', host: webA, port: 8080, protocol: 'TCP' as const })),
    ], 1);
    assert.deepEqual(outcomes, [...Array(refusedTimes).fill('refused'), ...Array(admittedTimes).fill('open')], 'the probes came out as the policies say');

    const counted = await status(['node-a'], 0);
    const chains = counted.nodes[0]?.counters ?? [];
    const webIn = chains.find((c) => c.family === 'IPv4' && c.for.kind === 'pod' && c.for.name === 'web/web-a' && c.for.direction === 'ingress');
    assert.ok(webIn, JSON.stringify(chains));
    // db-b is isolated for egress too, by deny-out: its own node (node-b) refuses those packets
    // before they reach node-a. What reaches web-a's chain is client-b's: admitted by allow-other.
    assert.equal(webIn.rejected, 0, JSON.stringify(webIn));
    const byAllow = webIn.admittedBy.find((a) => a.policy === 'web/allow-other');
    assert.ok(byAllow && byAllow.packets >= admittedTimes, JSON.stringify(webIn));
    const onB = (await status(['node-b'], 0)).nodes[0]?.counters ?? [];
    const dbOut = onB.find((c) => c.family === 'IPv4' && c.for.kind === 'pod' && c.for.name === 'db/db-b' && c.for.direction === 'egress');
    assert.ok(dbOut && dbOut.rejected >= refusedTimes, JSON.stringify(dbOut));

    // A new pod in web on node-b: node-b is stale and says which pod; node-a is not affected.
    server.add(structuredClone(newPod));
    const stale = await status(['--all'], 1);
    assert.deepEqual(stale.nodes.map((n) => [n.node, n.status]), [['node-a', 'in-sync'], ['node-b', 'stale']]);
    // Its pod chain is missing, and so are web's policy chains: no pod of web ran on node-b before.
    const missing = stale.nodes[1]?.changes.filter((c) => c.change === 'missing').map((c) => `${c.for.kind} ${c.for.name ?? '?'} ${c.for.direction ?? '?'}`);
    assert.deepEqual(missing?.sort(), ['pod web/web-new ingress', 'policy web/allow-other ingress', 'policy web/deny-in ingress']);

    // Someone puts an ACCEPT above our hook on node-a.
    const foreign = ['iptables', '-I', 'FORWARD', '1', '-s', '10.244.0.0/16', '-j', 'ACCEPT'];
    assert.equal((await runInNode(lab, 'node-a', foreign, '')).code, 0);
    const ahead = await status(['node-a'], 1);
    assert.equal(ahead.nodes[0]?.status, 'foreign-ahead');
    assert.deepEqual(ahead.nodes[0]?.families.find((f) => f.family === 'IPv4')?.ahead, ['-A FORWARD -s 10.244.0.0/16 -j ACCEPT']);
    const text = await kubectl(['status', 'node-a']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^node-a +foreign-ahead /m);
    assert.match(text.stdout, /^ {2}IPv4: -A FORWARD -s 10\.244\.0\.0\/16 -j ACCEPT$/m);

    const cleaned = await kubectl(['apply-node', '--all', '--cleanup']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    const after = await status(['--all'], 1);
    assert.deepEqual(after.nodes.map((n) => [n.node, n.status]), [['node-a', 'not-installed'], ['node-b', 'not-installed']]);
    const foreignKept = await runInNode(lab, 'node-a', ['iptables-save', '-t', 'filter'], '');
    assert.match(foreignKept.stdout, /^-A FORWARD -s 10\.244\.0\.0\/16 -j ACCEPT$/m, 'a rule that is not ours is never touched');

    const leftPods = server.stored().filter((o) => o['kind'] === 'Pod' && /^netpol-helper-/.test(String((o['metadata'] as { name: string }).name)));
    assert.deepEqual(leftPods, [], 'no helper pod is left');
  } finally {
    probers.close();
    await server.close();
    await downLab(lab);
  }
});
