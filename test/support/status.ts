/**
 * @module test/support/status
 * metav1.Status bodies with the exact wording of kube-apiserver, so the code under test parses the
 * same strings it would meet on a real cluster.
 */
import { qualifiedResource, type ResourceInfo } from './resources.js';

export interface StatusBody {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message: string;
  readonly reason: string;
  readonly details?: { name?: string; group?: string; kind?: string; causes?: { message: string }[] };
  readonly code: number;
}

function failure(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function details(r: ResourceInfo, name?: string): NonNullable<StatusBody['details']> {
  return { ...(name !== undefined ? { name } : {}), ...(r.group !== '' ? { group: r.group } : {}), kind: r.name };
}

export function notFound(r: ResourceInfo, name: string): StatusBody {
  return failure(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, details(r, name));
}

export function alreadyExists(r: ResourceInfo, name: string): StatusBody {
  return failure(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, details(r, name));
}

/** `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"`. */
export function forbidden(
  r: ResourceInfo,
  user: string,
  verb: string,
  namespace: string | undefined,
  opts: { name?: string; subresource?: string } = {},
): StatusBody {
  const subject = opts.name !== undefined ? `${qualifiedResource(r)} "${opts.name}"` : qualifiedResource(r);
  const resource = opts.subresource !== undefined ? `${r.name}/${opts.subresource}` : r.name;
  const where = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${where}`;
  return failure(403, 'Forbidden', message, details(r, opts.name));
}

export function unauthorized(): StatusBody {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function pathNotFound(): StatusBody {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function badRequest(message: string): StatusBody {
  return failure(400, 'BadRequest', message);
}

/** `Pod "x" is invalid: ...`; a kind of a named group is qualified by it: `AdminNetworkPolicy.policy.networking.k8s.io "x" is invalid`. */
export function invalid(r: ResourceInfo, name: string, causes: string): StatusBody {
  const kind = r.group === '' ? r.kind : `${r.kind}.${r.group}`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${causes}`, details(r, name));
}

/** The 409 of an update whose metadata.resourceVersion is not the stored one. */
export function conflict(r: ResourceInfo, name: string): StatusBody {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(r, name),
  );
}

export function methodNotAllowed(): StatusBody {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

/** The 410 of a watch or list from a resourceVersion the server's history no longer holds. */
export function expired(message: string): StatusBody {
  return failure(410, 'Expired', message);
}

export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without ' +
  'the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or ' +
  'deleted between the time the first chunk was returned and now may show up in the list.';

export function internalError(cause: string): StatusBody {
  return failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

/** apimachinery's NewServiceUnavailable: the message as given, no details. */
export function serviceUnavailable(message: string): StatusBody {
  return failure(503, 'ServiceUnavailable', message);
}
