// The bench's synthetic cluster is one the plugin reads: the 1k size, written as the bench writes
// it, goes through the real executable with the objects the bench's commands name (SAMPLE), each
// answering with a verdict exit code and nothing on stderr. And it is the cluster the bench claims:
// deterministic, with exactly 500 and 1,000 pods under the matrix rows' labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterItems, clusterShape, SAMPLE, SAMPLE_1000, SAMPLE_500, writeCluster } from '../../../scripts/bench/cluster.js';
import { netpol } from '../../cli/run.js';

const shape = clusterShape(1000);
const dir = mkdtempSync(join(tmpdir(), 'knp-bench-test-'));
const file = join(dir, 'cluster.json');
writeCluster(file, shape);
test.after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  args: string[];
  codes: number[];
}

const cases: Case[] = [
  { name: 'can-reach across namespaces on a named port', args: ['can-reach', SAMPLE.from, SAMPLE.to, '--port', SAMPLE.port], codes: [0, 1] },
  { name: 'explain one policy', args: ['explain', SAMPLE.policy, '-n', SAMPLE.policyNamespace], codes: [0] },
  { name: 'explain one pod', args: ['explain', `pod/${SAMPLE.pod}`, '-n', SAMPLE.podNamespace], codes: [0] },
];

for (const c of cases) {
  test(`1k cluster: ${c.name}`, async () => {
    const r = await netpol([...c.args, '-f', file]);
    assert.equal(r.stderr, '');
    assert.ok(c.codes.includes(r.code), `exit ${r.code}, want ${c.codes.join(' or ')}`);
  });
}

test('1k cluster: explain -o json lists every generated policy', async () => {
  const r = await netpol(['explain', '-o', 'json', '-f', file]);
  assert.equal(r.code, 0);
  const names = (JSON.parse(r.stdout) as { policies: { policy: string }[] }).policies.map((p) => p.policy);
  assert.equal(names.length, shape.policies);
  assert.ok(names.includes(`${SAMPLE.policyNamespace}/${SAMPLE.policy}`));
});

test('1k cluster: the generator is deterministic and the samples are exact', () => {
  assert.equal(readFileSync(file, 'utf8'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: clusterItems(shape) }));
  const pods = clusterItems(shape).filter((o) => o['kind'] === 'Pod');
  assert.equal(pods.length, 1000);
  const labelled = (key: string) => pods.filter((p) => (p['metadata'] as { labels: Record<string, string> }).labels[key] === 'yes').length;
  assert.equal(labelled(SAMPLE_500), 500);
  assert.equal(labelled(SAMPLE_1000), 1000);
});
