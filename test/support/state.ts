/**
 * @module test/support/state
 * The mutable state of one fake API server that the HTTP handler, the exec endpoint and the test's
 * handle share: objects, RBAC-like denials, injected server failures, the request log and the
 * behaviour switches.
 */
import type { ExecHandler, ExecProtocol } from './exec-server.js';
import type { PodStartup } from './pod-lifecycle.js';
import type { ObjectStore } from './store.js';

/**
 * How a watch from a compacted resourceVersion is refused: 'error-event' answers 200 and one ERROR
 * event carrying the 410 Expired Status (what the watch cache of real servers does); 'http' answers
 * HTTP 410 with the Status body.
 */
export type ExpiredWatchDelivery = 'error-event' | 'http';

/** Makes watches (those whose path matches) fail with a Status, as HTTP or as an in-stream ERROR. */
export interface WatchFailure {
  readonly code: 403 | 500;
  readonly delivery?: ExpiredWatchDelivery;
  readonly match?: RegExp;
}

/** A watch stream that is being served. */
export interface OpenWatch {
  readonly entry: RequestLogEntry;
  /** Closes the connection without ending the chunked body, like a dropped connection. */
  drop(): void;
}

/**
 * Denies `verb` on `resource` ('pods', 'networkpolicies', 'pods/exec', '*'); verb '*' denies all.
 * namespace: only that namespace; clusterScope: only cluster-wide requests (a user with
 * namespace-scoped RoleBindings); neither: everywhere.
 */
export interface ForbidRule {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly clusterScope?: boolean;
}

/**
 * Makes requests that pass authorization fail as kube-apiserver answers when what is behind it
 * fails: 500 InternalError (storage timed out, a webhook broke) or 503 ServiceUnavailable.
 * verb, resource, namespace and clusterScope match as in ForbidRule. times: only the first
 * `times` matching requests fail, then the rule is spent (a retry gets through); absent, every one.
 */
export interface FailureRule extends ForbidRule {
  /** Default 500. */
  readonly code?: 500 | 503;
  /** The 500's cause (default 'etcdserver: request timed out') or the 503's message. */
  readonly message?: string;
  readonly times?: number;
}

/** An injected failure with what is left of its count (Infinity without `times`). */
export interface ArmedFailure {
  readonly rule: FailureRule;
  left: number;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly accept: string;
  readonly userAgent: string;
  readonly upgrade: boolean;
  /** Parsed JSON body of POST/PUT/PATCH, when any. */
  body?: unknown;
  /** HTTP status sent (101 for a successful exec upgrade). */
  status?: number;
}

export interface ServerState {
  readonly store: ObjectStore;
  readonly user: string;
  token: string;
  readonly forbidRules: ForbidRule[];
  readonly failures: ArmedFailure[];
  readonly log: RequestLogEntry[];
  delayMs: number;
  /** Only paths matching it are delayed; undefined delays everything. */
  delayMatch: RegExp | undefined;
  /** Only requests of this HTTP method are delayed; undefined delays every method. */
  delayMethod: string | undefined;
  /** Largest page the server returns whatever `limit` asks (0: no cap). */
  pageSizeCap: number;
  podStartup: PodStartup;
  /** GET counts of pods created through POST, by ns/name: only those move on by themselves. */
  readonly podPolls: Map<string, number>;
  nextPodIp: number;
  execHandler: ExecHandler;
  execProtocol: ExecProtocol;
  /** Refuse every exec upgrade with this HTTP status (no 101). */
  execRefusal: 400 | 403 | 404 | undefined;
  serverAddress: string;
  readonly watches: Set<OpenWatch>;
  expiredWatchDelivery: ExpiredWatchDelivery;
  watchFailure: WatchFailure | undefined;
  /** How often a watch that allows bookmarks gets one (real servers: about a minute). */
  bookmarkIntervalMs: number;
  /** Whether the admin tiers' CRDs are installed: their resources are served and discovered. */
  readonly tierCrds: boolean;
}

/** Whether a ForbidRule-shaped rule covers `verb` on `resource` in `namespace` (undefined: cluster scope). */
export function ruleCovers(r: ForbidRule, verb: string, resource: string, namespace: string | undefined): boolean {
  return (
    (r.verb === '*' || r.verb === verb) &&
    (r.resource === '*' || r.resource === resource) &&
    (r.namespace !== undefined ? r.namespace === namespace : r.clusterScope === true ? namespace === undefined : true)
  );
}

export function isForbidden(state: ServerState, verb: string, resource: string, namespace: string | undefined): boolean {
  return state.forbidRules.some((r) => ruleCovers(r, verb, resource, namespace));
}

/** The first armed failure covering the request, its count taken down by one; undefined when none. */
export function takeFailure(state: ServerState, verb: string, resource: string, namespace: string | undefined): FailureRule | undefined {
  const armed = state.failures.find((f) => f.left > 0 && ruleCovers(f.rule, verb, resource, namespace));
  if (!armed) return undefined;
  armed.left -= 1;
  return armed.rule;
}
