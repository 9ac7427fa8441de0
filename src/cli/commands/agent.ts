/**
 * @module cli/commands/agent
 * `agent`: the watch loop of apply-node --watch for the node it runs on, applying with this host's
 * sh instead of a helper pod: what the DaemonSet of `agent --print-manifest` (deploy/agent.yaml)
 * runs on every node, with the in-cluster configuration. `--print-manifest` prints that DaemonSet
 * and what it needs, without reading anything.
 */
import { stringify } from 'yaml';
import { CliError } from '../../errors.js';
import { parseDuration } from '../../duration.js';
import type { GlobalArgs } from '../global-args.js';
import type { Output } from '../output.js';
import { connect } from '../connect.js';
import { dataFormat } from '../data-output.js';
import { reportOutcome } from '../apply-nodes.js';
import { knownNodes, parseMarkBits } from './apply-node.js';

export interface AgentOptions {
  /** --node, else $NODE_NAME (the DaemonSet sets it from spec.nodeName). */
  readonly node?: string;
  readonly printManifest: boolean;
  readonly image?: string;
  readonly debounce: string;
  readonly markBits: string;
}

export async function runAgent(args: GlobalArgs, o: AgentOptions, out: Output): Promise<number> {
  if (o.printManifest) {
    const { agentManifest, DEFAULT_AGENT_IMAGE } = await import('../../exec/agent-manifest.js');
    out.write(agentManifest(o.image ?? DEFAULT_AGENT_IMAGE).map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n'));
    return 0;
  }
  if (o.image !== undefined) throw new CliError('--image only goes with --print-manifest: the agent runs no helper pod');
  const node = o.node ?? process.env['NODE_NAME'];
  if (node === undefined || node === '') throw new CliError('agent needs the node it runs on: --node NAME, or NODE_NAME in its environment (the DaemonSet sets it from spec.nodeName)');
  if (args.filename.length > 0) throw new CliError('agent reads the cluster only: -f has no place in it');
  const marks = parseMarkBits(o.markBits);
  const debounceMs = parseDuration(o.debounce);
  if (debounceMs === undefined) throw new CliError(`--debounce "${o.debounce}": expected a duration such as 1s or 500ms`);
  const data = dataFormat(args.output);
  if (data === 'yaml') throw new CliError('agent logs text lines, or JSON lines with -o json; not -o yaml');
  const cluster = await connect(args);
  const [{ watchNodes }, { runLocalScript }] = await Promise.all([import('../watch-nodes.js'), import('../../exec/local-sh.js')]);
  return watchNodes(
    cluster,
    {
      node,
      marks,
      debounceMs,
      knownNodes,
      helperNamespace: '',
      timeoutMs: 0,
      parallel: 1,
      ...(data ? { data } : {}),
      interruptWords: { stopping: 'exiting', cutting: 'stopping the running script now; the node may be left half configured until the agent runs again' },
    },
    out,
    // The node agent's runner: this host's sh, for the state read and for the program alike.
    async (interrupts) => async (n, job) => {
      try {
        return reportOutcome(n, await job((script) => runLocalScript(script, { kill: interrupts.kill }), interrupts.stop), out);
      } catch (err) {
        if (interrupts.stop.reason === err) return { kind: 'stopped' };
        return { kind: 'failed', text: err instanceof Error ? err.message : String(err) };
      }
    },
  );
}
