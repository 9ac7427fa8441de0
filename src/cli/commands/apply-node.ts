/**
 * @module cli/commands/apply-node
 * `apply-node NODE | --all`: build each node's iptables rule set from the snapshot and install it
 * through a privileged helper pod (node/apply: read the node's state, compute the program, run
 * it), or remove everything of ours (--cleanup). --dry-run prints the program instead: computed
 * from the state in --node-state FILE (what --print-state-script prints on the node), or for a
 * node that holds nothing of ours; with --all every node's, one after the other. Offline (-f)
 * only --dry-run makes sense: there is no node to reach.
 */
import type { Snapshot } from '../../model/index.js';
import { compileSnapshot } from '../../engine/index.js';
import {
  applyRuleSet,
  checkMarkMask,
  cleanupNode,
  NodeStateError,
  parseNodeState,
  planApply,
  planCleanup,
  renderProgram,
  renderScriptHeading,
  renderStateScript,
  RuleSetBuilder,
  type MarkBits,
  type NodeRunner,
  type PlanResult,
} from '../../node/index.js';
import { CliError } from '../../errors.js';
import { usesCluster, type DryRun, type GlobalArgs } from '../global-args.js';
import { loadLocal, loadObjects, overlayNotice, type Loaded } from '../source.js';
import { connect } from '../connect.js';
import { parseDuration } from '../../duration.js';
import type { Output } from '../output.js';
import type { DataFormat } from '../../render/data.js';
import { dataFormat, dataListPrinter, dataPrinter } from '../data-output.js';

export interface ApplyNodeOptions {
  readonly node?: string;
  readonly all: boolean;
  /** client and server both print and change nothing. */
  readonly dryRun: DryRun;
  readonly cleanup: boolean;
  readonly image?: string;
  readonly helperNamespace: string;
  readonly timeout: string;
  readonly parallel: number;
  /** --mark-bits as typed: see parseMarkBits. */
  readonly markBits: string;
  /** Keep applying as the cluster changes (cli/watch-nodes). */
  readonly watch: boolean;
  /** --debounce as typed. */
  readonly debounce: string;
  /** With --dry-run: a file holding the state script's output on the node. */
  readonly nodeState?: string;
  /** Print the state script and nothing else. */
  readonly printStateScript: boolean;
}

/** A 32-bit mask of two bits, in hex (0x...) or decimal; what makes it usable is node/names' to say. */
export function parseMarkBits(text: string): MarkBits {
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? Number(text) : undefined;
  const check = value === undefined ? { ok: false as const, reason: 'not a number' } : checkMarkMask(value);
  if (!check.ok) {
    throw new CliError(`--mark-bits "${text}": ${check.reason}; want a mask of exactly two bits, hex (0x300000) or decimal: the lower marks egress, the higher ingress`);
  }
  return check.marks;
}

/** --watch: no one-shot read; the watch lists everything itself. */
async function watch(args: GlobalArgs, o: ApplyNodeOptions, s: { marks: MarkBits; timeoutMs: number; data: DataFormat | undefined }, out: Output): Promise<number> {
  if (o.dryRun !== 'none') throw new CliError('--watch installs and keeps installing: it cannot be combined with --dry-run');
  if (o.cleanup) throw new CliError('--watch keeps rules in place: it cannot be combined with --cleanup');
  if (s.data === 'yaml') throw new CliError('--watch logs text lines, or JSON lines with -o json; not -o yaml');
  const debounceMs = parseDuration(o.debounce);
  if (debounceMs === undefined) throw new CliError(`--debounce "${o.debounce}": expected a duration such as 1s or 500ms`);
  if (args.allNamespaces || args.namespace !== undefined) throw new CliError('--watch always reads every namespace: peers may live anywhere; drop -n/-A');
  const cluster = await connect(args);
  const local = await loadLocal(args, cluster.defaultNamespace);
  const { watchNodes } = await import('../watch-nodes.js');
  return watchNodes(
    cluster,
    {
      ...(o.node === undefined ? {} : { node: o.node }),
      marks: s.marks,
      debounceMs,
      ...(local ? { local } : {}),
      knownNodes,
      ...(o.image === undefined ? {} : { image: o.image }),
      helperNamespace: o.helperNamespace,
      timeoutMs: s.timeoutMs,
      parallel: o.parallel,
      ...(s.data ? { data: s.data } : {}),
    },
    out,
  );
}

/** Nodes that run at least one pod, or that exist as Node objects. */
export function knownNodes(s: Snapshot): string[] {
  return [...new Set([...s.nodes.map((n) => n.name), ...s.pods.flatMap((p) => (p.nodeName ? [p.nodeName] : []))])].sort();
}

export function checkNode(known: readonly string[], node: string, offline: boolean): void {
  if (known.includes(node)) return;
  throw new CliError(
    offline
      ? `node "${node}" not found: it is neither a Node object nor any pod's spec.nodeName in the input`
      : `nodes "${node}" not found`,
  );
}

/**
 * --all --dry-run: every node's script in install order, each built only as it is printed, so
 * that the whole never sits in memory at once. Text: each script under renderScriptHeading's
 * line; -o json|yaml: {"nodes": [{"node", "script"}]}. With --cleanup each node gets the same
 * cleanup script, so that the output says which nodes --all --cleanup would reach.
 */
