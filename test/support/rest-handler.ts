/**
 * @module test/support/rest-handler
 * The fake's plain HTTP requests: bearer auth, discovery, list/get/create/update/delete for the
 * served resources (watch-route.ts serves `?watch=true`), and Status errors worded like
 * kube-apiserver's. Custom resources whose CRDs are not installed are not served: their paths
 * answer 404 like any unknown path.
 * Authorization is checked before existence, as on the real server, so a forbidden user cannot
 * probe for names. Injected failures (FailureRule) come after authorization and before the store
 * is touched: a failed create stores nothing, a failed delete deletes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { discoveryDocument } from './discovery.js';
import { pendingStatus, statusAfterPoll } from './pod-lifecycle.js';
import { apiVersionOf, resourceByName, type ResourceInfo } from './resources.js';
import { send, sendStatus } from './respond.js';
import { parseRoute, type ResourceRoute } from './routes.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type JsonObject } from './selectors.js';
import { isForbidden, takeFailure, type FailureRule, type RequestLogEntry, type ServerState } from './state.js';
import * as status from './status.js';
import { ExpiredContinueError, InvalidContinueError, keyOf, metaOf } from './store.js';
import { isWatchRequest, serveWatch } from './watch-route.js';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function isAuthorized(state: ServerState, req: IncomingMessage): boolean {
  return req.headers.authorization === `Bearer ${state.token}`;
}

export function newLogEntry(req: IncomingMessage): RequestLogEntry {
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    accept: req.headers.accept ?? '',
    userAgent: req.headers['user-agent'] ?? '',
    upgrade: (req.headers.upgrade ?? '').toLowerCase() === 'websocket',
  };
}

/** The Status of an injected failure, as kube-apiserver's NewInternalError or NewServiceUnavailable builds it. */
export function failureStatus(rule: FailureRule): status.StatusBody {
  return rule.code === 503
    ? status.serviceUnavailable(rule.message ?? 'the server is currently unable to handle the request')
    : status.internalError(rule.message ?? 'etcdserver: request timed out');
}

/** Sends the injected failure for the request and returns true, or returns false when none is armed. */
function failed(state: ServerState, verb: string, resource: string, namespace: string | undefined, entry: RequestLogEntry, res: ServerResponse): boolean {
  const rule = takeFailure(state, verb, resource, namespace);
  if (!rule) return false;
  sendStatus(res, entry, failureStatus(rule));
  return true;
}

/** Waits out the configured delay, or until the client gives up and closes the connection. */
export async function delayFor(state: ServerState, entry: RequestLogEntry, socket: Duplex): Promise<void> {
  if (state.delayMs <= 0) return;
  if (state.delayMatch && !state.delayMatch.test(entry.path)) return;
  if (state.delayMethod !== undefined && state.delayMethod !== entry.method) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, state.delayMs);
    socket.once('close', done);
  });
}

export async function handleRequest(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const entry = newLogEntry(req);
  state.log.push(entry);
  const raw = await readBody(req);
  await delayFor(state, entry, req.socket);
  if (!isAuthorized(state, req)) return sendStatus(res, entry, status.unauthorized());

  const doc = req.method === 'GET' ? discoveryDocument(entry.path.replace(/\/$/, ''), state.serverAddress, state.tierCrds) : undefined;
  if (doc !== undefined) return send(res, entry, 200, doc);

  const route = parseRoute(entry.path, (r) => r.crd !== true || state.tierCrds);
  if (!route) return sendStatus(res, entry, status.pathNotFound());
  switch (req.method) {
    case 'GET':
      if (route.name !== undefined) return get(state, route, entry, res);
      return isWatchRequest(entry.query) ? serveWatch(state, route, entry, req, res) : list(state, route, entry, res);
    case 'POST':
      if (route.name !== undefined) return sendStatus(res, entry, status.methodNotAllowed());
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, entry, 415, { ...status.badRequest(`the body of the request was in an unknown format - accepted media types include: application/json`), reason: 'UnsupportedMediaType', code: 415 });
      }
      return create(state, route, raw, entry, res);
    case 'PUT':
      if (route.name === undefined) return sendStatus(res, entry, status.methodNotAllowed());
      return update(state, route, raw, entry, res);
    case 'DELETE':
      return route.name === undefined ? sendStatus(res, entry, status.methodNotAllowed()) : remove(state, route, entry, res);
    default:
      return sendStatus(res, entry, status.methodNotAllowed());
  }
}

