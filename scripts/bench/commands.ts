/**
 * @module scripts/bench/commands
 * What `npm run bench` runs on each cluster, and the targets issue 7 sets for it at 10k pods on
 * 2 cores: wall time as a ratio to the baseline (node reading and JSON.parse-ing the same file, a
 * whole process too) and peak memory within 3x of the baseline's. Every command is the real plugin
 * as a whole process, `node plugin/kubectl-netpol ... -f FILE`.
 */
import { fileURLToPath } from 'node:url';
import { SAMPLE, SAMPLE_1000, SAMPLE_500 } from './cluster.js';

/** The size the targets are set at; at other sizes the tables show the ratios alone. */
export const TARGET_PODS = 10_000;
export const MEMORY_TARGET = 3;

export interface BenchCommand {
  /** The row's name in every table. */
  readonly label: string;
  /** Arguments to `node`, given the cluster file. */
  readonly argv: (file: string) => string[];
  /** For a command of the plugin, its arguments without the source, so the live rows can give `--kubeconfig` instead. */
  readonly pluginArgs?: readonly string[];
  /** Exit codes of a run that did its work: can-reach answers "denied" with 1. */
  readonly okCodes: readonly number[];
  /** Wall time within this many times the baseline's, at TARGET_PODS; none for the baseline. */
  readonly timeTarget?: number;
}

const plugin = fileURLToPath(new URL('../../../plugin/kubectl-netpol', import.meta.url));
const netpol = (...args: string[]) => ({ pluginArgs: args, argv: (file: string) => [plugin, ...args, '-f', file] });

/** The whole cost of having the input at all: start node, read the file, parse it. */
export const BASELINE: BenchCommand = {
  label: 'parse (baseline): node -e readFileSync + JSON.parse',
  argv: (file) => ['-e', "JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))", file],
  okCodes: [0],
};

export const COMMANDS: readonly BenchCommand[] = [
  { label: `can-reach ${SAMPLE.from} ${SAMPLE.to} --port ${SAMPLE.port}`, ...netpol('can-reach', SAMPLE.from, SAMPLE.to, '--port', SAMPLE.port), okCodes: [0, 1], timeTarget: 1.5 },
  { label: `explain ${SAMPLE.policy} -n ${SAMPLE.policyNamespace}`, ...netpol('explain', SAMPLE.policy, '-n', SAMPLE.policyNamespace), okCodes: [0], timeTarget: 1.5 },
  { label: `explain pod/${SAMPLE.pod} -n ${SAMPLE.podNamespace}`, ...netpol('explain', `pod/${SAMPLE.pod}`, '-n', SAMPLE.podNamespace), okCodes: [0], timeTarget: 1.5 },
  { label: `matrix -l ${SAMPLE_500}=yes --port http (500 pods)`, ...netpol('matrix', '-l', `${SAMPLE_500}=yes`, '--port', 'http'), okCodes: [0], timeTarget: 1.5 },
  {
    label: `matrix -l ${SAMPLE_1000}=yes --port http,metrics,dns -o json (1,000 pods)`,
    ...netpol('matrix', '-l', `${SAMPLE_1000}=yes`, '--port', 'http,metrics,dns', '-o', 'json'),
    okCodes: [0],
    timeTarget: 6,
  },
  { label: `apply-node ${SAMPLE.node} --dry-run`, ...netpol('apply-node', SAMPLE.node, '--dry-run'), okCodes: [0], timeTarget: 1.5 },
  { label: 'apply-node --all --dry-run', ...netpol('apply-node', '--all', '--dry-run'), okCodes: [0], timeTarget: 5 },
];

/** The rows measured on the live path too (issue 7: "the plugin reading it within 1.5x of reading the same objects from a file"). */
export const LIVE_COMMANDS: readonly BenchCommand[] = COMMANDS.slice(0, 2);
export const LIVE_TARGET = 1.5;

/** The same command on the cluster behind `kubeconfig` instead of the file. */
export function liveArgv(command: BenchCommand, kubeconfig: string): string[] {
  if (command.pluginArgs === undefined) throw new Error(`${command.label}: not a command of the plugin`);
  return [plugin, ...command.pluginArgs, '--kubeconfig', kubeconfig];
}
