/**
 * @module cli/apply-nodes
 * Applies rule sets (or cleanups) to nodes through helper pods, several nodes at a time, with
 * progress on stderr: one helper pod per node, in which node/apply reads the state and runs the
 * program computed from it (the session's run is the NodeRunner). Each node's outcome is what
 * its ApplyReport says; a failed node does not stop the others; the exit code is 2 when any
 * failed, 130 after Ctrl-C (cli/interrupt).
 */
import type { ClusterConnection } from '../sources/cluster.js';
import { CliError } from '../errors.js';
import { DEFAULT_IMAGE, MAX_TIMEOUT_MS } from '../exec/helper-pod.js';
import type { DeliveryStage } from '../exec/deliver.js';
import { describeReport, type ApplyReport, type NodeRunner } from '../node/index.js';
import type { Output } from './output.js';
import { renderData } from '../render/data.js';
import { stderrIsInteractive } from './spinner.js';
import { INTERRUPTED_EXIT_CODE, watchInterrupts, type Interrupts } from './interrupt.js';
import type { DataFormat } from '../render/data.js';

/** How helper pods are run: the flags of apply-node. */
export interface DeliverSettings {
  readonly image?: string;
  readonly helperNamespace: string;
  /** 0 means as long as a helper pod may live. */
  readonly timeoutMs: number;
  readonly parallel: number;
  /** -o json|yaml: one record per node on stdout instead of lines. */
  readonly data?: DataFormat;
}

/** What the first Ctrl-C waits for, in its message. */
export function runningScripts(running: ReadonlySet<string>): string {
  return running.size > 0 ? `waiting for ${running.size} running script(s) to finish (Ctrl-C again to stop them), ` : '';
}

/** What an apply runs on one node: applyRuleSet or cleanupNode. */
export type NodeJob = NodeUse<ApplyReport>;

/**
 * Cases of one node's apply as the commands report it: done (the report says what changed),
 * failed (with the report when the node answered), or stopped by Ctrl-C before anything ran there.
 */
export type NodeApplyOutcome =
  | { readonly kind: 'applied'; readonly text: string; readonly report: ApplyReport }
  | { readonly kind: 'failed'; readonly text: string; readonly report?: ApplyReport }
  | { readonly kind: 'stopped' };

export type ApplyToNode = (node: string, job: NodeJob, onStage?: (stage: DeliveryStage) => void) => Promise<NodeApplyOutcome>;

/** A node's report as its outcome; warnings go to stderr even when the apply succeeds, since they matter then too. */
export function reportOutcome(node: string, report: ApplyReport, out: Output): NodeApplyOutcome {
  for (const w of report.warnings) out.error(`node ${node}: knp: warning: ${w}`);
  if (!report.ok) return { kind: 'failed', text: report.error ?? 'failed', report };
  return { kind: 'applied', text: describeReport(report).join('\n'), report };
}

/** What a session on one node yielded, or why it yielded nothing. */
export type NodeResult<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly text: string } | { readonly kind: 'stopped' };

/** What runs on one node, given a way to run scripts there. */
export type NodeUse<T> = (run: NodeRunner, signal: AbortSignal) => Promise<T>;

export type OnNode<T> = (node: string, use: NodeUse<T>, onStage?: (stage: DeliveryStage) => void) => Promise<NodeResult<T>>;

/** One helper pod per node for the whole use: a state read and the program run in the same pod. */
export async function nodeSessions<T>(cluster: ClusterConnection, s: DeliverSettings, interrupts: Interrupts, out: Output): Promise<OnNode<T>> {
  const { openHelperPod, StoppedError } = await import('../exec/deliver.js');
  const { apiErrorFor } = await import('../sources/api-errors.js');
  const client = { core: cluster.apis.core, kubeConfig: cluster.kubeConfig() };
  return async (node, use, onStage) => {
    try {
      const session = await openHelperPod(client, {
        node,
        namespace: s.helperNamespace,
        image: s.image ?? DEFAULT_IMAGE,
        timeoutMs: s.timeoutMs === 0 ? MAX_TIMEOUT_MS : s.timeoutMs,
        apiError: (err, action) => apiErrorFor(err, cluster.server, action, cluster.requestTimeout),
        ...(onStage ? { onStage } : {}),
        onWarning: (text) => out.error(`warning: node ${node}: ${text}`),
        stop: interrupts.stop,
        kill: interrupts.kill,
      });
      try {
        return { kind: 'done', value: await use((script) => session.run(script), interrupts.stop) };
      } finally {
        await session.close();
      }
    } catch (err) {
      // Stopped before a pod was made or before a script started: nothing ran on the node.
      if (err instanceof StoppedError || interrupts.stop.reason === err) return { kind: 'stopped' };
      return { kind: 'failed', text: err instanceof Error ? err.message : String(err) };
    }
  };
}

