/**
 * `npm run bench`: the speed figures of issue 7. For synthetic clusters of 1k, 10k and 50k pods
 * (scripts/bench/cluster.ts), each command of the plugin runs as a whole process on the cluster's
 * JSON file, round-robin with a baseline process that only reads and JSON.parses the same file, so
 * drift on a shared machine hits all alike. Prints, per size, each command's median wall time and
 * peak memory with their ratios to the baseline's (and at 10k the targets, met or MISSED),
 * then how each figure grows from size to size, and at 10k one node's rule-set figures. It asserts
 * nothing and exits 0 whatever it finds; a command that fails is reported with its stderr's first line.
 *
 * Then, up to 10k pods, the live rows (scripts/bench/live): can-reach and explain of one policy read
 * from the test API server, paged, against the same on the file.
 *
 * At 10k pods, the watch rows (scripts/bench/watch-loop): apply-node NODE --watch against the
 * test API server, the time from each of a scripted sequence of changes to the node's rules being
 * in place.
 *
 * KNP_BENCH_SIZES=1k,10k picks sizes (default 1k,10k,50k); KNP_BENCH_RUNS=N the runs per command
 * (default 5); KNP_BENCH_TIMEOUT=S the seconds one run may take (default 180); KNP_BENCH_ONLY=live
 * or =watch runs those rows alone (no file tables, rule set or growth), for a quick look at them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterShape, SAMPLE, writeCluster, type ClusterShape } from './bench/cluster.js';
import { BASELINE, COMMANDS, LIVE_COMMANDS, LIVE_TARGET, TARGET_PODS, type BenchCommand } from './bench/commands.js';
import { measureLive, startLiveServer } from './bench/live.js';
import { createRunner, median, type Runner } from './bench/measure.js';
import { growthTable, liveTable, sizeName, sizeTable, type Measured, type Result, type SizeResult } from './bench/report.js';
import { ruleSetFigures } from './bench/ruleset.js';
import { measureWatchLoop } from './bench/watch-loop.js';

/** Above the target size, a command that would take longer than this per run is left out. */
const SLOW_MS = 60_000;

function setting(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function parseSizes(text: string): ClusterShape[] {
  const shapes = text.split(',').map((part) => {
    const m = /^(\d+)(k?)$/i.exec(part.trim());
    if (!m) throw new Error(`KNP_BENCH_SIZES: "${part}" is not a size such as 1k, 10k or 50000`);
    return clusterShape(Number(m[1]) * (m[2] === '' ? 1 : 1000));
  });
  // The growth table reads them smallest first.
  return shapes.sort((a, b) => a.pods - b.pods);
}

function positive(name: string, fallback: number): number {
  const n = Number(setting(name, String(fallback)));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: want a whole number >= 1`);
  return n;
}

/**
 * Past the target size, a command that failed, was skipped or would be slow at the size before is
 * left out here, saying why: a failure repeats, and at 50k it would cost minutes and gigabytes.
 */
function skipReason(previous: SizeResult | undefined, k: number, shape: ClusterShape): string | undefined {
  if (previous === undefined || shape.pods <= TARGET_PODS) return undefined;
  const before = previous.results[k] as Result;
  const at = sizeName(previous.shape.pods);
  if (before.kind === 'failed') return `failed at ${at}`;
  if (before.kind === 'skipped') return `skipped at ${at}`;
  const expected = (before.ms * shape.pods) / previous.shape.pods;
  if (expected > SLOW_MS) return `would take about ${Math.round(expected / 1000)} s a run (${Math.round(before.ms / 1000)} s at ${at}, growing linearly)`;
  return undefined;
}

async function measureSize(runner: Runner, file: string, shape: ClusterShape, bytes: number, previous: SizeResult | undefined, runs: number, timeoutMs: number): Promise<SizeResult> {
  const results: Result[] = COMMANDS.map((_, k) => {
    const reason = skipReason(previous, k, shape);
    return reason === undefined ? { kind: 'measured', ms: 0, kib: 0, runs: 0 } : { kind: 'skipped', reason };
  });
  const samples = COMMANDS.map(() => ({ ms: [] as number[], kib: [] as number[] }));
  const base = { ms: [] as number[], kib: [] as number[] };
  const once = async (command: BenchCommand) => runner.run(command.argv(file), command.okCodes, timeoutMs);
  // A first, uncounted run of the baseline pulls node and the file into the page cache.
  await once(BASELINE);
  for (let round = 1; round <= runs; round++) {
    process.stderr.write(`bench ${sizeName(shape.pods)}: round ${round}/${runs}\n`);
    const b = await once(BASELINE);
    if (!b.ok) throw new Error(`the baseline failed: ${b.reason}`);
    base.ms.push(b.ms);
    base.kib.push(b.kib);
    for (const [k, command] of COMMANDS.entries()) {
      if ((results[k] as Result).kind !== 'measured') continue;
      const r = await once(command);
      // A failure is deterministic here (the same input every round): one is enough to report.
      if (!r.ok) results[k] = { kind: 'failed', reason: r.reason, afterMs: r.ms, ...(r.kib === undefined ? {} : { kib: r.kib }) };
      else {
        samples[k]?.ms.push(r.ms);
        samples[k]?.kib.push(r.kib);
      }
    }
  }
  const summary = (s: { ms: number[]; kib: number[] }): Measured => ({ kind: 'measured', ms: median(s.ms), kib: median(s.kib), runs: s.ms.length });
  return {
    shape,
    bytes,
    baseline: summary(base),
    results: results.map((r, k) => (r.kind === 'measured' ? summary(samples[k] as { ms: number[]; kib: number[] }) : r)),
  };
}

/**
 * The live rows at one size. The server runs as a child process of its own rather than in this one:
 * here it would share the event loop that stamps each plugin process's spawn and exit, and this
 * process's heap (the generated cluster) would lengthen its GC pauses. Either way it shares the CPUs.
 */
async function liveRows(runner: Runner, file: string, dir: string, shape: ClusterShape, runs: number, timeoutMs: number): Promise<string[]> {
  if (shape.pods > TARGET_PODS) {
    return [`${sizeName(shape.pods)} pods, live: skipped (the issue sets the live target at ${sizeName(TARGET_PODS)}; a second process holding every object would add its memory and minutes to the largest size)`];
  }
  const server = await startLiveServer(file, dir);
  try {
    const live = await measureLive(runner, file, server, LIVE_COMMANDS, runs, timeoutMs, sizeName(shape.pods));
    return liveTable({ shape, ...live }, LIVE_COMMANDS, runs, LIVE_TARGET, cpus().length);
  } finally {
    await server.close();
  }
}

/** The watch rows: one loop, a scripted sequence of changes on one node. */
async function watchRows(file: string, dir: string, shape: ClusterShape): Promise<string[]> {
  const changes = 10;
  try {
    const w = await measureWatchLoop(file, dir, { node: SAMPLE.node, namespace: SAMPLE.policyNamespace, pod: SAMPLE.from.split('/')[1] ?? '' }, changes);
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    return [
      `${sizeName(shape.pods)} pods, apply-node ${SAMPLE.node} --watch against the test API server (debounce 1s as shipped; a fake node that installs at once):`,
      `  first apply after start (list, build, helper pod, state read, program): ${s(w.firstApplyMs)}`,
      `  change -> ${SAMPLE.node}'s rules in place, over ${w.changes} changes (a pod added to an isolated namespace on the node, then deleted): median ${s(w.medianMs)}, worst ${s(w.worstMs)}`,
      `  re-apply cost of one node (that less the debounce: rebuild, helper pod, state read, program): median ${s(w.reapplyMs)}`,
    ];
  } catch (e) {
    return [`${sizeName(shape.pods)} pods, watch: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`];
  }
}

