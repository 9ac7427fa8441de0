/**
 * @module test/support/apiserver
 * An in-process fake kube-apiserver for tests (no real one can run here: see STACK-NOTES §6).
 * It speaks what @kubernetes/client-node 1.4.0 and kubectl v1.32 use: HTTPS with a throwaway CA,
 * bearer tokens, legacy discovery, list/get/create/delete for pods, namespaces, nodes and
 * networkpolicies with selectors and paging (and the admin tiers' custom resources, unless started
 * without their CRDs), update (PUT), watch (`?watch=true`: resourceVersion, selectors,
 * timeoutSeconds, bookmarks, 410 Expired after a compaction), Status errors with the real wording,
 * and exec over WebSocket (v5 or v4). Every change, through the API or a handle, takes the next
 * resourceVersion and reaches open watches, so list + watch sees each change once. Tests steer it
 * through the returned handle (faults included: dropped watches, compaction, failing watches, 500 or
 * 503 on chosen requests, slow answers) and
 * read its request log.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { serverCerts } from './certs.js';
import { echoHandler, type ExecHandler, type ExecProtocol } from './exec-server.js';
import { handleUpgrade } from './exec-route.js';
import { writeKubeconfig } from './kubeconfig-file.js';
import type { PodStartup } from './pod-lifecycle.js';
import { RESOURCES, resourceByKind } from './resources.js';
import { handleRequest } from './rest-handler.js';
import type { JsonObject } from './selectors.js';
import type { ExpiredWatchDelivery, FailureRule, ForbidRule, RequestLogEntry, ServerState, WatchFailure } from './state.js';
import { ObjectStore, keyOf, metaOf } from './store.js';

export type { ExecHandler, ExecIo, ExecProtocol, ExecRequest } from './exec-server.js';
export { echoHandler, receivedScript } from './exec-server.js';
export type { PodStartup } from './pod-lifecycle.js';
export type { ExpiredWatchDelivery, FailureRule, ForbidRule, RequestLogEntry, WatchFailure } from './state.js';

export interface FakeApiServerOptions {
  /** Serve HTTPS with a throwaway CA (default true); false serves plain HTTP. */
  readonly tls?: boolean;
  /** The bearer token to accept (default 'fake-token'). */
  readonly token?: string;
  /** The user name in Forbidden messages (default 'tester'). */
  readonly user?: string;
  /** Cap on page size regardless of `limit` (default 0: no cap). */
  readonly pageSizeCap?: number;
  readonly execHandler?: ExecHandler;
  /** The newest exec subprotocol to accept (default 'v5'). */
  readonly execProtocol?: ExecProtocol;
  /** How created pods progress (default: Running from the 2nd GET). */
  readonly podStartup?: PodStartup;
  /** Listen on every address (lab nodes reach it over HOST_LINK_ADDRESSES), not only 127.0.0.1. */
  readonly listenAll?: boolean;
  /** Objects to load at start (raw JSON with kind/apiVersion). */
  readonly objects?: readonly JsonObject[];
  /**
   * Whether the admin tiers' CRDs (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
   * ClusterNetworkPolicy) are installed (default true). Without them their group is absent from
   * discovery, their paths answer 404 NotFound, and `add` refuses their objects.
   */
  readonly tierCrds?: boolean;
}

export interface KubeconfigOptions {
  readonly context?: string;
  readonly namespace?: string;
  readonly token?: string;
  /** CA to trust instead of the server's; false writes no CA at all. */
  readonly caPem?: string | false;
  readonly server?: string;
  readonly fileName?: string;
}

