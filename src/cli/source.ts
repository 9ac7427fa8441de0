/**
 * @module cli/source
 * The one place that decides where objects come from: manifests (-f), the live cluster, or local
 * manifests laid over the live cluster. Commands ask for what they need; client-node is imported
 * only when a cluster is actually reached, so offline commands start fast.
 */
import type { Snapshot } from '../model/index.js';
import { readManifests } from '../sources/files.js';
import { overlayObjects, toSnapshot } from '../sources/snapshot.js';
import { EMPTY_OBJECTS, type ObjectSet } from '../sources/objects.js';
import type { ClusterConnection, Need } from '../sources/cluster.js';
import { CliError } from '../errors.js';
import { usesCluster, type GlobalArgs } from './global-args.js';
import { withSpinner } from './spinner.js';
import { connect } from './connect.js';

export interface Loaded {
  readonly snapshot: Snapshot;
  /** Namespace for names given without one: -n, else the context's, else `default`. */
  readonly defaultNamespace: string;
  /** Only -f files were read: with neither -n nor -A the scope is the whole input. */
  readonly offline: boolean;
  /** Set when local files were laid over the live cluster; the output must say so. */
  readonly overlayFiles?: readonly string[];
  readonly cluster?: ClusterConnection;
}


/**
 * `need` is asked once the default namespace is known, since what a command must list (one
 * namespace or all) can depend on it.
 */
export async function loadObjects(args: GlobalArgs, need: (defaultNamespace: string) => Need, onInvalid?: (e: CliError) => void): Promise<Loaded> {
  if (args.allNamespaces && args.namespace !== undefined) {
    throw new CliError('-n/--namespace and -A/--all-namespaces cannot be used together');
  }
  const cluster = usesCluster(args) ? await connect(args) : undefined;
  const defaultNamespace = args.namespace ?? cluster?.defaultNamespace ?? 'default';
  const local = await loadLocal(args, defaultNamespace, onInvalid);
  if (cluster === undefined) return { snapshot: toSnapshot(local ?? EMPTY_OBJECTS), defaultNamespace, offline: true };
  const live = await withSpinner(args, `Reading objects from ${cluster.server}`, () => cluster.load(need(defaultNamespace)));
  for (const w of cluster.warnings) process.stderr.write(`warning: ${w}\n`);
  if (local === undefined) return { snapshot: toSnapshot(live), defaultNamespace, offline: false, cluster };
  return {
    snapshot: toSnapshot(overlayObjects(live, local)),
    defaultNamespace,
    offline: false,
    overlayFiles: args.filename,
    cluster,
  };
}

/** The -f files' objects, or undefined without -f. */
export async function loadLocal(args: GlobalArgs, defaultNamespace: string, onInvalid?: (e: CliError) => void): Promise<ObjectSet | undefined> {
  if (args.filename.length === 0) return undefined;
  // As with `kubectl apply -f`, a local object that names no namespace goes to -n, else the context's.
  const local = await readManifests(args.filename, { stdin: process.stdin, defaultNamespace, ...(onInvalid === undefined ? {} : { onInvalid }) });
  // Answers that silently left out an AdminNetworkPolicy (say) would be wrong without a word.
  for (const s of local.skipped ?? []) {
    process.stderr.write(`warning: skipped ${s.count} ${s.kind} object${s.count === 1 ? '' : 's'}: kubectl netpol does not evaluate ${s.count === 1 ? 'it' : 'them'}, and its answers leave ${s.count === 1 ? 'it' : 'them'} out\n`);
  }
  return local;
}

/** Namespaces a command's scope covers: undefined means every namespace. */
export function scopeNamespaces(args: GlobalArgs, loaded: Loaded): readonly string[] | undefined {
  if (args.allNamespaces) return undefined;
  if (args.namespace !== undefined) return [args.namespace];
  return loaded.offline ? undefined : [loaded.defaultNamespace];
}

/** In -o json|yaml, the same mark as overlayNotice's line: the files laid over the cluster. */
export function overlayField(loaded: Loaded): { readonly includesLocalFiles?: readonly string[] } {
  return loaded.overlayFiles === undefined ? {} : { includesLocalFiles: loaded.overlayFiles };
}

export function overlayNotice(loaded: Loaded): string | undefined {
  return loaded.overlayFiles
    ? `Note: this answer includes local files laid over the live cluster: ${loaded.overlayFiles.join(', ')}`
    : undefined;
}