function list(state: ServerState, route: ResourceRoute, entry: RequestLogEntry, res: ServerResponse): void {
  const r = route.resource;
  if (route.subresource !== undefined) return sendStatus(res, entry, status.pathNotFound());
  if (isForbidden(state, 'list', r.name, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'list', route.namespace));
  }
  if (failed(state, 'list', r.name, route.namespace, entry, res)) return;
  const q = entry.query;
  try {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'), r.kind);
    // etcd's count of the keys left includes objects a selector would drop, so the real server
    // sends remainingItemCount only for lists without a selector.
    const selected = (q.get('labelSelector') ?? '') !== '' || (q.get('fieldSelector') ?? '') !== '';
    const asked = Number(q.get('limit') ?? '0') || 0;
    const limit = asked > 0 && state.pageSizeCap > 0 ? Math.min(asked, state.pageSizeCap) : asked;
    const page = state.store.list(r, {
      ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
      match: (o) => label(o) && field(o),
      limit,
      ...(q.get('continue') !== null ? { continueToken: q.get('continue') ?? '' } : {}),
    });
    send(res, entry, 200, {
      kind: r.listKind,
      apiVersion: apiVersionOf(r),
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continueToken !== undefined ? { continue: page.continueToken } : {}),
        ...(page.continueToken !== undefined && !selected ? { remainingItemCount: page.remainingItemCount } : {}),
      },
      items: page.items,
    });
  } catch (e) {
    if (e instanceof SelectorError) return sendStatus(res, entry, status.badRequest(e.message));
    // A token the server cannot decode is the client's fault (400); 410 Expired is only for a
    // token whose resourceVersion has been compacted (the fake's `compact()`).
    if (e instanceof InvalidContinueError) return sendStatus(res, entry, status.badRequest(`invalid continue token: ${e.message}`));
    if (e instanceof ExpiredContinueError) return sendStatus(res, entry, status.expired(status.EXPIRED_CONTINUE_MESSAGE));
    throw e;
  }
}

function stepPod(state: ServerState, namespace: string, pod: JsonObject): void {
  const key = keyOf(namespace, String(metaOf(pod)['name']));
  const polls = state.podPolls.get(key);
  if (polls === undefined) return;
  state.podPolls.set(key, polls + 1);
  const ip = `10.244.0.${state.nextPodIp}`;
  const next = statusAfterPoll(state.podStartup, pod, polls + 1, ip);
  if (next === undefined) return;
  if (next['phase'] === 'Running') state.nextPodIp += 1;
  pod['status'] = next;
  state.store.touch(pod);
}

function get(state: ServerState, route: ResourceRoute, entry: RequestLogEntry, res: ServerResponse): void {
  const r = route.resource;
  const name = route.name ?? '';
  const sub = route.subresource;
  if (sub !== undefined && sub !== 'status') return sendStatus(res, entry, status.pathNotFound());
  // A subresource is authorized on its own ("pods/status"): a rule for the resource does not cover it.
  if (isForbidden(state, 'get', sub !== undefined ? `${r.name}/${sub}` : r.name, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'get', route.namespace, { name, ...(sub !== undefined ? { subresource: sub } : {}) }));
  }
  if (failed(state, 'get', sub !== undefined ? `${r.name}/${sub}` : r.name, route.namespace, entry, res)) return;
  const obj = state.store.get(r, route.namespace, name);
  if (!obj) return sendStatus(res, entry, status.notFound(r, name));
  if (r.name === 'pods' && route.namespace !== undefined) stepPod(state, route.namespace, obj);
  send(res, entry, 200, obj);
}

