/**
 * @module cli/commands/complete
 * Shell completion as kubectl plugins do it (kubectl >= 1.26 runs `kubectl_complete-netpol` with
 * the words after the plugin name, the last one partial). Output is cobra's protocol: one
 * candidate per line, then `:<directive>` (4 = no file completion, 0 = default, files).
 * Names of namespaces, pods, policies and nodes come from the cluster; any failure to reach it
 * yields no candidates rather than an error in the user's shell.
 */
import { toGlobalArgs, usesCluster, type GlobalArgs } from '../global-args.js';
import { COMMAND_FLAGS, COMMANDS, flagInfos, GLOBAL_FLAGS, type FlagInfo } from '../flags.js';
import { assertNever } from '../../engine/index.js';
import type { Output } from '../output.js';
import type { NameKind } from '../../sources/cluster.js';

const NO_FILES = ':4';
const FILES = ':0';

const GLOBAL = flagInfos(GLOBAL_FLAGS);
const BY_COMMAND = new Map(Object.entries(COMMAND_FLAGS).map(([c, flags]) => [c, flagInfos(flags)]));
const ALL = [...GLOBAL, ...[...BY_COMMAND.values()].flat()];
/** What completion offers for a flag: its long name. */
const offered = (flags: readonly FlagInfo[]): string[] => flags.map((f) => f.spellings[0] ?? '');
/** Flags whose next word is a value, by every spelling. */
const VALUE_FLAGS = new Set(ALL.filter((f) => f.takesValue).flatMap((f) => f.spellings));
/** Flags that take a value only after `=` (--dry-run). */
const OPTIONAL_VALUE_FLAGS = new Set(ALL.filter((f) => f.optionalValue).flatMap((f) => f.spellings));
/** kubectl's current --dry-run values (not its deprecated booleans). */
const DRY_RUN_CHOICES = ['none', 'client', 'server'];
/** The values a flag allows, where it names them (-o, --ip-family): a command's own definition first (diff's -o). */
function choicesOf(command: string | undefined, flag: string): readonly string[] {
  const own = (command === undefined ? undefined : BY_COMMAND.get(command))?.find((f) => f.spellings.includes(flag));
  return (own ?? GLOBAL.find((f) => f.spellings.includes(flag)))?.choices ?? [];
}


interface Parsed {
  readonly command?: string;
  readonly positionals: readonly string[];
  /** Every value of each flag, in order (-f repeats). */
  readonly flags: Map<string, string[]>;
}

function parseWords(words: readonly string[]): Parsed {
  const flags = new Map<string, string[]>();
  const add = (flag: string, value: string): void => {
    flags.set(flag, [...(flags.get(flag) ?? []), value]);
  };
  const positionals: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.startsWith('-') && w !== '-') {
      const eq = w.indexOf('=');
      if (eq > 0) add(w.slice(0, eq), w.slice(eq + 1));
      else if (VALUE_FLAGS.has(w) && !OPTIONAL_VALUE_FLAGS.has(w)) add(w, words[++i] ?? '');
      else add(w, 'true');
    } else if (command === undefined) command = w;
    else positionals.push(w);
  }
  return { ...(command === undefined ? {} : { command }), positionals, flags };
}

function argsFrom(p: Parsed): GlobalArgs {
  const all = (...names: string[]): string[] => names.flatMap((n) => p.flags.get(n) ?? []);
  const get = (...names: string[]): string | undefined => all(...names).at(-1);
  const namespace = get('-n', '--namespace');
  const kubeconfig = get('--kubeconfig');
  const context = get('--context');
  return toGlobalArgs({
    // stdin is the shell's while completing: `-f -` cannot be read.
    filename: all('-f', '--filename').filter((f) => f !== '-'),
    cluster: get('--cluster') === 'true',
    ...(namespace === undefined ? {} : { namespace }),
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(context === undefined ? {} : { context }),
    // A shell waiting on TAB should not hang on a dead server for long.
    requestTimeout: get('--request-timeout') ?? '5s',
  });
}

/**
 * Names from the cluster, or undefined when it cannot be read (the user sees no candidates; with
 * KUBECTL_NETPOL_DEBUG the reason goes to stderr, which shells do not show while completing).
 */
