/**
 * @module cli/flags
 * Every flag, defined once: yargs parses with these definitions and shell completion offers them,
 * so a flag added to a command is also completed, with its values.
 */
import type { Options } from 'yargs';
import { SEVERITIES } from '../engine/lint.js';
import { REVIEW_FORMATS, FAMILY_ARGS, OUTPUT_FORMATS, type OutputFormat } from './global-args.js';

/** Every command, defined once: --help shows `describe`, completion offers `summary` beside the name. */
export const COMMANDS = {
  explain: {
    usage: 'explain [target]',
    summary: 'Explain a policy or a pod',
    describe: 'Explain a policy (or all in scope) or a pod: whom it isolates and what each rule admits',
    examples: [
      ['explain -f examples/seed-cluster.yaml test-network-policy', 'Explain one policy of the bundled example'],
      ['explain pod/db-0 -n default', 'Which policies select db-0, and what they admit'],
      ['explain -A -o yaml', 'Every policy of the cluster, as data'],
    ],
  },
  'can-reach': {
    usage: 'can-reach <src> <dst>',
    summary: 'Verdict on one connection',
    describe: 'May SRC open a connection to DST on a port? Exit 0 allowed, 1 denied, 2 error',
    examples: [
      ['can-reach default/frontend-0 default/db-0 --port 6379', 'May frontend-0 reach db-0 on TCP 6379?'],
      ['can-reach pod/client-0 10.0.0.5 -n myproject --port 53/UDP', 'A pod to an address outside the cluster'],
      ['can-reach web-0 api-0 -n shop --port http -o json', 'A named port, resolved on the destination'],
    ],
  },
  matrix: {
    usage: 'matrix',
    summary: 'Reachability truth table',
    describe: 'Reachability truth table of the pods in scope, for each port',
    examples: [
      ['matrix -n shop --port 80 --port 53/UDP', 'Namespace shop on two ports'],
      ['matrix -f examples/and-vs-or.yaml --port 80 -o wide', 'Every pair with the reason for its verdict'],
      ['matrix -A -l app=web --port 443 --expect expected.yaml', 'Fail (exit 1) when the answers differ from a file of expectations'],
    ],
  },
  'apply-node': {
    usage: 'apply-node [node]',
    summary: 'Enforce the policies on a node with iptables',
    describe: 'Enforce the policies on a node: build its iptables rule set and install it through a privileged helper pod',
    examples: [
      ['apply-node node-a --dry-run=client', 'Print the program for node-a and change nothing'],
      ['apply-node node-a --dry-run --node-state state.txt', 'Print it for the state that --print-state-script read on node-a'],
      ['apply-node node-a', 'Install the rules on node-a'],
      ['apply-node --all --cleanup', 'Remove every rule of ours from every node'],
      ['apply-node --all --watch', 'Install on every node, then keep the rules in step with the cluster'],
    ],
  },
  status: {
    usage: 'status [node]',
    summary: 'Whether a node holds the rules it should',
    describe: 'Read what is installed on a node (read-only, through a helper pod) and compare it with the rules the policies give now: in sync, stale, foreign rules ahead of ours, or nothing installed. Exit 0 in sync, 1 not, 2 error',
    examples: [
      ['status node-a', 'Is node-a in step with the policies?'],
      ['status --all -o wide', 'Every node, with the packet counters of each pod and policy chain'],
      ['status node-a -f policies/ --node-state status.txt', 'Offline: against what --print-state-script printed on node-a'],
    ],
  },
  diff: {
    usage: 'diff [before] [after]',
    summary: 'What a change of policies opens and closes',
    describe: 'Every pair of pods (and address blocks outside the cluster) whose allowed connections differ between BEFORE and AFTER (files or folders), or between the live cluster and the cluster with AFTER laid over it (--cluster). Exit 0 no change, 1 changed, 2 error',
    examples: [
      ['diff main/manifests/ pr/manifests/', 'What a pull request changes, offline'],
      ['diff --cluster new-policy.yaml -o md', 'What applying a file would change, as a pull-request comment'],
      ['diff before.yaml after.yaml -o json', 'As data: every pair, its connections before and after'],
    ],
  },
  lint: {
    usage: 'lint [policy]',
    summary: 'Mistakes in policies, with stable codes',
    describe: 'Find mistakes in the policies in scope (or one POLICY), resolved against the pods and namespaces: each finding has a stable code, a severity, the object and field, and how to fix it. Invalid objects in -f files are findings too. Exit 0 when nothing at or above --fail-on was found, 1 otherwise, 2 on error',
    examples: [
      ['lint -f manifests/', 'Review a folder of manifests before it ships'],
      ['lint -A --fail-on error -o md', 'Every namespace of the live cluster, failing only on errors, as a pull-request comment'],
      ['lint allow-frontend -n shop -o json', 'One policy, as data'],
    ],
  },
  report: {
    usage: 'report',
    summary: 'One HTML page to review: graph, matrices, policies, findings',
    describe: 'Write one self-contained HTML page (nothing fetched when opened) for the pods and policies in scope: the connectivity graph, each namespace\'s matrix of allowed connections, every policy explained, and lint\'s findings',
    examples: [
      ['report -f manifests/ -o html > report.html', 'Offline, from a folder of manifests'],
      ['report -A -o html > report.html', 'Every namespace of the live cluster'],
    ],
  },
  agent: {
    usage: 'agent',
    summary: 'Keep this node\'s rules in step (DaemonSet)',
    describe: 'Run on a node (the DaemonSet of --print-manifest): watch the cluster and keep this node\'s iptables rules in step, applying with local sh',
    examples: [
      ['agent --print-manifest --image registry.example/kubectl-netpol-agent:0.1.0 | kubectl apply -f -', 'Deploy the agent on every node'],
      ['agent --node node-a -o json', 'Run it by hand on node-a, as root, logging JSON lines'],
    ],
  },
} as const satisfies Record<string, { usage: string; summary: string; describe: string; examples: readonly (readonly [string, string])[] }>;

