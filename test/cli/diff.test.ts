// diff through the real executable, checked against answers computed independently: `matrix`
// on each side, on every port where some rule of the fixtures starts or stops admitting (and
// beside it), must agree with the connection sets diff reports before and after for every pair
// it lists, and be equal on both sides for every pair it leaves out; address blocks are checked
// with can-reach from an address inside them. The fixtures hold a workload (a Deployment), a
// named port that means different numbers on two pods, and an ipBlock whose except goes away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { netpol, repo } from './run.js';

const BEFORE = join(repo, 'test/fixtures/diff/before.yaml');
const AFTER = join(repo, 'test/fixtures/diff/after.yaml');

type Conns = 'all' | 'none' | { protocol: string; ports: [number, number][] }[];
interface Change {
  from: string;
  to: string;
  change: string;
  before: Conns;
  after: Conns;
  why: string;
}

function holds(c: Conns, protocol: string, port: number): boolean {
  if (c === 'all') return true;
  if (c === 'none') return false;
  return c.some((p) => p.protocol === protocol && p.ports.some(([a, b]) => port >= a && port <= b));
}

/** Ports where the fixtures' rules start or stop admitting, and their neighbours. */
const PROBES: [string, number][] = [
  ...[1, 52, 53, 54, 5431, 5432, 5433, 7999, 8000, 8079, 8080, 8081, 8100, 8101, 9089, 9090, 9091, 65535].map((p): [string, number] => ['TCP', p]),
  ...[1, 53, 9090, 65535].map((p): [string, number] => ['UDP', p]),
  ['SCTP', 80],
];