async function names(args: GlobalArgs, kind: NameKind, namespace?: string): Promise<string[] | undefined> {
  try {
    const local = args.filename.length > 0 ? await namesInFiles(args, kind, namespace) : [];
    if (!usesCluster(args)) return local;
    const { connect } = await import('../connect.js');
    const cluster = await connect(args);
    const ns = kind === 'namespaces' || kind === 'nodes' ? undefined : (namespace ?? args.namespace ?? cluster.defaultNamespace);
    return [...new Set([...local, ...(await cluster.listNames(kind, ns))])].sort();
  } catch (e) {
    if (process.env['KUBECTL_NETPOL_DEBUG']) process.stderr.write(`completion: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

/**
 * Names in the -f files, as the command will read them: with -n (or a namespace in the word) only
 * that namespace's pods and policies, else those of every namespace in the input (offline, a bare
 * name is found in any namespace).
 */
async function namesInFiles(args: GlobalArgs, kind: NameKind, namespace?: string): Promise<string[]> {
  const [{ readManifests }, { toSnapshot }] = await Promise.all([import('../../sources/files.js'), import('../../sources/snapshot.js')]);
  const s = toSnapshot(await readManifests(args.filename, { stdin: process.stdin, defaultNamespace: args.namespace ?? 'default' }));
  const ns = namespace ?? args.namespace;
  const inScope = (o: { readonly namespace: string }): boolean => ns === undefined || o.namespace === ns;
  switch (kind) {
    case 'namespaces':
      return s.namespaces.map((n) => n.name);
    case 'nodes':
      return [...new Set([...s.nodes.map((n) => n.name), ...s.pods.flatMap((p) => (p.nodeName ? [p.nodeName] : []))])];
    case 'pods':
      return s.pods.filter(inScope).map((p) => p.name);
    case 'networkpolicies':
      return s.policies.filter(inScope).map((p) => p.name);
    case 'services':
      return s.services.filter(inScope).map((p) => p.name);
    default:
      return assertNever(kind);
  }
}

/** `NS/POD` when the word already names a namespace, else pods of -n or the context's namespace. */
async function podEndpoints(args: GlobalArgs, partial: string): Promise<string[]> {
  const slash = partial.indexOf('/');
  if (slash < 0) return (await names(args, 'pods')) ?? [];
  const ns = partial.slice(0, slash);
  return ((await names(args, 'pods', ns)) ?? []).map((n) => `${ns}/${n}`);
}

export async function runComplete(words: readonly string[], out: Output): Promise<number> {
  const partial = words[words.length - 1] ?? '';
  const before = parseWords(words.slice(0, -1));
  const prev = words[words.length - 2] ?? '';
  const emit = (candidates: readonly string[], directive = NO_FILES): number => {
    const lines = candidates.filter((c) => c.split('\t')[0]?.startsWith(partial));
    out.write(`${[...lines, directive].join('\n')}\n`);
    return 0;
  };
  let args: GlobalArgs;
  try {
    args = argsFrom(before);
  } catch {
    // A bad --request-timeout: offer nothing rather than print an error into the shell.
    return emit([]);
  }
  if (partial.startsWith('--dry-run=')) return emit(DRY_RUN_CHOICES.map((v) => `--dry-run=${v}`));
  if (VALUE_FLAGS.has(prev) && !OPTIONAL_VALUE_FLAGS.has(prev)) {
    switch (prev) {
      case '-n':
      case '--namespace':
      case '--helper-namespace':
        return emit((await names(args, 'namespaces')) ?? []);
      case '-f':
      case '--filename':
      case '--kubeconfig':
      case '--node-state':
        return emit([], FILES);
      default:
        return emit(choicesOf(before.command, prev));
    }
  }
  if (before.command === undefined) {
    if (partial.startsWith('-')) return emit([...offered(GLOBAL), '--help']);
    return emit(Object.entries(COMMANDS).map(([c, d]) => `${c}\t${d.summary}`));
  }
  if (partial.startsWith('-')) return emit([...offered(BY_COMMAND.get(before.command) ?? []), ...offered(GLOBAL), '--help']);
  switch (before.command) {
    case 'explain': {
      if (before.positionals.length > 0) return emit([]);
      if (partial.startsWith('pod/')) return emit(((await names(args, 'pods')) ?? []).map((n) => `pod/${n}`));
      const policies = await names(args, 'networkpolicies');
      return emit(policies === undefined ? [] : [...policies, 'pod/']);
    }
    case 'can-reach':
      return before.positionals.length < 2 ? emit(await podEndpoints(args, partial)) : emit([]);
    case 'apply-node':
      return before.positionals.length < 1 ? emit((await names(args, 'nodes')) ?? []) : emit([]);
    default:
      return emit([]);
  }
}
