/**
 * @module test/node/netns
 * What the root tests of the node scripts share: a throwaway network namespace to run them in, the
 * state they leave (iptables-save of both families and ipset) and shims standing in for a tool.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../src/model/index.js';
import { compileSnapshot } from '../../src/engine/index.js';
import { applyRuleSet, buildRuleSet, cleanupNode, describeReport, shQuote, type ApplyReport, type NodeRunner, type RuleSet } from '../../src/node/index.js';

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const skip =
  process.getuid?.() !== 0
    ? 'needs root (ip netns, iptables, ipset)'
    : !['ip', 'ipset', 'iptables-nft-restore', 'iptables-legacy-restore'].every(has)
      ? 'needs ip, ipset, iptables-nft and iptables-legacy'
      : false;

export type Mode = 'nft' | 'legacy';

export class Netns {
  readonly name = `knp-unit-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  constructor() {
    const r = spawnSync('ip', ['netns', 'add', this.name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns add: ${r.stderr}`);
  }
  run(cmd: string[], input = '', env: Record<string, string> = {}) {
    const r = spawnSync('ip', ['netns', 'exec', this.name, ...cmd], { input, encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  sh(command: string): string {
    const r = this.run(['sh', '-c', command]);
    if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
    return r.stdout;
  }
  delete(): void {
    spawnSync('ip', ['netns', 'delete', this.name]);
  }
}

export function ruleSetOf(s: Snapshot): RuleSet {
  return buildRuleSet(compileSnapshot(s), 'node-a');
}

export function state(ns: Netns, mode: Mode): string {
  const clean = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  return [clean(ns.sh(`iptables-${mode}-save`)), clean(ns.sh(`ip6tables-${mode}-save`)), ns.sh('ipset save')].join('\n====\n');
}

/** The rules of our chains: names of exactly our shapes, written out here independently of names.ts. */
export function ours(ns: Netns, mode: Mode, family: 4 | 6): string[] {
  const save = ns.sh(`${family === 4 ? 'iptables' : 'ip6tables'}-${mode}-save -t filter`);
  return save.split('\n').filter((l) => /^-A KNP-(FORWARD|INPUT|(?:PO[DL]|PASS)-[EI]-[0-9a-f]{12}) /.test(l));
}

export function ourSets(ns: Netns): string[] {
  return ns.sh('ipset list -n').split('\n').filter((l) => /^KNP-[46][PNTH]-[0-9a-f]{16}$/.test(l)).sort();
}


/** Runs a script with `sh -s` in the namespace, KNP_IPTABLES_MODE set to `mode`, `path` before PATH. */
export function runScript(ns: Netns, mode: Mode, script: string, path?: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = { KNP_IPTABLES_MODE: mode, ...extra };
  if (path !== undefined) env['PATH'] = `${path}:${process.env['PATH'] ?? ''}`;
  return ns.run(['sh', '-s'], script, env);
}

export interface RunnerOptions {
  /** A directory of shims put before PATH. */
  readonly path?: string;
  readonly env?: Record<string, string>;
  /** Called with each script before it runs. */
  readonly before?: (script: string) => void;
}

/** The local runner a node agent would use, inside the namespace: what node/apply's programs go through in these tests. */
export function runner(ns: Netns, mode: Mode, o: RunnerOptions = {}): NodeRunner {
  return async (script) => {
    o.before?.(script);
    const r = runScript(ns, mode, script, o.path, o.env);
    return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
}

/** A report and the lines a person reads of it (its error last, when it failed). */
export interface Applied {
  readonly report: ApplyReport;
  readonly text: string;
}

function applied(report: ApplyReport): Applied {
  return { report, text: [...describeReport(report), ...report.warnings.map((w) => `warning: ${w}`), ...(report.error ? [`error: ${report.error}`] : [])].join('\n') };
}

/** Installs `rs` in the namespace through node/apply. */
export async function apply(ns: Netns, mode: Mode, rs: RuleSet, o: RunnerOptions = {}): Promise<Applied> {
  return applied(await applyRuleSet(runner(ns, mode, o), rs));
}

/** Removes everything of ours from the namespace through node/apply. */
export async function cleanup(ns: Netns, mode: Mode, o: RunnerOptions = {}): Promise<Applied> {
  return applied(await cleanupNode(runner(ns, mode, o), { node: 'node-a' }));
}

export function shim(dir: string, name: string, body: string): void {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
}

/** A shim body for `real` (an iptables-restore) that fails its commits with `message` and passes dry runs. */
export function commitFails(real: string, message: string): string {
  return `for a; do case $a in --test | --help) exec ${real} "$@" ;; esac; done\n/bin/cat >/dev/null; echo ${shQuote(message)} >&2; exit 1`;
}
