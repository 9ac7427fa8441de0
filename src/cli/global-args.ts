/**
 * @module cli/global-args
 * The flags every command takes, as kubectl spells them (a plugin must implement them itself:
 * kubectl rejects global flags placed before the plugin name).
 */
import { CliError } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { RequestTimeout } from '../sources/cluster.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'wide', 'json', 'yaml'];
/** matrix's and diff's formats: those, Markdown (a pull-request comment), CSV, and pictures. */
export type ReviewFormat = OutputFormat | 'md' | 'csv' | 'dot' | 'mermaid' | 'svg';
export const REVIEW_FORMATS: readonly ReviewFormat[] = [...OUTPUT_FORMATS, 'md', 'csv', 'dot', 'mermaid', 'svg'];

/** --ip-family, spelled as a Service's spec.ipFamilies. */
export type FamilyArg = 'IPv4' | 'IPv6';
export const FAMILY_ARGS: readonly FamilyArg[] = ['IPv4', 'IPv6'];

/** kubectl's --dry-run values; `true` and `false` are its deprecated boolean spellings. */
export type DryRun = 'none' | 'client' | 'server';
export const DRY_RUN_VALUES = ['none', 'client', 'server', 'true', 'false'] as const;

/**
 * --dry-run as kubectl reads it: none installs; client and server both only print (there is no
 * server-side dry run of a node script, and a user who asked for one must never get an install).
 * Anything else is refused, so no spelling of dry-run can reach a node.
 */
export function parseDryRun(raw: unknown, out: { error(text: string): void }): DryRun {
  if (raw === undefined || raw === false) return 'none';
  const v = last(raw) ?? '';
  switch (v) {
    case 'none':
    case 'client':
    case 'server':
      return v;
    case 'true':
    case 'false': {
      const means = v === 'true' ? 'client' : 'none';
      out.error(`warning: --dry-run=${v} is deprecated (boolean value) and can be replaced with --dry-run=${means}.`);
      return means;
    }
    default:
      throw new CliError(`invalid --dry-run value ${JSON.stringify(v)}: must be "none", "server", or "client"`);
  }
}

export interface GlobalArgs {
  readonly filename: readonly string[];
  readonly namespace?: string;
  readonly allNamespaces: boolean;
  readonly output: OutputFormat;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Read when the flags are, so a bad value fails before anything is loaded, with -f too (as kubectl). */
  readonly requestTimeout?: RequestTimeout;
  /** Lay -f files over the live cluster instead of reading them alone. */
  readonly cluster: boolean;
}

/** Whether this invocation reads the live cluster (with or without -f overlays). */
export function usesCluster(args: GlobalArgs): boolean {
  return args.filename.length === 0 || args.cluster || args.kubeconfig !== undefined || args.context !== undefined;
}

/** A string flag given twice arrives as an array; like kubectl, the last one wins. */
export function last(v: unknown): string | undefined {
  const x: unknown = Array.isArray(v) ? v[v.length - 1] : v;
  return x === undefined ? undefined : String(x);
}

/**
 * kubectl's --request-timeout: `0` means none, a bare integer is seconds, otherwise a Go duration
 * (`500ms`, `30s`, `1m30s`). Messages name it as written, with `s` added to bare seconds.
 */
export function parseRequestTimeout(text: string): RequestTimeout {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new CliError(
      `invalid --request-timeout ${JSON.stringify(text)}: timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)`,
    );
  }
  const t = text.trim();
  return { ms, label: /^\d+$/.test(t) ? `${t}s` : t };
}

/** Throws a CliError for a bad --request-timeout. */
export function toGlobalArgs(raw: {
  filename?: string | readonly string[];
  namespace?: string;
  allNamespaces?: boolean;
  output?: string;
  kubeconfig?: string;
  context?: string;
  requestTimeout?: string;
  cluster?: boolean;
}): GlobalArgs {
  const a = {
    ...raw,
    namespace: last(raw.namespace),
    output: last(raw.output),
    kubeconfig: last(raw.kubeconfig),
    context: last(raw.context),
    requestTimeout: last(raw.requestTimeout),
  };
  return {
    // Repeatable, and comma-separated as kubectl's string slices are.
    filename: (typeof a.filename === 'string' ? [a.filename] : (a.filename ?? [])).flatMap((f) => String(f).split(',')).filter((f) => f !== ''),
    ...(a.namespace === undefined ? {} : { namespace: a.namespace }),
    allNamespaces: a.allNamespaces ?? false,
    output: (OUTPUT_FORMATS as readonly string[]).includes(a.output ?? '') ? (a.output as OutputFormat) : 'table',
    ...(a.kubeconfig === undefined ? {} : { kubeconfig: a.kubeconfig }),
    ...(a.context === undefined ? {} : { context: a.context }),
    ...(a.requestTimeout === undefined ? {} : { requestTimeout: parseRequestTimeout(a.requestTimeout) }),
    cluster: a.cluster ?? false,
  };
}
