/**
 * @module sources/cluster
 * The live cluster as a source: connect with the user's kubeconfig, then read namespaces, pods,
 * policies (and nodes when asked), and the admin tiers' policies where the cluster serves them, with
 * as few list calls as the scope needs, all at once, every list paged. The CLI imports this module lazily (`await import`), so client-node is loaded only by
 * commands that reach a cluster; nothing else in src/ may import client-node.
 */
import {
  ApiException,
  CoreV1Api,
  createConfiguration,
  NetworkingV1Api,
  ServerConfiguration,
  type Configuration,
  type KubeConfig,
} from '@kubernetes/client-node';
import { describeApiError, type ApiCall } from './api-errors.js';
import type { CliError } from '../errors.js';
import { collectionPath, getJson, getListPage, RESOURCES, TIER_RESOURCES, type ListedResource, type NameKind, type TierResource, type WireObject } from './cluster-raw.js';
import { DeadlineHttpLibrary, listAll, PAGE_SIZE } from './cluster-request.js';
import { decodeObject } from './decode.js';
import { resolveKubeconfig, type KubeconfigEnv } from './kubeconfig.js';
import type { ObjectSet, Origin } from './objects.js';
import { ObjectCollector } from './snapshot.js';
import { ClusterWatch, type WatchListener, type WatchTuning } from './cluster-watch.js';

export interface ClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly requestTimeout?: RequestTimeout;
}

/** kubectl's --request-timeout: milliseconds per request (0: none), and how messages name it. */
export interface RequestTimeout {
  readonly ms: number;
  readonly label: string;
}

/**
 * What a command must read: every namespace, or these; whether nodes too; and whether Services
 * (in the same namespaces): `required` when the answer rests on them, `if-allowed` when they only
 * add to it, so that a user who may not list them is warned rather than stopped.
 */
export interface Need {
  readonly namespaces: 'all' | readonly string[];
  readonly nodes: boolean;
  readonly services?: 'required' | 'if-allowed';
}

export type { NameKind } from './cluster-raw.js';


/** The typed API clients, with the user's --request-timeout, for modules (exec) that make their own calls. */
export interface ClusterApis {
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
}

export interface ClusterConnection {
  readonly server: string;
  readonly context: string;
  readonly defaultNamespace: string;
  readonly apis: ClusterApis;
  load(need: Need): Promise<ObjectSet>;
  /** Object names for shell completion. */
  listNames(kind: NameKind, namespace?: string): Promise<string[]>;
  /** The --request-timeout as the user wrote it (`5s`), when one was given: messages name it. */
  readonly requestTimeout: string | undefined;
  /** Runs one API call and turns its failure into a one-line CliError naming `what`. */
  request<T>(what: Omit<ApiCall, 'server' | 'timeout'>, call: () => Promise<T>): Promise<T>;
  /** The loaded kubeconfig with the chosen context current: the escape hatch for exec over WebSocket. */
  kubeConfig(): KubeConfig;
  /** Lists and watches every namespace, pod, policy and node, and the tier policies where served; `start()` it. */
  watch(listener: WatchListener, tuning?: WatchTuning): ClusterWatch;
  /** What `load` could not read but worked around, for the user to see (one line each). */
  readonly warnings: readonly string[];
}

class LiveCluster implements ClusterConnection {
  readonly apis: ClusterApis;
  readonly warnings: string[] = [];
  private readonly origin: Origin;
  /** Reads go through it as wire JSON (cluster-raw); the typed clients serve exec. */
  private readonly config: Configuration;

