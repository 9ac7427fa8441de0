/**
 * @module cli/flags
 * Every flag, defined once: yargs parses with these definitions and shell completion offers them,
 * so a flag added to a command is also completed, with its values.
 */
import type { Options } from 'yargs';
import { FAMILY_ARGS, OUTPUT_FORMATS, type OutputFormat } from './global-args.js';

/** Every command, defined once: --help shows `describe`, completion offers `summary` beside the name. */
export const COMMANDS = {
  explain: { usage: 'explain [target]', summary: 'Explain a policy or a pod', describe: 'Explain a policy (or all in scope) or a pod: whom it isolates and what each rule admits' },
  'can-reach': { usage: 'can-reach <src> <dst>', summary: 'Verdict on one connection', describe: 'May SRC open a connection to DST on a port? Exit 0 allowed, 1 denied, 2 error' },
  matrix: { usage: 'matrix', summary: 'Reachability truth table', describe: 'Reachability truth table of the pods in scope, for each port' },
  'apply-node': {
    usage: 'apply-node [node]',
    summary: 'Enforce the policies on a node with iptables',
    describe: 'Enforce the policies on a node: build its iptables rule set and install it through a privileged helper pod',
  },
} as const;

/** The flags every command takes, as kubectl spells them. */
export const GLOBAL_FLAGS = {
  filename: { alias: 'f', type: 'string', array: true, default: [] as string[], describe: 'Read objects from files, folders (recursive) or - for stdin; alone, instead of the cluster', group: 'Input:' },
  cluster: { type: 'boolean', default: false, describe: 'With -f: lay the files over the live cluster (same kind/namespace/name replaces); implied by --kubeconfig or --context', group: 'Input:' },
  namespace: { alias: 'n', type: 'string', describe: 'Namespace scope (default: the context\'s namespace; with -f alone: the whole input)', group: 'Scope:' },
  'all-namespaces': { alias: 'A', type: 'boolean', default: false, describe: 'Every namespace', group: 'Scope:' },
  output: { alias: 'o', type: 'string', choices: OUTPUT_FORMATS, default: 'table' as OutputFormat, describe: 'Output format', group: 'Output:' },
  kubeconfig: { type: 'string', describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)', group: 'Cluster:' },
  context: { type: 'string', describe: 'The kubeconfig context to use', group: 'Cluster:' },
  'request-timeout': { type: 'string', describe: 'How long to wait for one API request (0 = no limit), e.g. 30s, 1m', group: 'Cluster:' },
} as const satisfies Record<string, Options>;

/** Each command's own flags. */
export const COMMAND_FLAGS = {
  explain: {},
  'can-reach': {
    port: { alias: 'p', type: 'string', demandOption: true, describe: 'PORT[/PROTOCOL]: a number or a port name (resolved on DST); protocol TCP (default), UDP or SCTP' },
    'ip-family': { type: 'string', choices: FAMILY_ARGS, describe: 'Judge the connection over this family when a pod has both (default: the first family both ends have)' },
  },
  matrix: {
    port: { alias: 'p', type: 'string', array: true, demandOption: true, describe: 'PORT[/PROTOCOL], repeatable' },
    selector: { alias: 'l', type: 'string', describe: 'Only pods matching this label selector (e.g. app=web,tier!=db)' },
    'ip-family': { type: 'string', choices: FAMILY_ARGS, describe: 'Judge dual-stack pairs over this family (default: the first family both ends have)' },
  },
  'apply-node': {
    all: { type: 'boolean', default: false, describe: 'Every node (Node objects and nodes that pods run on)' },
    'dry-run': { type: 'boolean', default: false, describe: 'Print the node-side script (run it with sh -s on the node) and change nothing' },
    cleanup: { type: 'boolean', default: false, describe: 'Remove every chain, rule and ipset of ours instead' },
    image: { type: 'string', describe: 'Helper image with iptables and ipset' },
    'helper-namespace': { type: 'string', default: 'kube-system', describe: 'Namespace of the helper pod' },
    timeout: { type: 'string', default: '2m', describe: 'How long to wait for the helper pod, and for the script, on each node (0 = the longest a helper pod allows)' },
    parallel: { type: 'number', default: 4, describe: 'With --all: nodes done at once' },
    'mark-bits': { type: 'string', default: '0x300000', describe: 'Packet mark bits the rules use: a mask of two bits (hex or decimal), the lower for egress, the higher for ingress; not kube-proxy\'s 0x4000/0x8000' },
  },
} as const satisfies Record<string, Record<string, Options>>;

/** A flag as completion sees it: every spelling, and whether (and with which choices) it takes a value. */
export interface FlagInfo {
  readonly spellings: readonly string[];
  readonly takesValue: boolean;
  readonly choices?: readonly string[];
}

export function flagInfos(flags: Record<string, Options>): FlagInfo[] {
  return Object.entries(flags).map(([name, o]) => {
    const aliases = o.alias === undefined ? [] : typeof o.alias === 'string' ? [o.alias] : o.alias;
    return {
      spellings: [`--${name}`, ...aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))],
      takesValue: o.type !== 'boolean',
      ...(o.choices === undefined ? {} : { choices: o.choices.map(String) }),
    };
  });
}
