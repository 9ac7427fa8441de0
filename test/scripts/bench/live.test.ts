// The bench's live rows measure what they claim: the server process it forks serves the 1k cluster
// file's objects, the live commands give the file's answers (so the two timings are of the same
// work), and its counts show the paging. And the live table judges the ratio at 10k only. Nothing
// here is timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterShape, writeCluster } from '../../../scripts/bench/cluster.js';
import { LIVE_COMMANDS } from '../../../scripts/bench/commands.js';
import { startLiveServer } from '../../../scripts/bench/live.js';
import { liveTable } from '../../../scripts/bench/report.js';
import { netpol } from '../../cli/run.js';

const dir = mkdtempSync(join(tmpdir(), 'knp-bench-live-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('live rows: the forked server serves the cluster file, and the live answers are the file answers', async () => {
  const file = join(dir, 'cluster.json');
  writeCluster(file, clusterShape(1000));
  const server = await startLiveServer(file, dir);
  try {
    assert.equal(server.objects, 1230);
    for (const c of LIVE_COMMANDS) {
      const args = c.pluginArgs ?? [];
      const fromFile = await netpol([...args, '-f', file]);
      await server.stats();
      const live = await netpol([...args, '--kubeconfig', server.kubeconfig]);
      const stats = await server.stats();
      assert.equal(live.stderr, '', c.label);
      assert.equal(live.code, fromFile.code, c.label);
      // The server defaults policyTypes as a real one does, and explain says whether it was set, so
      // explain is held to the same policy and verdict; can-reach, to the same answer.
      if (c.pluginArgs?.[0] === 'explain') assert.equal(live.stdout.split('\n')[0], fromFile.stdout.split('\n')[0], c.label);
      else assert.equal(live.stdout, fromFile.stdout, c.label);
      assert.ok(stats.lists > 0 && stats.limited === stats.lists, `${c.label}: every list paged (${JSON.stringify(stats)})`);
    }
    // explain reads the 1,000 pods cluster-wide: two pages of 500.
    const explain = LIVE_COMMANDS[1];
    assert.ok(explain !== undefined);
    await netpol([...(explain.pluginArgs ?? []), '--kubeconfig', server.kubeconfig]);
    const stats = await server.stats();
    assert.ok(stats.pages > stats.lists, JSON.stringify(stats));
  } finally {
    await server.close();
  }
});

test('live table: the ratio is judged against the target at 10k, shown alone at other sizes', () => {
  const m = (ms: number) => ({ kind: 'measured', ms, kib: 1024, runs: 3 }) as const;
  const stats = { lists: 3, pages: 25, limited: 3 };
  const rows = [
    { file: m(1000), live: m(1400), stats },
    { file: m(1000), live: m(1600), stats },
  ];
  const at = (pods: number) => liveTable({ shape: clusterShape(pods), server: { objects: 1, loadMs: 1 }, rows }, LIVE_COMMANDS, 3, 1.5, 2).join('\n');
  const ten = at(10_000);
  assert.match(ten, /1\.40\s+1\.5x met\s+3\s+25/);
  assert.match(ten, /1\.60\s+1\.5x MISSED/);
  assert.doesNotMatch(at(1000), /\bmet\b|MISSED/);
  assert.match(ten, /2 CPUs here, shared/);
});
