/**
 * @module cli/deliver-nodes
 * Runs node scripts through helper pods, several nodes at a time, with progress on stderr, and
 * reports each node's outcome: what the script says it changed, or why it failed. A failed node
 * does not stop the others; the exit code is 2 when any failed, 130 after Ctrl-C (cli/interrupt).
 */
import type { ClusterConnection } from '../sources/cluster.js';
import { CliError } from '../errors.js';
import { DEFAULT_IMAGE, MAX_TIMEOUT_MS } from '../exec/helper-pod.js';
import type { Output } from './output.js';
import { renderData, type DataFormat } from '../render/data.js';
import { stderrIsInteractive } from './spinner.js';
import { INTERRUPTED_EXIT_CODE, watchInterrupts, type Interrupts } from './interrupt.js';
import type { DeliveryStage, ScriptResult } from '../exec/deliver.js';

export interface DeliverSettings {
  readonly image?: string;
  readonly helperNamespace: string;
  /** 0 means as long as a helper pod may live. */
  readonly timeoutMs: number;
  readonly parallel: number;
  /** -o json|yaml: one record per node on stdout instead of lines. */
  readonly data?: DataFormat;
}

/** One node's delivery, as the commands report it. */
export type NodeOutcome =
  | { readonly kind: 'applied'; readonly text: string }
  | { readonly kind: 'failed'; readonly text: string }
  /** Stopped by Ctrl-C before its script started: neither done nor an error. */
  | { readonly kind: 'stopped' };

export type DeliverToNode = (node: string, script: string, onStage?: (stage: DeliveryStage) => void) => Promise<NodeOutcome>;

/**
 * Delivers one script to one node through a helper pod; the script's own warnings (br_netfilter
 * off, an old iptables) go to stderr even when it succeeds, since they matter then too.
 */
export async function nodeDelivery(cluster: ClusterConnection, s: DeliverSettings, interrupts: Interrupts, out: Output): Promise<DeliverToNode> {
  const { deliverScript, StoppedError } = await import('../exec/deliver.js');
  const { apiErrorFor } = await import('../sources/api-errors.js');
  const client = { core: cluster.apis.core, kubeConfig: cluster.kubeConfig() };
  return async (node, script, onStage) => {
    try {
      const r = await deliverScript(client, {
        node,
        namespace: s.helperNamespace,
        image: s.image ?? DEFAULT_IMAGE,
        script,
        timeoutMs: s.timeoutMs === 0 ? MAX_TIMEOUT_MS : s.timeoutMs,
        apiError: (err, action) => apiErrorFor(err, cluster.server, action),
        ...(onStage ? { onStage } : {}),
        onWarning: (text) => out.error(`warning: node ${node}: ${text}`),
        stop: interrupts.stop,
        kill: interrupts.kill,
      });
      return scriptOutcome(node, r, out);
    } catch (err) {
      if (err instanceof StoppedError) return { kind: 'stopped' };
      return { kind: 'failed', text: err instanceof Error ? err.message : String(err) };
    }
  };
}

/** A script's result as a node's outcome; its warnings go to stderr even when it succeeds. */
export function scriptOutcome(node: string, r: ScriptResult, out: Output): NodeOutcome {
  if (r.exitCode !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join(' | ');
    return { kind: 'failed', text: `the script failed (exit ${r.exitCode}): ${why}` };
  }
  for (const line of r.stderr.split('\n').filter((l) => l.trim() !== '')) out.error(`node ${node}: ${line}`);
  return { kind: 'applied', text: r.stdout.trim() };
}

/** What the first Ctrl-C waits for, in its message. */
export function runningScripts(running: ReadonlySet<string>): string {
  return running.size > 0 ? `waiting for ${running.size} running script(s) to finish (Ctrl-C again to stop them), ` : '';
}

export async function deliverAll(
  cluster: ClusterConnection,
  nodes: readonly string[],
  scriptFor: (node: string) => string,
  s: DeliverSettings,
  out: Output,
): Promise<number> {
  // Like the spinner: never beside -o json|yaml, whose readers want stderr for errors only.
  const tty = stderrIsInteractive() && s.data === undefined;
  let done = 0;
  let failed = 0;
  const progress = (text: string): void => {
    if (tty) process.stderr.write(`\r\x1b[2K[${done}/${nodes.length}] ${text}`);
  };
  const results: { node: string; ok: boolean; text: string }[] = [];
  const running = new Set<string>();
  const interrupts = watchInterrupts(() => runningScripts(running), (text) => out.error(text));
  const deliver = await nodeDelivery(cluster, s, interrupts, out);
  const queue = [...nodes];
  const worker = async (): Promise<void> => {
    for (let node = queue.shift(); node !== undefined && !interrupts.stop.aborted; node = queue.shift()) {
      const n = node;
      // Building a big node's rule set takes a while: let the other workers' sockets breathe first.
      await new Promise((resolve) => setImmediate(resolve));
      const r = await deliver(n, scriptFor(n), (stage) => {
        if (stage === 'running') running.add(n);
        else running.delete(n);
        progress(`node ${n}: ${stage}`);
      });
      done++;
      progress(`${done} of ${nodes.length} nodes done`);
      if (r.kind === 'stopped') continue;
      if (r.kind === 'failed') failed++;
      results.push({ node: n, ok: r.kind === 'applied', text: r.text });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(s.parallel, nodes.length) }, worker));
  } finally {
    interrupts.dispose();
  }
  if (tty) process.stderr.write('\r\x1b[2K');
  // Every helper pod is gone by now. After Ctrl-C the nodes not reached are not errors, nor done.
  const interrupted = interrupts.stop.aborted;
  const exitCode = (): number => (interrupted ? INTERRUPTED_EXIT_CODE : failed > 0 ? 2 : 0);
  const lines = (r: { node: string; text: string }): string => r.text.split('\n').map((l) => `node ${r.node}: ${l}`).join('\n');
  const ok = results.filter((r) => r.ok);
  const bad = results.filter((r) => !r.ok);
  if (s.data !== undefined) {
    const records = [...results].sort((a, b) => (a.node < b.node ? -1 : 1)).map((r) => (r.ok ? { node: r.node, ok: true, output: r.text } : { node: r.node, ok: false, error: r.text }));
    out.write(renderData({ results: records }, s.data));
    return exitCode();
  }
  if (ok.length > 0) out.write(`${ok.map(lines).join('\n')}\n`);
  if (bad.length === 1 && nodes.length === 1 && !interrupted) throw new CliError(lines(bad[0] as { node: string; text: string }));
  if (bad.length > 0) out.error(bad.map((r) => `error: ${lines(r)}`).join('\n'));
  return exitCode();
}