/** The flags every command takes, as kubectl spells them. */
export const GLOBAL_FLAGS = {
  // One value per -f, repeatable, as kubectl: `array: true` would swallow every following word.
  filename: { alias: 'f', type: 'string', default: [] as string[], describe: 'A file, folder (recursive) or - for stdin to read objects from; repeatable, or comma-separated. Alone, instead of the cluster', group: 'Input:' },
  cluster: { type: 'boolean', default: false, describe: 'With -f: lay the files over the live cluster (same kind/namespace/name replaces); implied by --kubeconfig or --context', group: 'Input:' },
  namespace: { alias: 'n', type: 'string', describe: 'Namespace scope (default: the context\'s namespace; with -f alone: the whole input)', group: 'Scope:' },
  'all-namespaces': { alias: 'A', type: 'boolean', default: false, describe: 'Every namespace', group: 'Scope:' },
  output: { alias: 'o', type: 'string', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'Output format', group: 'Output:' },
  kubeconfig: { type: 'string', describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)', group: 'Cluster:' },
  context: { type: 'string', describe: 'The kubeconfig context to use', group: 'Cluster:' },
  'request-timeout': { type: 'string', describe: 'How long to wait for one API request (0 = no limit), e.g. 30s, 1m', group: 'Cluster:' },
} as const satisfies Record<string, Options>;

