/**
 * @module cli/watch-nodes
 * `apply-node --watch`: apply once, then keep the nodes in step with the cluster. Pods, namespaces,
 * policies and nodes are watched (sources/cluster-watch); after a change has settled for the
 * debounce time the rule sets are rebuilt and only the nodes whose rules changed are applied again
 * (control/reconciler), a failed one retried with backoff. One log line per node applied, on
 * stderr (-o json: one JSON object a line). SIGINT/SIGTERM finishes the running applies, deletes
 * the helper pods and exits 0; a second signal cuts the running scripts.
 */
import { createHash } from 'node:crypto';
import type { Snapshot } from '../model/index.js';
import { compileSnapshot } from '../engine/index.js';
import { applyRuleSet, ruleSetText, RuleSetBuilder, type MarkBits, type RuleSet } from '../node/index.js';
import { Reconciler, type Desired, type ReconcileEvent } from '../control/reconciler.js';
import type { ClusterConnection } from '../sources/cluster.js';
import type { ObjectSet } from '../sources/objects.js';
import { overlayObjects, toSnapshot } from '../sources/snapshot.js';
import { nodeApplier, runningScripts, type ApplyToNode, type DeliverSettings } from './apply-nodes.js';
import { watchInterrupts, type InterruptWords, type Interrupts } from './interrupt.js';
import type { Output } from './output.js';

export interface WatchSettings extends DeliverSettings {
  /** One node, or every node the cluster knows (undefined). */
  readonly node?: string;
  readonly marks: MarkBits;
  readonly debounceMs: number;
  /** Local files laid over every snapshot of the cluster (-f with --cluster). */
  readonly local?: ObjectSet;
  readonly knownNodes: (s: Snapshot) => string[];
  /** How the signal messages word stopping (default: the helper pods'). */
  readonly interruptWords?: InterruptWords;
}

/** Backoff of a failed node: 1 s doubling up to 1 min. */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** How a node's scripts reach it: a helper pod (apply-node --watch) or this host's sh (the agent). */
export type ApplierFactory = (interrupts: Interrupts) => Promise<ApplyToNode>;

export async function watchNodes(cluster: ClusterConnection, s: WatchSettings, out: Output, applier: ApplierFactory = (i) => nodeApplier(cluster, s, i, out)): Promise<number> {
  const json = s.data === 'json';
  const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const log = (record: Record<string, unknown>, text: string): void => out.error(json ? JSON.stringify({ time: now(), ...record }) : `${now()} ${text}`);
  const running = new Set<string>();
  const interrupts = watchInterrupts(() => runningScripts(running), (text) => log({ signal: text.trim() }, text.trim()), s.interruptWords);
  const apply = await applier(interrupts);
  const reconciler = new Reconciler<RuleSet>({
    parallel: s.parallel,
    retryMs: RETRY_MS,
    maxRetryMs: MAX_RETRY_MS,
    apply: async (node, rs) => {
      const r = await apply(node, (run, signal) => applyRuleSet(run, rs, { signal }), (stage) => (stage === 'running' ? running.add(node) : running.delete(node)));
      return r.kind === 'applied' ? { ok: true, text: r.text } : { ok: false, text: r.kind === 'failed' ? r.text : 'interrupted' };
    },
    onApplied: (e: ReconcileEvent) => {
      if (!e.outcome.ok && interrupts.stop.aborted) return;
      const retry = e.retryInMs === undefined ? '' : `; retrying in ${Math.round(e.retryInMs / 1000)}s`;
      const summary = e.outcome.text.split('\n').join('; ');
      if (e.outcome.ok) log({ node: e.node, result: 'applied', attempt: e.attempt, output: e.outcome.text }, `node ${e.node}: applied: ${summary}`);
      else log({ node: e.node, result: 'failed', attempt: e.attempt, error: e.outcome.text, ...(e.retryInMs === undefined ? {} : { retryInSeconds: Math.round(e.retryInMs / 1000) }) }, `node ${e.node}: apply failed (attempt ${e.attempt}${retry}): ${summary}`);
    },
  });

  let missing: string | undefined;
  const recompute = (): void => {
    const objects = watch.objects();
    const snapshot = toSnapshot(s.local ? overlayObjects(objects, s.local) : objects);
    const known = s.knownNodes(snapshot);
    const nodes = s.node === undefined ? known : known.includes(s.node) ? [s.node] : [];
    if (s.node !== undefined && nodes.length === 0 && missing !== s.node) {
      log({ warning: `node ${s.node} not found; waiting for it` }, `warning: node ${s.node} not found; waiting for it`);
    }
    missing = nodes.length === 0 ? s.node : undefined;
    const rules = new RuleSetBuilder(compileSnapshot(snapshot), s.marks);
    const desired = new Map<string, Desired<RuleSet>>();
    for (const node of nodes) {
      // Only the digest is kept: the rule set is built again if and when the node is applied.
      desired.set(node, { digest: digest(ruleSetText(rules.build(node))), payload: () => rules.build(node) });
    }
    reconciler.update(desired);
  };

  // A burst of changes (a rollout) is one recompute: wait for a quiet debounce period, but never
  // more than a few of them after the first change.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstChange = 0;
  const schedule = (): void => {
    if (interrupts.stop.aborted) return;
    const t = Date.now();
    if (timer === undefined) firstChange = t;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(s.debounceMs, firstChange + 5 * s.debounceMs - t));
    timer = setTimeout(() => {
      timer = undefined;
      recompute();
    }, wait);
  };
  const watch = cluster.watch({
    onChange: schedule,
    onProblem: (text) => log({ warning: text }, `warning: ${text}`),
  });
  const stopped = new Promise<void>((resolve) => interrupts.stop.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await Promise.race([watch.start(), stopped]);
    if (!interrupts.stop.aborted) {
      const scope = s.node === undefined ? 'every node' : `node ${s.node}`;
      log({ watching: cluster.server, nodes: s.node ?? 'all' }, `watching ${cluster.server}: keeping ${scope} in step with pods, namespaces, network policies, the admin tiers' policies and nodes`);
      recompute();
      await stopped;
    }
  } finally {
    watch.stop();
    clearTimeout(timer);
    await reconciler.stop();
    interrupts.dispose();
  }
  return 0;
}