async function diffJson(args: string[]): Promise<{ code: number | null; changes: Change[] }> {
  const r = await netpol(['diff', ...args, '-o', 'json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return { code: r.code, changes: (JSON.parse(r.stdout) as { changes: Change[] }).changes };
}

async function matrixOf(file: string): Promise<Map<string, boolean>> {
  const r = await netpol(['matrix', '-f', file, '-o', 'json', ...PROBES.flatMap(([proto, port]) => ['--port', `${port}/${proto}`])]);
  assert.equal(r.code, 0, r.stderr);
  const m = new Map<string, boolean>();
  for (const x of (JSON.parse(r.stdout) as { results: { from: string; to: string; port: number; protocol: string; allowed: boolean | null }[] }).results) {
    if (x.allowed !== null) m.set(`${x.from} ${x.to} ${x.protocol} ${x.port}`, x.allowed);
  }
  return m;
}

test('diff: every pair it lists has matrix\'s answers before and after on every probed port; every pair it leaves out has the same answers on both sides', async () => {
  const [{ code, changes }, was, now] = await Promise.all([diffJson([BEFORE, AFTER]), matrixOf(BEFORE), matrixOf(AFTER)]);
  assert.equal(code, 1);
  const listed = new Map(changes.map((c) => [`${c.from} ${c.to}`, c]));
  const pods = [...new Set([...was.keys()].map((k) => k.split(' ')[0] as string))];
  assert.ok(pods.includes('shop/web'), 'the workload is an end');
  let differing = 0;
  for (const from of pods) {
    for (const to of pods) {
      if (from === to) continue;
      const c = listed.get(`${from} ${to}`);
      for (const [protocol, port] of PROBES) {
        const key = `${from} ${to} ${protocol} ${port}`;
        const b = was.get(key);
        const a = now.get(key);
        if (b === undefined || a === undefined) continue;
        if (c === undefined) assert.equal(a, b, `${key}: left out by diff, yet matrix says ${b} before and ${a} after`);
        else {
          assert.equal(holds(c.before, protocol, port), b, `${key}: diff's before`);
          assert.equal(holds(c.after, protocol, port), a, `${key}: diff's after`);
          if (a !== b) differing++;
        }
      }
    }
  }
  assert.ok(differing > 0, 'some probed port differs');
  // The named port http: 8080 on api-0, 9090 on api-1; after, 8000-8100 on both, and UDP.
  assert.deepEqual(listed.get('shop/web shop/api-0')?.before, [{ protocol: 'TCP', ports: [[8080, 8080]] }]);
  assert.deepEqual(listed.get('shop/web shop/api-1')?.before, [{ protocol: 'TCP', ports: [[9090, 9090]] }]);
  assert.deepEqual(listed.get('shop/web shop/api-1')?.after, [{ protocol: 'TCP', ports: [[8000, 8100]] }, { protocol: 'UDP', ports: [[1, 65535]] }]);
  assert.equal(listed.get('shop/api-0 shop/web')?.change, 'removed');
});

test('diff: address blocks outside the cluster, as the ipBlocks cut them, agree with can-reach from inside each', async () => {
  const { changes } = await diffJson([BEFORE, AFTER]);
  const toDb = changes.filter((c) => c.to === 'data/db-0');
  assert.deepEqual(toDb.map((c) => [c.from, c.change, c.before, c.after]), [['10.1.0.0/16', 'added', 'none', [{ protocol: 'TCP', ports: [[5432, 5432]] }]]]);
  const verdict = async (file: string, from: string): Promise<number | null> => (await netpol(['can-reach', from, 'data/db-0', '--port', '5432', '-f', file])).code;
  // Inside the except before (denied), allowed after; a neighbouring block is allowed on both sides.
  assert.deepEqual([await verdict(BEFORE, '10.1.3.4'), await verdict(AFTER, '10.1.3.4')], [1, 0]);
  assert.deepEqual([await verdict(BEFORE, '10.0.3.4'), await verdict(AFTER, '10.0.3.4')], [0, 0]);
  assert.deepEqual([await verdict(BEFORE, '192.168.0.1'), await verdict(AFTER, '192.168.0.1')], [1, 1]);
  const blocks = changes.filter((c) => c.from === 'shop/api-0' && /\//.test(c.to) && !c.to.startsWith('shop/') && !c.to.startsWith('data/'));
  // api-0's egress is cut to db alone: every block of the IPv4 space, and only those, loses everything.
  const size = blocks.reduce((n, c) => n + 2 ** (32 - Number(c.to.split('/')[1])), 0);
  assert.equal(size, 2 ** 32);
  assert.ok(blocks.every((c) => c.before === 'all' && c.after === 'none'));
});

test('diff: the JSON contract, field by field; why names the rule that admits on each side', async () => {
  const { changes } = await diffJson([BEFORE, AFTER]);
  for (const c of changes) assert.deepEqual(Object.keys(c), ['from', 'to', 'change', 'before', 'after', 'why']);
  const web = changes.find((c) => c.from === 'shop/web' && c.to === 'shop/api-1');
  assert.match(web?.why ?? '', /^TCP 8000: before: egress of shop\/web: not isolated; ingress of shop\/api-1: denied, no rule of shop\/api-from-web admits it; after: .*ingress of shop\/api-1: admitted by shop\/api-from-web spec\.ingress\[0\]$/);
});

test('diff exit codes and formats: 0 and a line when nothing changes; 1 with md and csv tables; 2 on bad input', async () => {
  const same = await netpol(['diff', BEFORE, BEFORE]);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, 'No connectivity changes.\n');
  const md = await netpol(['diff', BEFORE, AFTER, '-o', 'md']);
  assert.equal(md.code, 1);
  assert.match(md.stdout, /^\*\*kubectl netpol diff\*\*: \d+ pairs of endpoints whose connections change\.\n\n\| From \| To \| Change \| Before \| After \| Why \|\n\|---\|/);
  assert.match(md.stdout, /^\| `shop\/web` \| `shop\/api-0` \| changed \| TCP 8080 \| TCP 8000-8100; UDP all ports \| /m);
  const csv = await netpol(['diff', BEFORE, AFTER, '-o', 'csv']);
  assert.equal(csv.code, 1);
  assert.match(csv.stdout, /^from,to,change,before,after,why\n/);
  assert.match(csv.stdout, /^shop\/web,shop\/api-0,changed,TCP 8080,TCP 8000-8100; UDP all ports,/m);
  const table = await netpol(['diff', BEFORE, AFTER]);
  assert.match(table.stdout, /^FROM +TO +CHANGE +BEFORE +AFTER\n/);
  for (const [args, msg] of [
    [['diff', BEFORE], /^error: diff needs BEFORE and AFTER/],
    [['diff', BEFORE, join(repo, 'no-such-dir')], /^error: .*no-such-dir/],
    [['diff', '-f', BEFORE, BEFORE, AFTER], /^error: diff takes BEFORE and AFTER as arguments/],
    [['diff', BEFORE, AFTER, '-o', 'pdf'], /^error: .*pdf/],
  ] as const) {
    const r = await netpol([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

let server: FakeApiServer;
let kubeconfig: string;
let dir: string;
const docs = (file: string): JsonObject[] => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as JsonObject);
/** A live cluster runs the Deployment's pods, not the Deployment: one pod stands for it. */
const webPod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'shop', name: 'web-0', labels: { app: 'web' } },
  spec: { nodeName: 'node-b', containers: [{ name: 'c', image: 'img' }] },
  status: { phase: 'Running', podIP: '10.244.2.30', podIPs: [{ ip: '10.244.2.30' }] },
};
const notDeployment = (o: JsonObject): boolean => o['kind'] !== 'Deployment';
const keyOf = (o: JsonObject): string => {
  const m = o['metadata'] as { namespace?: string; name: string };
  return `${String(o['kind'])}/${m.namespace ?? ''}/${m.name}`;
};

before(async () => {
  server = await startApiServer({ objects: [...docs(BEFORE).filter(notDeployment), webPod] });
  dir = mkdtempSync(join(tmpdir(), 'knp-diff-'));
  kubeconfig = server.kubeconfigPath(dir);
});
after(async () => server.close());

test('diff --cluster AFTER: the live cluster before, the files laid over it after: the same changes as diffing those two as files', async () => {
  const overlay = join(dir, 'overlay.json');
  const local = docs(AFTER).filter(notDeployment);
  writeFileSync(overlay, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: local }));
  const live = await diffJson(['--cluster', overlay, '--kubeconfig', kubeconfig]);
  assert.equal(live.code, 1);
  const stored = server.stored();
  const merged = new Map(stored.map((o) => [keyOf(o), o]));
  for (const o of local) merged.set(keyOf(o), o);
  const beforeFile = join(dir, 'before.json');
  const afterFile = join(dir, 'after.json');
  writeFileSync(beforeFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: stored }));
  writeFileSync(afterFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...merged.values()] }));
  const files = await diffJson([beforeFile, afterFile]);
  assert.deepEqual(live.changes, files.changes);
  assert.ok(live.changes.some((c) => c.from === 'shop/web-0' && c.to === 'shop/api-1'), 'the live pod is an end');
  const none = await netpol(['diff', '--cluster', beforeFile, '--kubeconfig', kubeconfig]);
  assert.equal(none.code, 0, none.stdout + none.stderr);
});