/** Each command's own flags; --help shows their group first, before the flags every command takes. */
const OWN = 'Flags:';
/** The flags of commands that reach nodes through helper pods (apply-node, status). */
const HELPER_FLAGS = {
  image: { type: 'string', describe: 'Helper image with iptables and ipset', group: OWN },
  'helper-namespace': { type: 'string', default: 'kube-system', describe: 'Namespace of the helper pod', group: OWN },
  timeout: { type: 'string', default: '2m', describe: 'How long to wait for the helper pod, and for the script, on each node (0 = the longest a helper pod allows)', group: OWN },
  parallel: { type: 'number', default: 4, describe: 'With --all: nodes done at once', group: OWN },
  'mark-bits': { type: 'string', default: '0x300000', describe: 'Packet mark bits the rules use: a mask of two bits (hex or decimal), the lower for egress, the higher for ingress; not kube-proxy\'s 0x4000/0x8000', group: OWN },
} as const satisfies Record<string, Options>;
/** matrix's and diff's -o: the common formats, Markdown, CSV and pictures. */
const REVIEW_OUTPUT = { alias: 'o', type: 'string', choices: REVIEW_FORMATS, default: 'table', describe: 'Output format (md: Markdown for a pull-request comment; dot, mermaid, svg: a picture)', group: 'Output:' } as const satisfies Options;
export const COMMAND_FLAGS = {
  explain: {},
  'can-reach': {
    port: { alias: 'p', type: 'string', demandOption: true, describe: 'PORT[/PROTOCOL]: a number or a port name (resolved on DST); protocol TCP (default), UDP or SCTP', group: OWN },
    'ip-family': { type: 'string', choices: FAMILY_ARGS, describe: 'Judge the connection over this family when a pod has both (default: the first family both ends have)', group: OWN },
  },
  matrix: {
    port: { alias: 'p', type: 'string', describe: 'PORT[/PROTOCOL]; repeatable, or comma-separated (required, unless --expect names the ports)', group: OWN },
    selector: { alias: 'l', type: 'string', describe: 'Only pods matching this label selector (e.g. app=web,tier!=db)', group: OWN },
    'ip-family': { type: 'string', choices: FAMILY_ARGS, describe: 'Judge dual-stack pairs over this family (default: the first family both ends have)', group: OWN },
    expect: { type: 'string', describe: 'A YAML list of {from, to, port, allowed}: exit 1, listing them, when answers differ', group: OWN },
    'show-denied': { type: 'boolean', default: false, describe: 'With -o dot|mermaid|svg: draw the pairs policies deny too (dashed)', group: OWN },
    output: REVIEW_OUTPUT,
  },
  'apply-node': {
    all: { type: 'boolean', default: false, describe: 'Every node (Node objects and nodes that pods run on)', group: OWN },
    'dry-run': { type: 'string', describe: 'none (install), or client or server (both: print the node-side program, to run with sh -s on the node, and change nothing; with --all every node\'s); alone: client', group: OWN },
    'node-state': { type: 'string', describe: 'With --dry-run: compute the program from this node state (the output of --print-state-script run on the node); without, for a node that holds nothing of ours', group: OWN },
    'print-state-script': { type: 'boolean', default: false, describe: 'Print the read-only script that prints a node\'s state (for --node-state), and nothing else', group: OWN },
    cleanup: { type: 'boolean', default: false, describe: 'Remove every chain, rule and ipset of ours instead', group: OWN },
    image: HELPER_FLAGS.image,
    'helper-namespace': HELPER_FLAGS['helper-namespace'],
    timeout: HELPER_FLAGS.timeout,
    parallel: HELPER_FLAGS.parallel,
    watch: { alias: 'w', type: 'boolean', default: false, describe: 'After applying, watch pods, namespaces, policies and nodes and re-apply each node whose rules change, until SIGINT/SIGTERM; logs a line per node applied on stderr (-o json: JSON lines)', group: OWN },
    debounce: { type: 'string', default: '1s', describe: 'With --watch: how long changes must settle before the rules are rebuilt', group: OWN },
    'mark-bits': HELPER_FLAGS['mark-bits'],
  },
  status: {
    all: { type: 'boolean', default: false, describe: 'Every node (Node objects and nodes that pods run on)', group: OWN },
    'node-state': { type: 'string', describe: 'Compare with this node state instead of reading the node (the output of --print-state-script run on it); works offline with -f', group: OWN },
    'print-state-script': { type: 'boolean', default: false, describe: 'Print the read-only script that reads a node for status (its state and packet counters), and nothing else', group: OWN },
    image: HELPER_FLAGS.image,
    'helper-namespace': HELPER_FLAGS['helper-namespace'],
    timeout: HELPER_FLAGS.timeout,
    parallel: HELPER_FLAGS.parallel,
    'mark-bits': HELPER_FLAGS['mark-bits'],
  },
  diff: {
    output: REVIEW_OUTPUT,
  },
  report: {
    output: { alias: 'o', type: 'string', choices: ['html'], default: 'html', describe: 'Output format', group: 'Output:' },
  },
  lint: {
    'fail-on': { type: 'string', choices: SEVERITIES, default: 'warning', describe: 'Exit 1 when a finding of this severity or a higher one is found', group: OWN },
    output: { alias: 'o', type: 'string', choices: [...OUTPUT_FORMATS, 'md'], default: 'table', describe: 'Output format (md: Markdown for a pull-request comment)', group: 'Output:' },
  },
  agent: {
    node: { type: 'string', describe: 'The node this runs on (default: $NODE_NAME, which the DaemonSet sets)', group: OWN },
    'print-manifest': { type: 'boolean', default: false, describe: 'Print the DaemonSet, ServiceAccount and RBAC that run the agent on every node, and exit', group: OWN },
    image: { type: 'string', describe: 'With --print-manifest: the agent image (built from the Dockerfile)', group: OWN },
    debounce: { type: 'string', default: '1s', describe: 'How long changes must settle before the rules are rebuilt', group: OWN },
    'mark-bits': { type: 'string', default: '0x300000', describe: 'Packet mark bits the rules use, as for apply-node', group: OWN },
  },
} as const satisfies Record<string, Record<string, Options>>;

/** Flags that may stand alone or take `=VALUE`, as kubectl's --dry-run (pflag's NoOptDefVal). */
const OPTIONAL_VALUE: ReadonlySet<string> = new Set(['dry-run']);

/** A flag as completion sees it: every spelling, and whether (and with which choices) it takes a value. */
export interface FlagInfo {
  readonly spellings: readonly string[];
  readonly takesValue: boolean;
  /** `--dry-run` alone is `--dry-run=client`: its value must be joined with `=`. */
  readonly optionalValue?: boolean;
  readonly choices?: readonly string[];
}

export function flagInfos(flags: Record<string, Options>): FlagInfo[] {
  return Object.entries(flags).map(([name, o]) => {
    const aliases = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias;
    return {
      spellings: [`--${name}`, ...aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))],
      takesValue: o.type !== 'boolean',
      ...(OPTIONAL_VALUE.has(name) ? { optionalValue: true } : {}),
      ...(o.choices === undefined ? {} : { choices: o.choices.map(String) }),
    };
  });
}
