/**
 * @module sources/kubeconfig
 * Finds and loads the kubeconfig the way kubectl does, which is not quite what client-node's
 * loadFromDefault does:
 * 1. --kubeconfig FILE: that file only (it must exist);
 * 2. else $KUBECONFIG: a path.delimiter-separated list; missing files are skipped; for clusters,
 *    users and contexts of the same name **the first file wins**, and so does the first non-empty
 *    current-context (client-node lets later files override, and throws on duplicates);
 * 3. else ~/.kube/config;
 * 4. else the in-cluster service account;
 * 5. else "no configuration has been provided", where client-node would fall back to localhost:8080.
 * --context is checked against the loaded contexts (client-node's setCurrentContext accepts any name).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

/** The environment variables read: KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT. */
export type KubeconfigEnv = Readonly<Record<string, string | undefined>>;

export interface ResolvedKubeconfig {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  readonly server: string;
  readonly defaultNamespace: string;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function loadFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CliError(`error loading config file "${path}": ${msg}`, { cause: e });
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

export function resolveKubeconfig(
  opts: { readonly kubeconfig?: string; readonly context?: string },
  env: KubeconfigEnv = process.env,
): ResolvedKubeconfig {
  const files = kubeconfigFiles(opts.kubeconfig, env);
  let kc: KubeConfig;
  let source: string;
  if (files.length > 0) {
    kc = merge(files.map(loadFile));
    source = files.join(delimiter);
  } else if (env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT'] && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc = new KubeConfig();
    kc.loadFromCluster();
    source = 'in-cluster';
  } else {
    throw new CliError('invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig');
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
