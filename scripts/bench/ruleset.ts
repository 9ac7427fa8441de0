/**
 * @module scripts/bench/ruleset
 * The figures of one node's rule set that the process table cannot show: rules, chains, sets and
 * entries, the size of the program sent to a node that holds nothing of ours and, as root, the time
 * node/apply takes to install it (state read, then the program), re-apply it (the read alone: nothing
 * changed) and clean up in a throwaway network namespace, through a local `sh -s` runner
 * (KNP_BENCH_INSTALL=0 skips that; KNP_BENCH_SCRIPT=FILE keeps the program). Built in this process
 * from the same file the commands read.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileSnapshot } from '../../src/engine/index.js';
import { applyRuleSet, buildRuleSet, cleanupNode, entryCount, planApply, renderProgram, ruleCount, type ApplyReport, type NodeRunner } from '../../src/node/index.js';
import { readManifests } from '../../src/sources/files.js';
import { toSnapshot } from '../../src/sources/snapshot.js';

function canInstall(): boolean {
  if (process.env['KNP_BENCH_INSTALL'] === '0') return false;
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v ip && command -v ipset && command -v iptables-restore']).status === 0;
}

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;

export async function ruleSetFigures(file: string, node: string): Promise<string[]> {
  const snapshot = toSnapshot(await readManifests([file]));
  const rs = buildRuleSet(compileSnapshot(snapshot), node);
  const planned = planApply(rs, undefined);
  if (!planned.ok) throw new Error(planned.error);
  const script = renderProgram(planned.plan);
  const keep = process.env['KNP_BENCH_SCRIPT'];
  if (keep !== undefined && keep !== '') writeFileSync(keep, script);
  const local = snapshot.pods.filter((p) => p.nodeName === node).length;
  const lines = [
    `rule set of ${node} (${local} pods): ${ruleCount(rs.v4) + ruleCount(rs.v6)} rules (IPv4 ${ruleCount(rs.v4)}, IPv6 ${ruleCount(rs.v6)}), ` +
      `${rs.v4.chains.length + rs.v6.chains.length} chains, ${rs.v4.sets.length + rs.v6.sets.length} sets of ${entryCount(rs.v4) + entryCount(rs.v6)} entries; ` +
      `program ${Buffer.byteLength(script)} bytes, ${script.split('\n').length} lines`,
  ];
  if (!canInstall()) return [...lines, 'install in a netns: skipped (needs root, ip, ipset and iptables; KNP_BENCH_INSTALL=0 skips it as root)'];
  const ns = `knp-bench-${process.pid}`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    const runner: NodeRunner = async (text) => {
      const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-s'], { input: text, encoding: 'utf8', maxBuffer: 1 << 28 });
      return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const run = async (label: string, job: () => Promise<ApplyReport>): Promise<string> => {
      const t0 = performance.now();
      const r = await job();
      const took = ms(t0);
      return `${label}: ${took} (${r.outcome}${r.ok ? '' : `: ${r.error ?? ''}`})`;
    };
    return [
      ...lines,
      await run('install in a throwaway netns', () => applyRuleSet(runner, rs)),
      await run('re-apply, nothing changed', () => applyRuleSet(runner, rs)),
      await run('cleanup', () => cleanupNode(runner, { node })),
    ];
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
  }
}
