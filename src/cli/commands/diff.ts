/**
 * @module cli/commands/diff
 * `diff BEFORE AFTER` (files or folders of manifests) or `diff --cluster AFTER` (the live cluster,
 * then the same with AFTER laid over it): every ordered pair of ends whose connections change.
 * Exit 0 when nothing changes, 1 when something does, 2 on error.
 */
import type { Snapshot } from '../../model/index.js';
import { compileSnapshot, diffConnectivity } from '../../engine/index.js';
import { changeRecord, diffCsv, diffMarkdown, diffTable } from '../../render/diff.js';
import { diffGraph } from '../../render/graph.js';
import { renderPicture } from '../picture.js';
import { readManifests } from '../../sources/files.js';
import { overlayObjects, toSnapshot } from '../../sources/snapshot.js';
import { CliError } from '../../errors.js';
import type { ReviewFormat, GlobalArgs } from '../global-args.js';
import type { Output } from '../output.js';
import { connect } from '../connect.js';
import { withSpinner } from '../spinner.js';


export interface DiffOptions {
  readonly paths: readonly string[];
  readonly format: ReviewFormat;
}

/** One side: files or folders, comma-separated as -f takes them. */
async function read(paths: string, defaultNamespace: string) {
  return readManifests(paths.split(',').filter((p) => p !== ''), { stdin: process.stdin, defaultNamespace });
}

async function snapshots(args: GlobalArgs, paths: readonly string[], format: ReviewFormat): Promise<{ before: Snapshot; after: Snapshot }> {
  if (args.filename.length > 0) throw new CliError('diff takes BEFORE and AFTER as arguments (files or folders), not -f');
  if (args.cluster) {
    const [after, extra] = paths;
    if (after === undefined || extra !== undefined) throw new CliError('diff --cluster takes one argument: AFTER, the files laid over the live cluster');
    const cluster = await connect(args);
    const local = await read(after, args.namespace ?? cluster.defaultNamespace);
    // Peers may live in any namespace: the whole cluster, before and after.
    const live = await withSpinner({ output: format === 'table' || format === 'wide' ? 'table' : 'json' }, `Reading objects from ${cluster.server}`, () => cluster.load({ namespaces: 'all', nodes: true }));
    for (const w of cluster.warnings) process.stderr.write(`warning: ${w}\n`);
    return { before: toSnapshot(live), after: toSnapshot(overlayObjects(live, local)) };
  }
  const [before, after, extra] = paths;
  if (before === undefined || after === undefined || extra !== undefined) throw new CliError('diff needs BEFORE and AFTER (files or folders of manifests), or --cluster AFTER');
  if (before === '-' && after === '-') throw new CliError('diff can read only one of BEFORE and AFTER from stdin');
  const ns = args.namespace ?? 'default';
  return { before: toSnapshot(await read(before, ns)), after: toSnapshot(await read(after, ns)) };
}

export async function runDiff(args: GlobalArgs, o: DiffOptions, out: Output): Promise<number> {
  if (args.allNamespaces && args.namespace !== undefined) throw new CliError('-n/--namespace and -A/--all-namespaces cannot be used together');
  const { before, after } = await snapshots(args, o.paths, o.format);
  const ns = args.allNamespaces ? undefined : args.namespace;
  const inScope = ns === undefined ? undefined : (pod: string) => pod.startsWith(`${ns}/`);
  const changes = diffConnectivity(compileSnapshot(before), compileSnapshot(after), inScope);
  switch (o.format) {
    case 'table':
    case 'wide':
      out.write(diffTable(changes, o.format === 'wide'));
      break;
    case 'md':
      out.write(diffMarkdown(changes));
      break;
    case 'csv':
      out.write(diffCsv(changes));
      break;
    case 'dot':
    case 'mermaid':
    case 'svg':
      out.write(await renderPicture(diffGraph(changes), o.format));
      break;
    case 'json':
    case 'yaml': {
      const { renderData } = await import('../../render/data.js');
      out.write(renderData({ changes: changes.map(changeRecord) }, o.format));
      break;
    }
  }
  return changes.length > 0 ? 1 : 0;
}