function generatedName(prefix: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** A request body that is one JSON object, as the create and update handlers require; undefined otherwise. */
function objectBody(raw: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function create(state: ServerState, route: ResourceRoute, raw: string, entry: RequestLogEntry, res: ServerResponse): void {
  const r = route.resource;
  if (route.subresource !== undefined) return sendStatus(res, entry, status.pathNotFound());
  const body = objectBody(raw);
  if (body === undefined) return sendStatus(res, entry, status.badRequest('the object provided is unrecognized (must be of type Object)'));
  entry.body = structuredClone(body);
  if (isForbidden(state, 'create', r.name, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'create', route.namespace));
  }
  if (failed(state, 'create', r.name, route.namespace, entry, res)) return;
  const meta = metaOf(body);
  if (route.namespace !== undefined && meta['namespace'] !== undefined && meta['namespace'] !== route.namespace) {
    return sendStatus(res, entry, status.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
  let name = typeof meta['name'] === 'string' ? meta['name'] : '';
  if (name === '' && typeof meta['generateName'] === 'string' && meta['generateName'] !== '') {
    name = generatedName(meta['generateName']);
  }
  if (name === '') return sendStatus(res, entry, status.invalid(r, '', 'metadata.name: Required value: name or generateName is required'));
  const nsInfo = resourceByName('namespaces') as ResourceInfo;
  if (route.namespace !== undefined && !state.store.get(nsInfo, undefined, route.namespace)) {
    return sendStatus(res, entry, status.notFound(nsInfo, route.namespace));
  }
  if (state.store.get(r, route.namespace, name)) return sendStatus(res, entry, status.alreadyExists(r, name));
  meta['name'] = name;
  if (route.namespace !== undefined) meta['namespace'] = route.namespace;
  delete meta['uid'];
  delete meta['creationTimestamp'];
  body['kind'] = r.kind;
  if (r.name === 'pods') body['status'] = pendingStatus();
  const stored = state.store.put(body);
  if (r.name === 'pods') state.podPolls.set(keyOf(route.namespace, name), 0);
  send(res, entry, 201, stored);
}

/**
 * PUT of a whole object, as kube-apiserver's update handler does it: the body's name must be the
 * URL's; an object that does not exist is NotFound (none of the served kinds creates on update);
 * a body's metadata.resourceVersion other than the stored one is a 409 Conflict, and a custom
 * resource must give one (its strategy allows no unconditional update). The status subresource
 * changes only status, the main resource everything but status (every served kind but
 * NetworkPolicy has a status subresource). uid and creationTimestamp are kept; a custom
 * resource's metadata.generation goes up when its spec changes.
 */
function update(state: ServerState, route: ResourceRoute, raw: string, entry: RequestLogEntry, res: ServerResponse): void {
  const r = route.resource;
  const name = route.name ?? '';
  const sub = route.subresource;
  if (sub !== undefined && sub !== 'status') return sendStatus(res, entry, status.pathNotFound());
  const body = objectBody(raw);
  if (body === undefined) return sendStatus(res, entry, status.badRequest('the object provided is unrecognized (must be of type Object)'));
  entry.body = structuredClone(body);
  const resource = sub !== undefined ? `${r.name}/${sub}` : r.name;
  if (isForbidden(state, 'update', resource, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'update', route.namespace, { name, ...(sub !== undefined ? { subresource: sub } : {}) }));
  }
  if (failed(state, 'update', resource, route.namespace, entry, res)) return;
  if (body['apiVersion'] !== undefined && body['apiVersion'] !== apiVersionOf(r)) {
    return sendStatus(res, entry, status.badRequest(`the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${apiVersionOf(r)})`));
  }
  const meta = metaOf(body);
  if (meta['name'] !== name) {
    return sendStatus(res, entry, status.badRequest(`the name of the object (${String(meta['name'] ?? '')}) does not match the name on the URL (${name})`));
  }
  if (route.namespace !== undefined && r.namespaced && meta['namespace'] !== undefined && meta['namespace'] !== route.namespace) {
    return sendStatus(res, entry, status.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
  const existing = state.store.get(r, route.namespace, name);
  if (!existing) return sendStatus(res, entry, status.notFound(r, name));
  const existingMeta = metaOf(existing);
  const version = meta['resourceVersion'];
  if ((version === undefined || version === '') && r.crd === true) {
    return sendStatus(res, entry, status.invalid(r, name, 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update'));
  }
  if (version !== undefined && version !== '' && version !== existingMeta['resourceVersion']) return sendStatus(res, entry, status.conflict(r, name));
  let next: JsonObject;
  if (sub === 'status') {
    next = { ...structuredClone(existing), status: structuredClone(body['status']) };
    if (body['status'] === undefined) delete next['status'];
  } else {
    next = { ...body, kind: r.kind, metadata: { ...meta, uid: existingMeta['uid'], creationTimestamp: existingMeta['creationTimestamp'] } };
    if (r.name !== 'networkpolicies') {
      if (existing['status'] !== undefined) next['status'] = structuredClone(existing['status']);
      else delete next['status'];
    }
    if (r.crd === true) {
      const generation = typeof existingMeta['generation'] === 'number' ? existingMeta['generation'] : 1;
      metaOf(next)['generation'] = JSON.stringify(existing['spec']) === JSON.stringify(body['spec']) ? generation : generation + 1;
    }
  }
  if (route.namespace !== undefined && r.namespaced) metaOf(next)['namespace'] = route.namespace;
  send(res, entry, 200, state.store.put(next));
}

function remove(state: ServerState, route: ResourceRoute, entry: RequestLogEntry, res: ServerResponse): void {
  const r = route.resource;
  const name = route.name ?? '';
  if (route.subresource !== undefined) return sendStatus(res, entry, status.methodNotAllowed());
  if (isForbidden(state, 'delete', r.name, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'delete', route.namespace, { name }));
  }
  if (failed(state, 'delete', r.name, route.namespace, entry, res)) return;
  const obj = state.store.delete(r, route.namespace, name);
  if (!obj) return sendStatus(res, entry, status.notFound(r, name));
  if (r.name === 'pods') state.podPolls.delete(keyOf(route.namespace, name));
  send(res, entry, 200, obj);
}