/** nodeSessions for applies: each report becomes the node's outcome. */
export async function nodeApplier(cluster: ClusterConnection, s: DeliverSettings, interrupts: Interrupts, out: Output): Promise<ApplyToNode> {
  const open = await nodeSessions<ApplyReport>(cluster, s, interrupts, out);
  return async (node, job, onStage) => {
    const r = await open(node, job, onStage);
    return r.kind === 'done' ? reportOutcome(node, r.value, out) : r;
  };
}

/**
 * Runs what `session` makes on every node, `s.parallel` at a time, with progress on a terminal's
 * stderr and Ctrl-C handled (cli/interrupt): nodes stopped before anything ran there, or not
 * reached after it, are left out.
 */
export async function onEveryNode<R>(
  nodes: readonly string[],
  s: DeliverSettings,
  out: Output,
  session: (interrupts: Interrupts) => Promise<(node: string, onStage: (stage: DeliveryStage) => void) => Promise<R | 'stopped'>>,
): Promise<{ readonly results: readonly { readonly node: string; readonly outcome: R }[]; readonly interrupted: boolean }> {
  // Like the spinner: never beside -o json|yaml, whose readers want stderr for errors only.
  const tty = stderrIsInteractive() && s.data === undefined;
  let done = 0;
  const progress = (text: string): void => {
    if (tty) process.stderr.write(`\r\x1b[2K[${done}/${nodes.length}] ${text}`);
  };
  const results: { node: string; outcome: R }[] = [];
  const running = new Set<string>();
  const interrupts = watchInterrupts(() => runningScripts(running), (text) => out.error(text));
  const onNode = await session(interrupts);
  const queue = [...nodes];
  const worker = async (): Promise<void> => {
    for (let node = queue.shift(); node !== undefined && !interrupts.stop.aborted; node = queue.shift()) {
      const n = node;
      // Building a big node's rule set takes a while: let the other workers' sockets breathe first.
      await new Promise((resolve) => setImmediate(resolve));
      const r = await onNode(n, (stage) => {
        if (stage === 'running') running.add(n);
        else running.delete(n);
        progress(`node ${n}: ${stage}`);
      });
      done++;
      progress(`${done} of ${nodes.length} nodes done`);
      if (r !== 'stopped') results.push({ node: n, outcome: r });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(s.parallel, nodes.length) }, worker));
  } finally {
    interrupts.dispose();
  }
  if (tty) process.stderr.write('\r\x1b[2K');
  return { results, interrupted: interrupts.stop.aborted };
}

/** Applies `jobFor(node)` to every node, `s.parallel` at a time; prints each node's outcome. */
export async function applyAll(cluster: ClusterConnection, nodes: readonly string[], jobFor: (node: string) => NodeJob, s: DeliverSettings, out: Output): Promise<number> {
  const { results, interrupted } = await onEveryNode<Exclude<NodeApplyOutcome, { kind: 'stopped' }>>(nodes, s, out, async (interrupts) => {
    const apply = await nodeApplier(cluster, s, interrupts, out);
    return async (node, onStage) => {
      const o = await apply(node, jobFor(node), onStage);
      return o.kind === 'stopped' ? 'stopped' : o;
    };
  });
  // Every helper pod is gone by now. After Ctrl-C the nodes not reached are not errors, nor done.
  const bad = results.filter((r) => r.outcome.kind === 'failed');
  const exitCode = interrupted ? INTERRUPTED_EXIT_CODE : bad.length > 0 ? 2 : 0;
  if (s.data !== undefined) {
    const records = [...results]
      .sort((a, b) => (a.node < b.node ? -1 : 1))
      .map(({ node, outcome: o }) => {
        const report = o.report === undefined ? {} : { report: o.report };
        return o.kind === 'applied' ? { node, ok: true, output: o.text, ...report } : { node, ok: false, error: o.text, ...report };
      });
    out.write(renderData({ results: records }, s.data));
    return exitCode;
  }
  const lines = (r: { node: string; outcome: { text: string } }): string => r.outcome.text.split('\n').map((l) => `node ${r.node}: ${l}`).join('\n');
  const ok = results.filter((r) => r.outcome.kind === 'applied');
  if (ok.length > 0) out.write(`${ok.map(lines).join('\n')}\n`);
  if (bad.length === 1 && nodes.length === 1 && !interrupted) throw new CliError(lines(bad[0] as (typeof bad)[number]));
  if (bad.length > 0) out.error(bad.map((r) => `error: ${lines(r)}`).join('\n'));
  return exitCode;
}