async function main(): Promise<void> {
  const shapes = parseSizes(setting('KNP_BENCH_SIZES', '1k,10k,50k'));
  const runs = positive('KNP_BENCH_RUNS', 5);
  const timeoutMs = positive('KNP_BENCH_TIMEOUT', 180) * 1000;
  const only = setting('KNP_BENCH_ONLY', '');
  if (only !== '' && only !== 'live' && only !== 'watch') throw new Error(`KNP_BENCH_ONLY: "${only}" is not "live" or "watch"`);
  const fileRows = only === '';
  const dir = mkdtempSync(join(tmpdir(), 'knp-bench-'));
  try {
    const runner = createRunner(dir);
    console.log(`node ${process.version}, ${cpus().length} CPUs; wall time from spawn to exit, peak memory by ${runner.method}; output to /dev/null`);
    const sizes: SizeResult[] = [];
    for (const shape of shapes) {
      const file = join(dir, `cluster-${sizeName(shape.pods)}.json`);
      const bytes = writeCluster(file, shape);
      if (fileRows) {
        const size = await measureSize(runner, file, shape, bytes, sizes.at(-1), runs, timeoutMs);
        sizes.push(size);
        console.log();
        for (const line of sizeTable(size, COMMANDS, runs)) console.log(line);
        if (shape.pods === TARGET_PODS) {
          console.log();
          for (const line of await ruleSetFigures(file, SAMPLE.node)) console.log(line);
        }
      }
      if (only !== 'watch') {
        console.log();
        for (const line of await liveRows(runner, file, dir, shape, runs, timeoutMs)) console.log(line);
      }
      if (only !== 'live' && shape.pods === TARGET_PODS) {
        console.log();
        for (const line of await watchRows(file, dir, shape)) console.log(line);
      }
      rmSync(file);
    }
    if (sizes.length > 1) {
      console.log();
      console.log('growth: per-pod cost at one size over the size before (1.00 linear, less is better); matrix rows cover the same pods at every size');
      for (const line of growthTable('time', sizes, COMMANDS)) console.log(line);
      console.log();
      for (const line of growthTable('memory', sizes, COMMANDS)) console.log(line);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