export interface FakeApiServer {
  readonly url: string;
  /** PEM of the CA that signed the server certificate ('' without TLS). */
  readonly caPem: string;
  readonly token: string;
  readonly user: string;
  /** Requests in arrival order (exec upgrades included). */
  readonly log: RequestLogEntry[];
  /** Writes `<dir>/<fileName or kubeconfig>` pointing at this server; returns its path. */
  kubeconfigPath(dir: string, opts?: KubeconfigOptions): string;
  add(...objs: JsonObject[]): void;
  remove(kind: string, namespace: string | undefined, name: string): boolean;
  /**
   * Copies of every stored object, with kind and apiVersion, as the server stores them (defaulted):
   * what a client reading the cluster sees, for writing to a file. Ordered by kind, then key.
   */
  stored(): JsonObject[];
  /** The stored object (live; mutate then call `touch`), or undefined. */
  get(kind: string, namespace: string | undefined, name: string): JsonObject | undefined;
  /** Records an in-place change of an object `get` returned: next resourceVersion, MODIFIED. */
  touch(obj: JsonObject): void;
  /** Replaces a stored object (MODIFIED), keeping uid and creationTimestamp; throws when absent. */
  replace(obj: JsonObject): JsonObject;
  /** Changes the stored object in place, then records it (MODIFIED); throws when absent. */
  patch(kind: string, namespace: string | undefined, name: string, change: (obj: JsonObject) => void): JsonObject;
  /** Merges into metadata.labels, null removing a label, like a merge patch (MODIFIED). */
  relabel(kind: string, namespace: string | undefined, name: string, labels: Readonly<Record<string, string | null>>): JsonObject;
  /** The resourceVersion a list would report now. */
  resourceVersion(): string;
  /** Forgets the change history up to now, like an etcd compaction: older versions get 410. */
  compact(): string;
  /** Cuts the connections of open watches (whose path matches) mid-stream; returns how many. */
  dropWatches(match?: RegExp): number;
  /** How a watch from a compacted resourceVersion is refused (default 'error-event'). */
  setWatchMode(expired: ExpiredWatchDelivery): void;
  /** Makes new watches fail with a Status until called with undefined. */
  failWatches(failure: WatchFailure | undefined): void;
  /** Interval of BOOKMARK events for watches with allowWatchBookmarks=true (default 60 s; 0: none). */
  setBookmarkInterval(ms: number): void;
  /** Log entries of the watches being served now (whose path matches). */
  openWatches(match?: RegExp): RequestLogEntry[];
  /** Resolves once a watch whose path matches is open; rejects after timeoutMs (default 20 s). */
  waitForWatch(match?: RegExp, timeoutMs?: number): Promise<RequestLogEntry>;
  forbid(rule: ForbidRule): void;
  allowAll(): void;
  /**
   * Makes the get, list, create and delete requests the rule covers answer 500 InternalError (or
   * 503 ServiceUnavailable) once authorized, until `stopFailing` (watches: `failWatches`).
   */
  fail(rule: FailureRule): void;
  stopFailing(): void;
  setPodPhase(namespace: string, name: string, phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'): void;
  setPodStartup(startup: PodStartup): void;
  setExecHandler(handler: ExecHandler): void;
  setExecProtocol(protocol: ExecProtocol): void;
  /** Refuse exec upgrades with a plain HTTP error (no 101), or undefined to accept again. */
  refuseExec(code: 400 | 403 | 404 | undefined): void;
  /**
   * Delay every response (or those whose path matches, and of that HTTP method) by `ms`; 0 turns it
   * off. A client that gives up closes the connection; the request is then carried out, as a real
   * server may finish a write whose client has gone.
   */
  setDelay(ms: number, match?: RegExp, method?: string): void;
  setPageSizeCap(cap: number): void;
  setToken(token: string): void;
  /** Requests whose path matches, for assertions. */
  requests(pathPattern?: RegExp): RequestLogEntry[];
  close(): Promise<void>;
}

const PROTOCOLS: Readonly<Record<ExecProtocol, string>> = { v5: 'v5.channel.k8s.io', v4: 'v4.channel.k8s.io' };

function chooseProtocol(state: ServerState, offered: Set<string>): string | false {
  const order: ExecProtocol[] = state.execProtocol === 'v5' ? ['v5', 'v4'] : ['v4'];
  for (const p of order) if (offered.has(PROTOCOLS[p])) return PROTOCOLS[p];
  return false;
}

export async function startApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const tls = opts.tls ?? true;
  const state: ServerState = {
    store: new ObjectStore(),
    user: opts.user ?? 'tester',
    token: opts.token ?? 'fake-token',
    forbidRules: [],
    failures: [],
    log: [],
    delayMs: 0,
    delayMatch: undefined,
    delayMethod: undefined,
    pageSizeCap: opts.pageSizeCap ?? 0,
    podStartup: opts.podStartup ?? { mode: 'run', afterPolls: 1 },
    podPolls: new Map(),
    nextPodIp: 10,
    execHandler: opts.execHandler ?? echoHandler(0),
    execProtocol: opts.execProtocol ?? 'v5',
    execRefusal: undefined,
    serverAddress: '',
    watches: new Set(),
    expiredWatchDelivery: 'error-event',
    watchFailure: undefined,
    bookmarkIntervalMs: 60_000,
    tierCrds: opts.tierCrds ?? true,
  };
  const put = (o: JsonObject): void => {
    const r = resourceByKind(String(o['kind']));
    if (r?.crd === true && !state.tierCrds) throw new Error(`fake apiserver: ${String(o['kind'])} is not served: started without the tiers' CRDs`);
    state.store.put(o);
  };
  for (const o of opts.objects ?? []) put(o);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(state, req, res).catch((e: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fake apiserver bug: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
  };
  const certs = tls ? await serverCerts() : undefined;
  const server: Server = certs
    ? createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, onRequest)
    : createHttpServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseProtocol(state, offered) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handleUpgrade(state, wss, req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, opts.listenAll === true ? '0.0.0.0' : '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.serverAddress = `127.0.0.1:${port}`;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caPem = certs?.caPem ?? '';

  const kindInfo = (kind: string) => {
    const r = resourceByKind(kind);
    if (!r) throw new Error(`fake apiserver: unsupported kind ${kind}`);
    return r;
  };
  const stored = (kind: string, namespace: string | undefined, name: string): JsonObject => {
    const obj = state.store.get(kindInfo(kind), namespace, name);
    if (!obj) throw new Error(`fake apiserver: no ${kind} ${namespace === undefined ? name : `${namespace}/${name}`}`);
    return obj;
  };
  const openWatches = (match?: RegExp) => [...state.watches].filter((w) => !match || match.test(w.entry.path));
  const dropWatches = (match?: RegExp): number => {
    const dropped = openWatches(match);
    for (const w of dropped) {
      state.watches.delete(w);
      w.drop();
    }
    return dropped.length;
  };

  return {
    url,
    caPem,
    get token() {
      return state.token;
    },
    user: state.user,
    log: state.log,
    kubeconfigPath(dir, k = {}) {
      const ctx = k.context ?? 'fake';
      const ca = k.caPem === false ? undefined : (k.caPem ?? (tls ? caPem : undefined));
      return writeKubeconfig(join(dir, k.fileName ?? 'kubeconfig'), {
        clusters: [{ name: `${ctx}-cluster`, server: k.server ?? url, ...(ca !== undefined ? { caPem: ca } : {}), ...(tls ? {} : { insecure: true }) }],
        users: [{ name: `${ctx}-user`, token: k.token ?? state.token }],
        contexts: [{ name: ctx, cluster: `${ctx}-cluster`, user: `${ctx}-user`, ...(k.namespace !== undefined ? { namespace: k.namespace } : {}) }],
        currentContext: ctx,
      });
    },
    add(...objs) {
      for (const o of objs) put(o);
    },
    remove(kind, namespace, name) {
      return state.store.delete(kindInfo(kind), namespace, name) !== undefined;
    },
    stored() {
      return RESOURCES.flatMap((r) =>
        state.store
          .all(r)
          .map((o) => ({ key: keyOf(r.namespaced ? String(metaOf(o)['namespace']) : undefined, String(metaOf(o)['name'])), o }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map(({ o }) => structuredClone(o)),
      );
    },
    get(kind, namespace, name) {
      return state.store.get(kindInfo(kind), namespace, name);
    },
    touch(obj) {
      state.store.touch(obj);
    },
    replace(obj) {
      const meta = (obj['metadata'] ?? {}) as JsonObject;
      stored(String(obj['kind']), meta['namespace'] as string | undefined, String(meta['name']));
      return state.store.put(obj);
    },
    patch(kind, namespace, name, change) {
      const obj = stored(kind, namespace, name);
      change(obj);
      state.store.touch(obj);
      return obj;
    },
    relabel(kind, namespace, name, labels) {
      const obj = stored(kind, namespace, name);
      const meta = metaOf(obj);
      const next = { ...((meta['labels'] as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(labels)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      meta['labels'] = next;
      state.store.touch(obj);
      return obj;
    },
    resourceVersion() {
      return state.store.currentVersion();
    },
    compact() {
      return state.store.compact();
    },
    dropWatches,
    setWatchMode(expired) {
      state.expiredWatchDelivery = expired;
    },
    failWatches(failure) {
      state.watchFailure = failure;
    },
    setBookmarkInterval(ms) {
      state.bookmarkIntervalMs = ms;
    },
    openWatches(match) {
      return openWatches(match).map((w) => w.entry);
    },
    waitForWatch(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const w = openWatches(match)[0];
          if (w) resolve(w.entry);
          else if (Date.now() > deadline) reject(new Error(`fake apiserver: no watch of ${String(match ?? 'anything')} opened in ${timeoutMs} ms`));
          else setTimeout(check, 10);
        };
        check();
      });
    },
    forbid(rule) {
      state.forbidRules.push(rule);
    },
    allowAll() {
      state.forbidRules.length = 0;
    },
    fail(rule) {
      state.failures.push({ rule, left: rule.times ?? Infinity });
    },
    stopFailing() {
      state.failures.length = 0;
    },
    setPodPhase(namespace, name, phase) {
      const pod = state.store.get(kindInfo('Pod'), namespace, name);
      if (!pod) throw new Error(`fake apiserver: no pod ${namespace}/${name}`);
      const st = (pod['status'] as JsonObject | undefined) ?? {};
      pod['status'] = { ...st, phase };
      state.podPolls.delete(keyOf(namespace, name));
      state.store.touch(pod);
      metaOf(pod);
    },
    setPodStartup(startup) {
      state.podStartup = startup;
    },
    setExecHandler(handler) {
      state.execHandler = handler;
    },
    setExecProtocol(protocol) {
      state.execProtocol = protocol;
    },
    refuseExec(code) {
      state.execRefusal = code;
    },
    setDelay(ms, match, method) {
      state.delayMs = ms;
      state.delayMatch = match;
      state.delayMethod = method;
    },
    setPageSizeCap(cap) {
      state.pageSizeCap = cap;
    },
    setToken(token) {
      state.token = token;
    },
    requests(pathPattern) {
      return pathPattern ? state.log.filter((e) => pathPattern.test(e.path)) : [...state.log];
    },
    async close() {
      dropWatches();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
