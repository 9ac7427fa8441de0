/**
 * @module test/cli/cluster-fixtures
 * Puts the objects of manifest files into the fake API server, so the same objects can be read
 * from files (`-f`) and from the cluster (`--kubeconfig`) and the answers compared. The YAML is
 * parsed here with the `yaml` package, independently of src/sources, so a reader bug in src cannot
 * hide itself by feeding both sides. A workload (the seed's Job) becomes the pod its controller would
 * create before it has an IP: the same name, labels and ports, no status.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type FakeApiServer, type KubeconfigOptions, type RequestLogEntry } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { repo } from './run.js';

export const seedFiles = [`${repo}examples/seed-cluster.yaml`];
export const multiDir = `${repo}test/fixtures/multi-namespace/cluster`;
export const overlayDir = `${repo}test/fixtures/multi-namespace/overlay`;
/** Three AdminNetworkPolicies, the BaselineAdminNetworkPolicy and a ClusterNetworkPolicy over multiDir. */
export const tiersDir = `${repo}test/fixtures/multi-namespace/tiers`;

const SERVED = new Set(['Namespace', 'Pod', 'Node', 'NetworkPolicy', 'Service', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((n) => filesUnder(join(path, n)))
    .filter((f) => /\.(ya?ml|json)$/.test(f));
}

function asPod(workload: JsonObject): JsonObject {
  const meta = isObject(workload['metadata']) ? workload['metadata'] : {};
  const spec = isObject(workload['spec']) ? workload['spec'] : {};
  const template = isObject(spec['template']) ? spec['template'] : {};
  const tmeta = isObject(template['metadata']) ? template['metadata'] : {};
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: meta['name'] ?? '', namespace: meta['namespace'] ?? 'default', labels: tmeta['labels'] ?? {} },
    spec: isObject(template['spec']) ? template['spec'] : { containers: [] },
  };
}

/** The wire objects of files and folders, as the fake's `add` takes them. */
export function wireObjects(paths: readonly string[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const file of paths.flatMap(filesUnder)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o: unknown = doc.toJS();
      if (!isObject(o) || typeof o['kind'] !== 'string') continue;
      if (SERVED.has(o['kind'])) out.push(o);
      else if (WORKLOADS.has(o['kind'])) out.push(asPod(o));
    }
  }
  return out;
}

export interface FakeCluster {
  readonly server: FakeApiServer;
  readonly kubeconfig: string;
  readonly dir: string;
  /** Another kubeconfig for the same server (a different context namespace, token, CA...). */
  kubeconfigWith(opts: KubeconfigOptions): string;
  close(): Promise<void>;
}

/** A fresh fake holding `objects`, and a kubeconfig for it in a fresh temp folder. */
/** `tierCrds: false`: a server without the admin tiers' CRDs (see FakeApiServerOptions). */
export async function fakeCluster(objects: readonly JsonObject[], opts: { pageSizeCap?: number; namespace?: string; tierCrds?: boolean } = {}): Promise<FakeCluster> {
  const server = await startApiServer({
    objects,
    ...(opts.pageSizeCap !== undefined ? { pageSizeCap: opts.pageSizeCap } : {}),
    ...(opts.tierCrds !== undefined ? { tierCrds: opts.tierCrds } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'netpol-cli-cluster-'));
  let n = 0;
  return {
    server,
    dir,
    kubeconfig: server.kubeconfigPath(dir, opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    kubeconfigWith: (k) => server.kubeconfigPath(dir, { fileName: `kubeconfig-${++n}`, ...k }),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `GET /api/v1/pods` for a log entry, without the query. */
export function requestLine(e: RequestLogEntry): string {
  return `${e.method} ${e.path}`;
}
