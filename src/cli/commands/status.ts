/**
 * @module cli/commands/status
 * `status NODE | --all`: reads what is installed on each node with the read-only status script
 * (through a helper pod, as apply-node reads a node's state; or from --node-state FILE, what
 * --print-state-script printed on the node) and compares it with the rule set the policies give
 * now: in sync, stale (which pods and policies differ), foreign rules ahead of our hook, or
 * nothing installed. `-o wide` adds each chain's packet counters. Exit 0 when every node is in
 * sync, 1 when one is not, 2 when one could not be read.
 */
import { compileSnapshot } from '../../engine/index.js';
import { NodeStateError, nodeStatus, parseStatusRead, renderStatusScript, RuleSetBuilder, type NodeStatus, type StatusRead } from '../../node/index.js';
import { CliError } from '../../errors.js';
import { usesCluster, type GlobalArgs } from '../global-args.js';
import { loadObjects, overlayNotice } from '../source.js';
import { parseDuration } from '../../duration.js';
import type { Output } from '../output.js';
import { dataFormat, dataPrinter } from '../data-output.js';
import { checkNode, knownNodes, parseMarkBits, readNodeFile } from './apply-node.js';
import { countersText, statusRecord, statusText } from '../status-view.js';

export interface StatusOptions {
  readonly node?: string;
  readonly all: boolean;
  readonly nodeState?: string;
  readonly printStateScript: boolean;
  readonly image?: string;
  readonly helperNamespace: string;
  readonly timeout: string;
  readonly parallel: number;
  readonly markBits: string;
}

/** A node's answer to the status script, or why it is none. */
function readOf(r: { readonly exitCode: number; readonly stdout: string; readonly stderr: string }): StatusRead {
  if (r.exitCode !== 0) throw new Error(`reading the node's state failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').join(' | ') || 'no message'}`);
  try {
    return parseStatusRead(r.stdout);
  } catch (err) {
    if (err instanceof NodeStateError) throw new Error(`the node's state could not be read: ${err.message}`, { cause: err });
    throw err;
  }
}

function exitCodeOf(statuses: readonly NodeStatus[], failed: number): number {
  if (failed > 0) return 2;
  return statuses.every((s) => s.state === 'in-sync') ? 0 : 1;
}

export async function runStatus(args: GlobalArgs, o: StatusOptions, out: Output): Promise<number> {
  if (o.printStateScript) {
    if (o.node !== undefined || o.all || o.nodeState !== undefined) throw new CliError('--print-state-script prints the script that reads a node for status, and takes no NODE, --all or --node-state');
    out.write(renderStatusScript());
    return 0;
  }
  if (o.all && o.node !== undefined) throw new CliError('name a NODE or use --all, not both');
  if (!o.all && o.node === undefined) throw new CliError('status needs a NODE name, or --all');
  if (o.nodeState !== undefined && o.all) throw new CliError('--node-state holds one node\'s state: name that NODE instead of --all');
  if (o.nodeState === undefined && !usesCluster(args)) {
    throw new CliError('status with -f alone cannot read a node: give --node-state FILE (the output of status --print-state-script run on the node), or read the cluster');
  }
  if (!Number.isInteger(o.parallel) || o.parallel < 1) throw new CliError('--parallel must be a whole number >= 1');
  const marks = parseMarkBits(o.markBits);
  const timeoutMs = parseDuration(o.timeout);
  if (timeoutMs === undefined) throw new CliError(`--timeout "${o.timeout}": expected a duration such as 30s, 2m or 0 (no limit)`);
  const data = dataFormat(args.output);
  const printData = await dataPrinter(args.output);
  const fromFile = o.nodeState === undefined ? undefined : await readNodeFile(o.nodeState, parseStatusRead, 'status');
  const loaded = await loadObjects(args, () => ({ namespaces: 'all', nodes: true }));
  const known = knownNodes(loaded.snapshot);
  if (!o.all) checkNode(known, o.node as string, loaded.offline);
  const nodes = o.all ? known : [o.node as string];
  const rules = new RuleSetBuilder(compileSnapshot(loaded.snapshot), marks);
  const notice = overlayNotice(loaded);
  if (notice) out.error(notice);

  const statuses: NodeStatus[] = [];
  const failures: { node: string; text: string }[] = [];
  let interrupted = false;
  if (fromFile !== undefined) {
    statuses.push(nodeStatus(rules.build(nodes[0] as string), fromFile));
  } else {
    const cluster = loaded.cluster;
    if (!cluster) throw new CliError('status needs a cluster to read the nodes');
    const { MAX_TIMEOUT_MS } = await import('../../exec/helper-pod.js');
    if (timeoutMs > MAX_TIMEOUT_MS) throw new CliError(`--timeout "${o.timeout}": at most ${Math.floor(MAX_TIMEOUT_MS / 60_000)}m, or 0 for that longest`);
    const { nodeSessions, onEveryNode } = await import('../apply-nodes.js');
    const settings = { ...(o.image === undefined ? {} : { image: o.image }), helperNamespace: o.helperNamespace, timeoutMs, parallel: o.parallel, ...(data ? { data } : {}) };
    const run = await onEveryNode(nodes, settings, out, async (interrupts) => {
      const open = await nodeSessions<StatusRead>(cluster, settings, interrupts, out);
      return async (node, onStage) => {
        const r = await open(node, async (runScript) => readOf(await runScript(renderStatusScript())), onStage);
        return r.kind === 'stopped' ? 'stopped' : r;
      };
    });
    interrupted = run.interrupted;
    for (const { node, outcome } of [...run.results].sort((a, b) => (a.node < b.node ? -1 : 1))) {
      if (outcome.kind === 'done') statuses.push(nodeStatus(rules.build(node), outcome.value));
      else failures.push({ node, text: outcome.text });
    }
  }

  if (printData) {
    out.write(printData({ nodes: [...statuses.map(statusRecord), ...failures.map((f) => ({ node: f.node, status: 'error', error: f.text }))] }));
  } else if (statuses.length > 0) {
    out.write(statusText(statuses) + (args.output === 'wide' ? `\n${countersText(statuses)}` : ''));
  }
  for (const f of failures) out.error(`error: node ${f.node}: ${f.text}`);
  if (interrupted) return (await import('../interrupt.js')).INTERRUPTED_EXIT_CODE;
  return exitCodeOf(statuses, failures.length);
}
