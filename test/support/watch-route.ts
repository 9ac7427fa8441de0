/**
 * @module test/support/watch-route
 * `GET <collection>?watch=true`, as kube-apiserver serves it: 200 with Content-Type
 * application/json and a chunked body of WatchEvents, one JSON object a line, each carrying the
 * whole object with kind and apiVersion. Facts from the API concepts (efficient detection of
 * changes, resource versions, watch bookmarks, 410 Gone):
 * - resourceVersion unset or "0": a synthetic ADDED for every object that matches, then changes;
 *   a version: every change after it, in order; one the history has forgotten: 410 Expired,
 *   "too old resource version: X (Y)", as one ERROR event (the watch cache) or as HTTP 410.
 * - Selectors filter events by the object before and after the change: an object that starts to
 *   match is ADDED, one that stops matching is DELETED (its previous content at the change's
 *   version), so a watcher's cache holds exactly the matching objects.
 * - timeoutSeconds ends the stream cleanly; allowWatchBookmarks=true brings BOOKMARK events whose
 *   object carries only kind, apiVersion and metadata.resourceVersion.
 * Authorization is for the verb `watch`, which RBAC grants separately from `list`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExpiredError, type Change } from './history.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { sendStatus } from './respond.js';
import type { ResourceRoute } from './routes.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type JsonObject, type Matcher } from './selectors.js';
import { isForbidden, type OpenWatch, type RequestLogEntry, type ServerState } from './state.js';
import * as status from './status.js';
import { metaOf } from './store.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Query booleans are read like Go's strconv.ParseBool, as the server's parameter codec does. */
function queryBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

export function isWatchRequest(query: URLSearchParams): boolean {
  return queryBool(query.get('watch'));
}

function startStream(res: ServerResponse, entry: RequestLogEntry): void {
  entry.status = 200;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
}

function writeEvent(res: ServerResponse, type: EventType, object: unknown): void {
  res.write(`${JSON.stringify({ type, object })}\n`);
}

/** The event a watcher with `matches` gets for `change`, or undefined when it is not interested. */
function eventFor(change: Change, matches: Matcher): { type: EventType; object: JsonObject } | undefined {
  const now = change.type !== 'DELETED' && matches(change.object);
  const before = change.type === 'DELETED' ? matches(change.object) : change.previous !== undefined && matches(change.previous);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: change.object };
  if (!before) return undefined;
  if (change.type === 'DELETED') return { type: 'DELETED', object: change.object };
  const gone = structuredClone(change.previous ?? change.object);
  metaOf(gone)['resourceVersion'] = String(change.resourceVersion);
  return { type: 'DELETED', object: gone };
}

function failureStatus(state: ServerState, route: ResourceRoute, code: 403 | 500): status.StatusBody {
  return code === 403
    ? status.forbidden(route.resource, state.user, 'watch', route.namespace)
    : status.internalError('etcdserver: request timed out');
}

export function serveWatch(state: ServerState, route: ResourceRoute, entry: RequestLogEntry, req: IncomingMessage, res: ServerResponse): void {
  const r: ResourceInfo = route.resource;
  if (isForbidden(state, 'watch', r.name, route.namespace)) {
    return sendStatus(res, entry, status.forbidden(r, state.user, 'watch', route.namespace));
  }
  const q = entry.query;
  let matches: Matcher;
  try {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'), r.kind);
    matches = (o) => (route.namespace === undefined || metaOf(o)['namespace'] === route.namespace) && label(o) && field(o);
  } catch (e) {
    if (e instanceof SelectorError) return sendStatus(res, entry, status.badRequest(e.message));
    throw e;
  }
  const failure = state.watchFailure;
  if (failure && (!failure.match || failure.match.test(entry.path))) {
    const s = failureStatus(state, route, failure.code);
    if (failure.delivery !== 'error-event') return sendStatus(res, entry, s);
    startStream(res, entry);
    writeEvent(res, 'ERROR', s);
    res.end();
    return;
  }

  const rvText = q.get('resourceVersion') ?? '';
  if (rvText !== '' && !/^\d+$/.test(rvText)) {
    return sendStatus(res, entry, status.badRequest(`invalid resource version: ${JSON.stringify(rvText)}`));
  }
  const fromState = rvText === '' || rvText === '0';
  let replay: Change[] = [];
  if (!fromState) {
    try {
      replay = state.store.history.since(Number(rvText));
    } catch (e) {
      if (!(e instanceof ExpiredError)) throw e;
      const s = status.expired(e.message);
      if (state.expiredWatchDelivery === 'http') return sendStatus(res, entry, s);
      startStream(res, entry);
      writeEvent(res, 'ERROR', s);
      res.end();
      return;
    }
  }

  startStream(res, entry);
  const deliver = (change: Change): void => {
    if (change.resource !== r.name) return;
    const ev = eventFor(change, matches);
    if (ev) writeEvent(res, ev.type, ev.object);
  };
  if (fromState) {
    const page = state.store.list(r, { match: matches, limit: 0 });
    for (const item of page.items) writeEvent(res, 'ADDED', { kind: r.kind, apiVersion: apiVersionOf(r), ...item });
  } else for (const c of replay) deliver(c);
  const unsubscribe = state.store.history.subscribe(deliver);

  const timers: NodeJS.Timeout[] = [];
  const open: OpenWatch = { entry, drop: () => req.socket.destroy() };
  // Unregistered at once, before the socket closes, so a test sees the watch gone when its client does.
  const stop = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    state.watches.delete(open);
  };
  const timeout = Number(q.get('timeoutSeconds') ?? '0');
  if (Number.isInteger(timeout) && timeout > 0) {
    timers.push(setTimeout(() => (stop(), res.end()), timeout * 1000));
  }
  if (queryBool(q.get('allowWatchBookmarks')) && state.bookmarkIntervalMs > 0) {
    const bookmark = (): void =>
      writeEvent(res, 'BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: state.store.currentVersion() } });
    timers.push(setInterval(bookmark, state.bookmarkIntervalMs));
  }
  state.watches.add(open);
  res.on('close', stop);
}
