/**
 * @module sources/api-errors
 * Turns whatever client-node throws into one CliError line worded like kubectl, naming the server
 * and what was asked. client-node's own messages are multi-line dumps of headers and bodies
 * (ApiException) or Node error text, neither of which users should see.
 */
import { ApiException } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

/** What a call was doing, for the message. */
export interface ApiCall {
  readonly server: string;
  readonly verb: string;
  /** Plural resource name: pods, namespaces, nodes, networkpolicies. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  /** The --request-timeout as the user wrote it (e.g. `5s`), for the timeout message. */
  readonly timeout?: string;
  /** Free text for messages that have no Status to quote, e.g. `create the helper pod in namespace x`. */
  readonly action?: string;
}

interface StatusFields {
  readonly reason?: string;
  readonly message?: string;
}

function parseStatus(body: unknown): StatusFields {
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const o = parsed as Record<string, unknown>;
    return {
      ...(typeof o['reason'] === 'string' && o['reason'] !== '' ? { reason: o['reason'] } : {}),
      ...(typeof o['message'] === 'string' && o['message'] !== '' ? { message: o['message'] } : {}),
    };
  } catch {
    return {};
  }
}

function where(call: ApiCall): string {
  return call.namespace !== undefined ? `in namespace ${call.namespace}` : 'at the cluster scope';
}

function subject(call: ApiCall): string {
  return call.name !== undefined ? `${call.resource} "${call.name}"` : call.resource;
}

function attempted(call: ApiCall): string {
  return call.action ?? `${call.verb} ${subject(call)} ${where(call)}`;
}

function fromStatus(code: number, body: unknown, call: ApiCall): string {
  const s = parseStatus(body);
  switch (code) {
    case 401:
      return 'You must be logged in to the server (Unauthorized)';
    case 403:
      return `Error from server (Forbidden): ${s.message ?? `cannot ${attempted(call)}`}`;
    case 404:
      return `Error from server (NotFound): ${s.message ?? (call.resource !== '' ? `${subject(call)} not found` : `nothing found to ${attempted(call)}`)}`;
    default:
      // A 5xx Status names no object ("Internal error occurred: etcdserver: request timed out"),
      // so say what was asked, as kubectl's `error when creating "pod.yaml": ...` does.
      return s.message !== undefined
        ? `Error from server (${s.reason ?? `HTTP ${code}`}): error when trying to ${attempted(call)}: ${s.message}`
        : `the server ${call.server} answered HTTP ${code} when trying to ${attempted(call)}`;
  }
}

/** Node's certificate verification codes, in the x509 wording kubectl users know. */
const X509: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'certificate has expired or is not yet valid',
};

function hostPort(server: string): { host: string; hostPort: string } {
  try {
    const u = new URL(server);
    const port = u.port !== '' ? u.port : u.protocol === 'http:' ? '80' : '443';
    return { host: u.hostname, hostPort: `${u.hostname}:${port}` };
  } catch {
    return { host: server, hostPort: server };
  }
}

function errorCode(e: object): string | undefined {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (e as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    const c = (cause as { code?: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

function transportMessage(code: string, e: object, call: ApiCall): string | undefined {
  const { host, hostPort: hp } = hostPort(call.server);
  const prefix = `Unable to connect to the server ${call.server}:`;
  const x509 = X509[code];
  if (x509 !== undefined) return `${prefix} tls: failed to verify certificate: x509: ${x509}`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `${prefix} tls: failed to verify certificate: x509: certificate is not valid for ${host}`;
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_')) {
    return `${prefix} tls: ${(e as { message?: unknown }).message ?? code}`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `${prefix} dial tcp ${hp}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${prefix} dial tcp: lookup ${host}: no such host`;
    case 'ETIMEDOUT':
      return `${prefix} dial tcp ${hp}: i/o timeout`;
    case 'EHOSTUNREACH':
      return `${prefix} dial tcp ${hp}: connect: no route to host`;
    case 'ENETUNREACH':
      return `${prefix} dial tcp ${hp}: connect: network is unreachable`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${prefix} read tcp ${hp}: connection reset by peer`;
    default:
      return undefined;
  }
}

function isAbort(e: object): boolean {
  const name = (e as { name?: unknown }).name;
  const type = (e as { type?: unknown }).type;
  return name === 'AbortError' || name === 'TimeoutError' || type === 'aborted';
}

/** The CliError for a failed call; errors that are already CliErrors pass through. */
export function describeApiError(e: unknown, call: ApiCall): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof ApiException) return new CliError(fromStatus(e.code, e.body, call), { cause: e });
  if (typeof e === 'object' && e !== null) {
    if (isAbort(e)) {
      return new CliError(`the server ${call.server} did not respond within ${call.timeout ?? 'the time allowed'} (--request-timeout)`, { cause: e });
    }
    const code = errorCode(e);
    const msg = code !== undefined ? transportMessage(code, e, call) : undefined;
    if (msg !== undefined) return new CliError(msg, { cause: e });
    const text = (e as { message?: unknown }).message;
    if (typeof text === 'string' && /^request to .* failed, reason: /.test(text)) {
      return new CliError(`Unable to connect to the server ${call.server}: ${text.replace(/^request to .* failed, reason: /, '')}`, { cause: e });
    }
  }
  return new CliError(`cannot ${attempted(call)} on ${call.server}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { cause: e });
}

/**
 * For callers that describe what they tried in words (the exec module): `action` as in "read helper
 * pod ns/x"; `timeout` the --request-timeout as written, for the message when it runs out.
 */
export function apiErrorFor(e: unknown, server: string, action: string, timeout?: string): CliError {
  return describeApiError(e, { server, verb: '', resource: '', action, ...(timeout !== undefined ? { timeout } : {}) });
}
