/**
 * @module cli/deliver-nodes
 * Runs node scripts through helper pods, several nodes at a time, with progress on stderr, and
 * reports each node's outcome: what the script says it changed, or why it failed. A failed node
 * does not stop the others; the exit code is 2 when any failed.
 */
import type { ClusterConnection } from '../sources/cluster.js';
import { CliError } from '../errors.js';
import { DEFAULT_IMAGE } from '../exec/helper-pod.js';
import type { Output } from './output.js';

export interface DeliverSettings {
  readonly image?: string;
  readonly helperNamespace: string;
  /** 0 means no limit. */
  readonly timeoutMs: number;
  readonly parallel: number;
}

const NO_LIMIT_MS = 24 * 3_600_000;

export async function deliverAll(
  cluster: ClusterConnection,
  nodes: readonly string[],
  scriptFor: (node: string) => string,
  s: DeliverSettings,
  out: Output,
): Promise<number> {
  const { deliverScript } = await import('../exec/deliver.js');
  const { apiErrorFor } = await import('../sources/api-errors.js');
  const kc = cluster.kubeConfig();
  const tty = process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0;
  let done = 0;
  let failed = 0;
  const progress = (text: string): void => {
    if (tty) process.stderr.write(`\r\x1b[2K[${done}/${nodes.length}] ${text}`);
  };
  const results: string[] = [];
  const queue = [...nodes];
  const worker = async (): Promise<void> => {
    for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
      const n = node;
      try {
        const r = await deliverScript(kc, {
          node: n,
          namespace: s.helperNamespace,
          image: s.image ?? DEFAULT_IMAGE,
          script: scriptFor(n),
          timeoutMs: s.timeoutMs === 0 ? NO_LIMIT_MS : s.timeoutMs,
          apiError: (err, action) => apiErrorFor(err, cluster.server, action),
          onStage: (stage) => progress(`node ${n}: ${stage}`),
        });
        if (r.exitCode !== 0) {
          failed++;
          const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join(' | ');
          results.push(`node ${n}: FAILED (exit ${r.exitCode}): ${why}`);
        } else {
          results.push(`node ${n}: ${r.stdout.trim().split('\n').join(`\nnode ${n}: `)}`);
        }
      } catch (err) {
        failed++;
        results.push(err instanceof CliError ? `node ${n}: FAILED: ${err.message}` : `node ${n}: FAILED: ${String(err)}`);
      } finally {
        done++;
        progress(`${done} of ${nodes.length} nodes done`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.parallel, nodes.length) }, worker));
  if (tty) process.stderr.write('\r\x1b[2K');
  const ok = results.filter((r) => !r.includes(': FAILED'));
  const bad = results.filter((r) => r.includes(': FAILED'));
  if (ok.length > 0) out.write(`${ok.join('\n')}\n`);
  if (bad.length > 0) {
    if (nodes.length === 1) throw new CliError((bad[0] ?? '').replace(/^node \S+: FAILED: ?/, `node ${nodes[0] ?? ''}: `));
    out.error(bad.join('\n'));
  }
  return failed > 0 ? 2 : 0;
}