async function printScripts(nodes: readonly string[], scriptFor: (node: string) => string, data: DataFormat | undefined, out: Output): Promise<void> {
  function* texts(): Generator<string> {
    for (const node of nodes) yield `${renderScriptHeading(node)}${scriptFor(node)}`;
  }
  function* records(): Generator<{ node: string; script: string }> {
    for (const node of nodes) yield { node, script: scriptFor(node) };
  }
  await out.writeAll(data === undefined ? texts() : (await dataListPrinter())('nodes', records(), data));
}

/** --node-state FILE, read and checked once by `parse`: a bad file is one error naming it and the line. */
export async function readNodeFile<T>(file: string, parse: (text: string) => T, command: string): Promise<T> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`--node-state ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof NodeStateError) throw new CliError(`--node-state ${file}: ${err.message} (want the output of ${command} --print-state-script run on the node)`, { cause: err });
    throw err;
  }
}

/** The program a dry run prints: the plan's, or the reason there is none. */
function programOf(planned: PlanResult, node: string): string {
  if (!planned.ok) throw new CliError(`node ${node}: ${planned.error}`);
  return renderProgram(planned.plan);
}

export async function runApplyNode(args: GlobalArgs, o: ApplyNodeOptions, out: Output): Promise<number> {
  if (o.printStateScript) {
    if (o.node !== undefined || o.all || o.cleanup || o.watch || o.nodeState !== undefined) throw new CliError('--print-state-script prints the script that reads a node\'s state, and takes no NODE, --all, --cleanup, --watch or --node-state');
    out.write(renderStateScript());
    return 0;
  }
  const printOnly = o.dryRun !== 'none';
  if (o.nodeState !== undefined && !printOnly) throw new CliError('--node-state is for --dry-run: an install reads the node\'s state itself');
  if (o.nodeState !== undefined && o.all) throw new CliError('--node-state holds one node\'s state: name that NODE instead of --all');
  if (o.all && o.node !== undefined) throw new CliError('name a NODE or use --all, not both');
  if (!o.all && o.node === undefined) throw new CliError('apply-node needs a NODE name, or --all');
  if (!printOnly && !usesCluster(args)) {
    throw new CliError('apply-node with -f alone can only --dry-run: installing needs the cluster (add --cluster to lay the files over it)');
  }
  if (!Number.isInteger(o.parallel) || o.parallel < 1) throw new CliError('--parallel must be a whole number >= 1');
  const marks = parseMarkBits(o.markBits);
  const timeoutMs = parseDuration(o.timeout);
  if (timeoutMs === undefined) throw new CliError(`--timeout "${o.timeout}": expected a duration such as 30s, 2m or 0 (no limit)`);
  if (!printOnly) {
    // Only an install loads the helper pod's module (offline runs load nothing of exec/).
    const { MAX_LIFETIME_SECONDS, MAX_TIMEOUT_MS } = await import('../../exec/helper-pod.js');
    if (timeoutMs > MAX_TIMEOUT_MS) {
      throw new CliError(`--timeout "${o.timeout}": at most ${Math.floor(MAX_TIMEOUT_MS / 60_000)}m, or 0 for that longest: a helper pod lives at most ${MAX_LIFETIME_SECONDS / 3600}h`);
    }
  }
  const data = dataFormat(args.output);
  if (o.watch) return watch(args, o, { marks, timeoutMs, data }, out);
  const printData = await dataPrinter(args.output);
  const state = o.nodeState === undefined ? undefined : await readNodeFile(o.nodeState, parseNodeState, 'apply-node');
  // One node's cleanup needs no rule set: printed without reading the cluster. --all needs the nodes.
  if (o.cleanup && printOnly && !o.all) {
    const node = o.node as string;
    const script = programOf(planCleanup(node, state), node);
    out.write(printData ? printData({ node, cleanup: true, script }) : script);
    return 0;
  }
  // Peers may live anywhere in the cluster, so the rule set needs every namespace, pod and node.
  const loaded: Loaded = await loadObjects(args, () => ({ namespaces: 'all', nodes: true }));
  // --all includes nodes that run no pods now: their rules from an earlier apply must go too.
  const known = knownNodes(loaded.snapshot);
  const nodes = o.all ? known : [o.node as string];
  if (!o.all) checkNode(known, o.node as string, loaded.offline);
  // One builder for every node: what the nodes' rule sets have in common is built once.
  const rules = new RuleSetBuilder(compileSnapshot(loaded.snapshot), marks);
  const scriptFor = (node: string): string => programOf(o.cleanup ? planCleanup(node, state) : planApply(rules.build(node), state), node);
  if (printOnly && o.all) {
    await printScripts(nodes, scriptFor, data, out);
    return 0;
  }
  if (printOnly) {
    const node = nodes[0] as string;
    out.write(printData ? printData({ node, cleanup: o.cleanup, script: scriptFor(node) }) : scriptFor(node));
    return 0;
  }
  const cluster = loaded.cluster;
  if (!cluster) throw new CliError('apply-node needs a cluster to install on');
  const notice = overlayNotice(loaded);
  if (notice) out.error(notice);
  const { applyAll } = await import('../apply-nodes.js');
  const jobFor = (node: string) =>
    o.cleanup
      ? (run: NodeRunner, signal: AbortSignal) => cleanupNode(run, { node, signal })
      : (run: NodeRunner, signal: AbortSignal) => applyRuleSet(run, rules.build(node), { signal });
  return applyAll(cluster, nodes, jobFor, { ...o, timeoutMs, ...(data ? { data } : {}) }, out);
}
