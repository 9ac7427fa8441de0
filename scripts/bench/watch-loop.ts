/**
 * @module scripts/bench/watch-loop
 * The watch rows of `npm run bench` (issue 8): how long after a change the node's rules are in
 * place. The test API server holds the cluster file's objects in this process; the plugin runs
 * `apply-node NODE --watch -o json` as a whole process against it, with the shipped debounce; the
 * server's exec plays the node (a node with nothing of ours, so every program is a full install).
 * A scripted sequence of changes that each alter NODE's rules (a pod with a new address added to
 * an isolated namespace on NODE, then deleted again) is made one at a time; each is timed from the
 * change to the applied line of the plugin's log, which it writes once the node's program is done.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { receivedScript, startApiServer } from '../../test/support/apiserver.js';
import type { JsonObject } from '../../test/support/selectors.js';
import { stateText } from '../../test/node/states.js';
import { renderStateScript } from '../../src/node/index.js';
import { median } from './measure.js';

const PLUGIN = fileURLToPath(new URL('../../../plugin/kubectl-netpol', import.meta.url));
const DONE = 'knp-report step=check result=ok\nknp-report result=done\n';
/** The debounce apply-node --watch ships with (cli/flags). */
const DEBOUNCE_MS = 1000;

export interface WatchFigures {
  readonly changes: number;
  readonly firstApplyMs: number;
  readonly medianMs: number;
  readonly worstMs: number;
  /** Median of each latency less the debounce: rebuild, helper pod, state read and program. */
  readonly reapplyMs: number;
}

function meta(o: JsonObject): Record<string, unknown> {
  return o['metadata'] as Record<string, unknown>;
}

export async function measureWatchLoop(clusterFile: string, dir: string, sample: { node: string; pod: string; namespace: string }, changes = 10, timeoutMs = 120_000): Promise<WatchFigures> {
  const list = JSON.parse(readFileSync(clusterFile, 'utf8')) as { items: JsonObject[] };
  const template = list.items.find((o) => o['kind'] === 'Pod' && meta(o)['name'] === sample.pod && meta(o)['namespace'] === sample.namespace);
  if (template === undefined) throw new Error(`watch bench: no pod ${sample.namespace}/${sample.pod} in ${clusterFile}`);
  // The helper pods' namespace, which a real cluster always has.
  const server = await startApiServer({ objects: [...list.items, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  const state = renderStateScript();
  server.setExecHandler(async (req, io) => {
    const { script } = await receivedScript(req, io);
    io.stdout.write(script === state ? stateText() : DONE);
    return 0;
  });
  const child = spawn(process.execPath, [PLUGIN, 'apply-node', sample.node, '--watch', '-o', 'json', '--kubeconfig', server.kubeconfigPath(dir, { fileName: 'kubeconfig-watch' })], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let applied = 0;
  let log = '';
  let lastLines: string[] = [];
  const waiters: (() => void)[] = [];
  child.stderr.on('data', (b: Buffer) => {
    log += b.toString();
    const lines = log.split('\n');
    log = lines.pop() ?? '';
    lastLines = [...lastLines, ...lines].slice(-3);
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const r = JSON.parse(line) as { node?: string; result?: string };
      if (r.node === sample.node && r.result === 'applied') {
        applied++;
        for (const w of waiters.splice(0)) w();
      }
    }
  });
  const appliedCount = async (n: number): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (applied < n) {
      if (performance.now() > deadline || child.exitCode !== null) throw new Error(`watch bench: node ${sample.node} not applied (${applied} of ${n}); its log ends: ${lastLines.join(' | ')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  try {
    const t0 = performance.now();
    await appliedCount(1);
    const firstApplyMs = performance.now() - t0;
    const latencies: number[] = [];
    const ip = (k: number): string => `10.250.${Math.floor(k / 250)}.${(k % 250) + 1}`;
    for (let k = 0; k < changes; k++) {
      const name = `bench-watch-${Math.floor(k / 2)}`;
      const start = performance.now();
      if (k % 2 === 0) {
        const pod = structuredClone(template);
        pod['metadata'] = { ...meta(template), name, uid: undefined, resourceVersion: undefined };
        pod['spec'] = { ...(template['spec'] as object), nodeName: sample.node };
        pod['status'] = { phase: 'Running', podIP: ip(k), podIPs: [{ ip: ip(k) }] };
        server.add(pod);
      } else {
        server.remove('Pod', sample.namespace, name);
      }
      await appliedCount(k + 2);
      latencies.push(performance.now() - start);
    }
    return {
      changes,
      firstApplyMs,
      medianMs: median(latencies),
      worstMs: Math.max(...latencies),
      reapplyMs: median(latencies.map((l) => l - DEBOUNCE_MS)),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    await server.close();
  }
}