  constructor(
    private readonly kc: KubeConfig,
    readonly server: string,
    readonly context: string,
    readonly defaultNamespace: string,
    requestTimeoutMs: number,
    readonly requestTimeout: string | undefined,
  ) {
    const config = (): Configuration =>
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: kc },
        httpApi: new DeadlineHttpLibrary(requestTimeoutMs),
      });
    this.config = config();
    this.apis = { core: new CoreV1Api(config()), networking: new NetworkingV1Api(config()) };
    this.origin = { source: server };
  }

  kubeConfig(): KubeConfig {
    return this.kc;
  }

  async request<T>(what: Omit<ApiCall, 'server' | 'timeout'>, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw this.describe(e, what);
    }
  }

  private describe(e: unknown, what: Omit<ApiCall, 'server' | 'timeout'>): CliError {
    return describeApiError(e, { ...what, server: this.server, ...(this.requestTimeout !== undefined ? { timeout: this.requestTimeout } : {}) });
  }

  /** Every page of one resource's list, in the namespace or cluster-wide. */
  private list(resource: ListedResource, namespace: string | undefined): Promise<WireObject[]> {
    const r = RESOURCES[resource];
    const path = collectionPath(resource, namespace);
    const what = { verb: 'list', resource, ...(namespace !== undefined && !r.clusterScoped ? { namespace } : {}) } as const;
    return this.request(what, () =>
      listAll((cont) => getListPage(this.config, path, r.item, { limit: String(PAGE_SIZE), ...(cont === undefined ? {} : { continue: cont }) })),
    );
  }

  /**
   * One namespace, or none when it does not exist or the user may not read it: getting a Namespace
   * is authorized in that namespace, so a user bound there without `get namespaces` is refused.
   * The snapshot then implies it, with only its name label; when that is for lack of permission
   * the user is told, since a namespaceSelector on its other labels would then silently not match.
   */
  private async namespace(name: string): Promise<WireObject[]> {
    try {
      const ns = await getJson(this.config, `/api/v1/namespaces/${encodeURIComponent(name)}`);
      return [{ ...RESOURCES.namespaces.item, ...(ns as WireObject) }];
    } catch (e) {
      if (e instanceof ApiException && e.code === 403) {
        this.warnings.push(
          `cannot get namespace ${name} (Forbidden): its labels are unknown, so namespaceSelectors see only kubernetes.io/metadata.name=${name}`,
        );
        return [];
      }
      if (e instanceof ApiException && e.code === 404) return [];
      throw this.describe(e, { verb: 'get', resource: 'namespaces', name });
    }
  }

  /** Services of one namespace or all, as `need` asks; for `if-allowed`, Forbidden is a warning. */
  private async services(need: Need['services'], namespace: string | undefined): Promise<WireObject[]> {
    if (need === undefined) return [];
    try {
      return await this.list('services', namespace);
    } catch (e) {
      if (need === 'required' || !(e instanceof Error) || !(e.cause instanceof ApiException) || e.cause.code !== 403) throw e;
      const where = namespace === undefined ? 'cluster-wide' : `in namespace ${namespace}`;
      this.warnings.push(`cannot list services ${where} (Forbidden): the Services that select pods are not named`);
      return [];
    }
  }

  /**
   * The admin tiers' policies, cluster-wide whatever the scope: they select pods in any namespace.
   * Each kind is listed straight away, in parallel with the other lists, rather than after a
   * discovery request: a 404 NotFound on the list is how kube-apiserver answers for a resource no
   * installed CRD defines, so it costs no extra round trip to learn. Not served is normal (no
   * word); Forbidden is one warning for every kind refused; anything else fails the command.
   */
  private async tierPolicies(): Promise<WireObject[]> {
    const forbidden: TierResource[] = [];
    const lists = await Promise.all(
      TIER_RESOURCES.map(async (resource) => {
        try {
          return await this.list(resource, undefined);
        } catch (e) {
          const code = e instanceof Error && e.cause instanceof ApiException ? e.cause.code : undefined;
          if (code === 404) return [];
          if (code !== 403) throw e;
          forbidden.push(resource);
          return [];
        }
      }),
    );
    if (forbidden.length > 0) {
      const names = TIER_RESOURCES.filter((r) => forbidden.includes(r));
      const kinds = names.map((r) => RESOURCES[r].item.kind);
      const list = (xs: readonly string[]): string => (xs.length === 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1] ?? ''}`);
      this.warnings.push(`cannot list ${names.join(', ')} (policy.networking.k8s.io) cluster-wide (Forbidden): the answers leave out every ${list(kinds)}`);
    }
    return lists.flat();
  }

  async load(need: Need): Promise<ObjectSet> {
    const nodes = need.nodes ? this.list('nodes', undefined) : Promise.resolve([]);
    let groups: Promise<WireObject[]>[];
    if (need.namespaces === 'all') {
      groups = [this.list('namespaces', undefined), this.list('pods', undefined), this.list('networkpolicies', undefined), this.services(need.services, undefined)];
    } else {
      const names = [...new Set(need.namespaces)];
      groups = names.flatMap((ns) => [this.namespace(ns), this.list('pods', ns), this.list('networkpolicies', ns), this.services(need.services, ns)]);
    }
    const results = await Promise.all([nodes, this.tierPolicies(), ...groups]);
    const out = new ObjectCollector();
    for (const raw of results.flat()) {
      // The server has validated these, and may know fields newer than this tool.
      const obj = decodeObject(raw, this.origin, { fieldValidation: 'ignore' });
      if (obj !== undefined) out.add(obj, this.origin);
    }
    return out.result();
  }

  watch(listener: WatchListener, tuning?: WatchTuning): ClusterWatch {
    const conn = {
      config: this.config,
      kubeConfig: this.kc,
      origin: this.origin,
      describe: (err: unknown, resource: ListedResource) => this.describe(err, { verb: 'list', resource }),
    };
    return new ClusterWatch(conn, listener, tuning);
  }

  async listNames(kind: NameKind, namespace?: string): Promise<string[]> {
    const objs = await this.list(kind, namespace);
    return objs.map((o) => (o['metadata'] as { name?: string } | undefined)?.name ?? '').filter((n) => n !== '').sort();
  }
}

/**
 * Resolves the kubeconfig (see kubeconfig.ts) and prepares API clients; no request is made yet, so
 * connection errors surface on the first call, worded by api-errors.ts.
 */
export async function connectCluster(opts: ClusterOptions, env?: KubeconfigEnv): Promise<ClusterConnection> {
  const resolved = resolveKubeconfig(opts, env);
  return new LiveCluster(
    resolved.kubeConfig,
    resolved.server,
    resolved.context,
    resolved.defaultNamespace,
    opts.requestTimeout?.ms ?? 0,
    opts.requestTimeout?.label,
  );
}
