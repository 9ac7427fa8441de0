/**
 * @module test/support/exec-route
 * The upgrade side of `pods/{name}/exec`: the checks the real server makes before it answers 101
 * (auth, RBAC on pods/exec for `get` then `create`, the pod exists and runs, the container is
 * valid) and the subprotocol choice. When a check fails the reply is a plain HTTP error with a
 * Status body and no upgrade, which client-node reports only as `Unexpected server response: <code>`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { serveExec, type ExecRequest } from './exec-server.js';
import { delayFor, isAuthorized, newLogEntry } from './rest-handler.js';
import { parseRoute } from './routes.js';
import type { JsonObject } from './selectors.js';
import { isForbidden, type RequestLogEntry, type ServerState } from './state.js';
import * as status from './status.js';

/** In the order the real server checks them. */
const EXEC_VERBS = ['get', 'create'] as const;

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, entry: RequestLogEntry, s: status.StatusBody): void {
  entry.status = s.code;
  const text = JSON.stringify(s);
  socket.end(
    `HTTP/1.1 ${s.code} ${REASONS[s.code] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

function containerNames(pod: JsonObject): string[] {
  const spec = pod['spec'] as JsonObject | undefined;
  const list = Array.isArray(spec?.['containers']) ? (spec['containers'] as JsonObject[]) : [];
  return list.map((c) => String(c['name'] ?? ''));
}

export async function handleUpgrade(
  state: ServerState,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const entry = newLogEntry(req);
  state.log.push(entry);
  await delayFor(state, entry, socket);
  if (!isAuthorized(state, req)) return refuse(socket, entry, status.unauthorized());
  const route = parseRoute(entry.path);
  if (!route || route.resource.name !== 'pods' || route.subresource !== 'exec' || route.namespace === undefined) {
    return refuse(socket, entry, status.pathNotFound());
  }
  const pods = route.resource;
  const name = route.name ?? '';
  const execForbidden = (verb: string) => status.forbidden(pods, state.user, verb, route.namespace, { name, subresource: 'exec' });
  if (state.execRefusal !== undefined) {
    const s =
      state.execRefusal === 403
        ? execForbidden('get')
        : state.execRefusal === 404
          ? status.notFound(pods, name)
          : status.badRequest('Upgrade request required');
    return refuse(socket, entry, s);
  }
  // The upgrade is an HTTP GET, so the request itself is authorized as `get pods/exec`; servers
  // with AuthorizePodWebsocketUpgradeCreatePermission (on by default in recent releases) then also
  // require `create pods/exec`, the verb a POST (SPDY) exec is authorized as.
  for (const verb of EXEC_VERBS) {
    if (isForbidden(state, verb, 'pods/exec', route.namespace)) return refuse(socket, entry, execForbidden(verb));
  }
  const pod = state.store.get(pods, route.namespace, name);
  if (!pod) return refuse(socket, entry, status.notFound(pods, name));
  const names = containerNames(pod);
  let container = entry.query.get('container') ?? '';
  if (container === '') {
    if (names.length !== 1) {
      return refuse(socket, entry, status.badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`));
    }
    container = names[0] ?? '';
  }
  if (!names.includes(container)) {
    return refuse(socket, entry, status.badRequest(`container ${container} is not valid for pod ${name}`));
  }
  const phase = (pod['status'] as JsonObject | undefined)?.['phase'];
  if (phase !== 'Running') {
    return refuse(socket, entry, status.badRequest(`unable to upgrade connection: container not found ("${container}")`));
  }
  const execReq: ExecRequest = {
    namespace: route.namespace,
    pod: name,
    container,
    command: entry.query.getAll('command'),
    stdin: entry.query.get('stdin') === 'true',
    stdout: entry.query.get('stdout') === 'true',
    stderr: entry.query.get('stderr') === 'true',
    tty: entry.query.get('tty') === 'true',
  };
  wss.handleUpgrade(req, socket, head, (ws) => {
    entry.status = 101;
    void serveExec(ws, execReq, state.execHandler);
  });
}
