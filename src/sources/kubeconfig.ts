/**
 * @module sources/kubeconfig
 * Finds and loads the kubeconfig the way kubectl does, which is not quite what client-node's
 * loadFromDefault does:
 * 1. --kubeconfig FILE: that file only (it must exist);
 * 2. else $KUBECONFIG: a path.delimiter-separated list; missing files are skipped; for clusters,
 *    users and contexts of the same name **the first file wins**, and so does the first non-empty
 *    current-context (client-node lets later files override, and throws on duplicates);
 * 3. else ~/.kube/config;
 * 4. else the in-cluster service account, as kubectl in a pod uses it: KUBERNETES_SERVICE_HOST and
 *    _PORT both set and a token file in the service account directory; the server is always
 *    https://HOST:PORT, the token file is re-read as it rotates, ca.crt is trusted when present, and
 *    the namespace is $POD_NAMESPACE, else the directory's `namespace` file, else default;
 * 5. else "no configuration has been provided", where client-node would fall back to localhost:8080.
 * --context is checked against the loaded contexts (client-node's setCurrentContext accepts any name).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

/** The environment variables read: KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE. */
export type KubeconfigEnv = Readonly<Record<string, string | undefined>>;

export interface ResolvedKubeconfig {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly server: string;
  readonly defaultNamespace: string;
}

export interface KubeconfigOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Where a pod's service account is mounted (default SERVICE_ACCOUNT_DIR); tests point it elsewhere. */
  readonly serviceAccountDir?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function firstLine(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
}

function loadFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new CliError(`error loading config file "${path}": ${firstLine(e)}`, { cause: e });
  }
  return kc;
}

function firstWins<T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] {
  const out = new Map<string, T>();
  for (const list of lists) for (const item of list) if (!out.has(item.name)) out.set(item.name, item);
  return [...out.values()];
}

/** client-node refuses http:// servers unless TLS verification is off; kubectl just talks plain HTTP. */
function allowPlainHttp(c: Cluster): Cluster {
  return c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c;
}

function merge(configs: readonly KubeConfig[]): KubeConfig {
  const clusters: Cluster[] = firstWins(configs.map((c) => c.clusters)).map(allowPlainHttp);
  const users: User[] = firstWins(configs.map((c) => c.users));
  const contexts: Context[] = firstWins(configs.map((c) => c.contexts));
  const currentContext = configs.map((c) => c.currentContext).find((n) => n !== undefined && n !== '') ?? '';
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext });
  return kc;
}

function kubeconfigFiles(explicit: string | undefined, env: KubeconfigEnv): string[] {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new CliError(`stat ${explicit}: no such file or directory (--kubeconfig)`);
    return [explicit];
  }
  const list = env['KUBECONFIG'] ?? '';
  if (list !== '') return list.split(delimiter).filter((p) => p !== '' && existsSync(p));
  const home = env['HOME'] ?? homedir();
  const fallback = join(home, '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The in-cluster configuration, built here rather than by client-node's loadFromCluster, which
 * reads process.env instead of `env`, picks http for some ports, and ignores POD_NAMESPACE.
 */
function inClusterConfig(env: KubeconfigEnv, dir: string): KubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
  const tokenFile = join(dir, 'token');
  // Read once now so an unreadable token is reported here, not as a failure of the first request.
  try {
    readFileSync(tokenFile);
  } catch (e) {
    throw new CliError(`in-cluster configuration: cannot read the service account token ${tokenFile}: ${firstLine(e)}`, { cause: e });
  }
  const caFile = join(dir, 'ca.crt');
  let namespace = env['POD_NAMESPACE'] ?? '';
  if (namespace === '' && isFile(join(dir, 'namespace'))) namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'inCluster',
        server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
        // Without ca.crt kubectl goes on with the system's roots, so does this.
        ...(isFile(caFile) ? { caFile } : {}),
        skipTLSVerify: false,
      },
    ],
    // client-node's tokenFile provider re-reads the file, as kubectl does, since bound tokens rotate.
    users: [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', ...(namespace !== '' ? { namespace } : {}) }],
    currentContext: 'inClusterContext',
  });
  return kc;
}

export function resolveKubeconfig(opts: KubeconfigOptions, env: KubeconfigEnv = process.env): ResolvedKubeconfig {
  const files = kubeconfigFiles(opts.kubeconfig, env);
  const saDir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const inCluster = (env['KUBERNETES_SERVICE_HOST'] ?? '') !== '' && (env['KUBERNETES_SERVICE_PORT'] ?? '') !== '';
  let kc: KubeConfig;
  let source: string;
  if (files.length > 0) {
    kc = merge(files.map(loadFile));
    source = files.join(delimiter);
  } else if (inCluster && existsSync(join(saDir, 'token'))) {
    kc = inClusterConfig(env, saDir);
    source = 'in-cluster';
  } else {
    // kubectl says no more than this; when the pod's environment is there, name what is missing
    // (typically a pod with automountServiceAccountToken: false).
    const why = inCluster ? ` (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set, but there is no service account token at ${join(saDir, 'token')})` : '';
    throw new CliError(`invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig${why}`);
  }

  const name = opts.context ?? kc.getCurrentContext();
  if (name === undefined || name === '') {
    const known = kc.getContexts().map((c) => c.name);
    throw new CliError(
      `no current context is set in ${source}; choose one with --context${known.length > 0 ? ` (${known.join(', ')})` : ''}`,
    );
  }
  const ctx = kc.getContextObject(name);
  if (ctx === null) throw new CliError(`context "${name}" does not exist`);
  kc.setCurrentContext(name);
  const cluster = kc.getCluster(ctx.cluster);
  if (cluster === null) {
    throw new CliError(`invalid configuration: context "${name}" refers to cluster "${ctx.cluster}", which is not defined`);
  }
  if (cluster.server === '') throw new CliError(`invalid configuration: cluster "${cluster.name}" has no server defined`);
  return { kubeConfig: kc, context: name, server: cluster.server, defaultNamespace: ctx.namespace || 'default' };
}
