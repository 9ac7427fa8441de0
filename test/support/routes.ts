/**
 * @module test/support/routes
 * Parses REST paths the way kube-apiserver lays them out:
 *   /api/v1/{resource}[/{name}]                         cluster-wide list, or a cluster-scoped object
 *   /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]] namespaced list, object, or subresource
 *   /apis/{group}/{version}/... the same for named groups, in the version the resource is served in.
 * A resource the server does not serve (a custom resource without its CRD: `served` says) has no
 * route, so its paths answer 404 like any unknown path.
 * The namespace of a route is the one kube-apiserver's RequestInfo gives the request, which is what
 * authorization sees: besides namespaced paths, a named Namespace (/api/v1/namespaces/{name} and
 * its status) is a request in namespace {name}, so a RoleBinding there can grant reading it.
 */
import { resourceByName, type ResourceInfo } from './resources.js';

export interface ResourceRoute {
  readonly resource: ResourceInfo;
  /** Set for namespaced paths, and for a named Namespace (its own name). */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export function parseRoute(path: string, served: (r: ResourceInfo) => boolean = () => true): ResourceRoute | undefined {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return undefined;

  const inGroup = (name: string | undefined): ResourceInfo | undefined => {
    const r = name === undefined ? undefined : resourceByName(name);
    return r && r.group === group && r.version === version && served(r) ? r : undefined;
  };

  if (rest[0] === 'namespaces' && rest[1] !== undefined && (rest.length === 2 || (rest.length === 3 && rest[2] === 'status'))) {
    const resource = inGroup('namespaces');
    if (!resource) return undefined;
    const [, name, subresource] = rest;
    return { resource, namespace: name, name, ...(subresource !== undefined ? { subresource } : {}) };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resName, name, subresource, ...extra] = rest;
    const resource = inGroup(resName);
    if (!resource || !resource.namespaced || extra.length > 0) return undefined;
    return { resource, namespace, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }
  const [resName, name, subresource, ...extra] = rest;
  const resource = inGroup(resName);
  if (!resource || extra.length > 0) return undefined;
  if (name !== undefined && resource.namespaced) return undefined;
  return { resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}
