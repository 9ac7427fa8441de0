/**
 * @module test/support/apiserver
 * An in-process fake kube-apiserver for tests (no real one can run here: see STACK-NOTES §6).
 * It speaks what @kubernetes/client-node 1.4.0 and kubectl v1.32 use: HTTPS with a throwaway CA,
 * bearer tokens, legacy discovery, list/get/create/delete for pods, namespaces, nodes and
 * networkpolicies with selectors and paging, Status errors with the real wording, and exec over
 * WebSocket (v5 or v4). Tests steer it through the returned handle and read its request log.
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
import type { ForbidRule, RequestLogEntry, ServerState } from './state.js';
import { ObjectStore, keyOf, metaOf } from './store.js';

export type { ExecHandler, ExecIo, ExecProtocol, ExecRequest } from './exec-server.js';
export { echoHandler } from './exec-server.js';
export type { PodStartup } from './pod-lifecycle.js';
export type { ForbidRule, RequestLogEntry } from './state.js';

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
  /** Objects to load at start (raw JSON with kind/apiVersion). */
  readonly objects?: readonly JsonObject[];
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
  forbid(rule: ForbidRule): void;
  allowAll(): void;
  setPodPhase(namespace: string, name: string, phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed'): void;
  setPodStartup(startup: PodStartup): void;
  setExecHandler(handler: ExecHandler): void;
  setExecProtocol(protocol: ExecProtocol): void;
  /** Refuse exec upgrades with a plain HTTP error (no 101), or undefined to accept again. */
  refuseExec(code: 400 | 403 | 404 | undefined): void;
  /** Delay every response (or those whose path matches) by `ms`; 0 turns it off. */
  setDelay(ms: number, match?: RegExp): void;
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
    log: [],
    delayMs: 0,
    delayMatch: undefined,
    pageSizeCap: opts.pageSizeCap ?? 0,
    podStartup: opts.podStartup ?? { mode: 'run', afterPolls: 1 },
    podPolls: new Map(),
    nextPodIp: 10,
    execHandler: opts.execHandler ?? echoHandler(0),
    execProtocol: opts.execProtocol ?? 'v5',
    execRefusal: undefined,
    serverAddress: '',
  };
  for (const o of opts.objects ?? []) state.store.put(o);

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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.serverAddress = `127.0.0.1:${port}`;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caPem = certs?.caPem ?? '';

  const kindInfo = (kind: string) => {
    const r = resourceByKind(kind);
    if (!r) throw new Error(`fake apiserver: unsupported kind ${kind}`);
    return r;
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
      for (const o of objs) state.store.put(o);
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
    forbid(rule) {
      state.forbidRules.push(rule);
    },
    allowAll() {
      state.forbidRules.length = 0;
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
    setDelay(ms, match) {
      state.delayMs = ms;
      state.delayMatch = match;
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
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
