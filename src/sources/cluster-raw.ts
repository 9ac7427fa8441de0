/**
 * @module sources/cluster-raw
 * Reads from the API server as wire JSON, the form files have, so that both go through one decoder.
 * Requests are built and sent by client-node's own configuration (server URL, TLS and client
 * certificates, tokens and exec credential plugins, the --request-timeout deadline) exactly as its
 * typed calls send them; only its model decoding is skipped. That decoding cost more than the
 * reading itself on large lists, and its models are not wire JSON anyway (`from` is `_from`,
 * timestamps become Dates, unknown fields vanish), so they had to be turned back field by field.
 */
import { ApiException, HttpMethod, type Configuration } from '@kubernetes/client-node';
import { CliError } from '../errors.js';

export type WireObject = Record<string, unknown>;

export type NameKind = 'namespaces' | 'pods' | 'networkpolicies' | 'nodes' | 'services';

/**
 * The admin tiers' custom resources (policy.networking.k8s.io), all cluster-scoped. They exist
 * only where their CRDs are installed: elsewhere their lists answer 404 NotFound.
 */
export type TierResource = 'adminnetworkpolicies' | 'baselineadminnetworkpolicies' | 'clusternetworkpolicies';

export const TIER_RESOURCES: readonly TierResource[] = ['adminnetworkpolicies', 'baselineadminnetworkpolicies', 'clusternetworkpolicies'];

/** Every resource this tool lists. */
export type ListedResource = NameKind | TierResource;

/** Where each kind is listed, and what its list items are (they carry no kind on the wire). */
export const RESOURCES: Readonly<Record<ListedResource, { readonly prefix: string; readonly clusterScoped: boolean; readonly item: { readonly kind: string; readonly apiVersion: string } }>> = {
  namespaces: { prefix: '/api/v1', clusterScoped: true, item: { kind: 'Namespace', apiVersion: 'v1' } },
  nodes: { prefix: '/api/v1', clusterScoped: true, item: { kind: 'Node', apiVersion: 'v1' } },
  pods: { prefix: '/api/v1', clusterScoped: false, item: { kind: 'Pod', apiVersion: 'v1' } },
  services: { prefix: '/api/v1', clusterScoped: false, item: { kind: 'Service', apiVersion: 'v1' } },
  networkpolicies: { prefix: '/apis/networking.k8s.io/v1', clusterScoped: false, item: { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1' } },
  adminnetworkpolicies: {
    prefix: '/apis/policy.networking.k8s.io/v1alpha1', clusterScoped: true, item: { kind: 'AdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1' },
  },
  baselineadminnetworkpolicies: {
    prefix: '/apis/policy.networking.k8s.io/v1alpha1', clusterScoped: true, item: { kind: 'BaselineAdminNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha1' },
  },
  clusternetworkpolicies: {
    prefix: '/apis/policy.networking.k8s.io/v1alpha2', clusterScoped: true, item: { kind: 'ClusterNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha2' },
  },
};

/** The collection path of `resource`, cluster-wide or in `namespace`. */
export function collectionPath(resource: ListedResource, namespace: string | undefined): string {
  const r = RESOURCES[resource];
  return namespace === undefined || r.clusterScoped ? `${r.prefix}/${resource}` : `${r.prefix}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
}

/**
 * GET `path` and parse the JSON answer. A status outside 2xx throws client-node's ApiException,
 * with the body as its typed calls give it (none on 401), so api-errors words both alike.
 */
export async function getJson(config: Configuration, path: string, query: Readonly<Record<string, string>> = {}): Promise<unknown> {
  const request = config.baseServer.makeRequestContext(path, HttpMethod.GET);
  request.setHeaderParam('Accept', 'application/json, */*;q=0.8');
  for (const [k, v] of Object.entries(query)) request.setQueryParam(k, v);
  await config.authMethods.default?.applySecurityAuthentication(request);
  const response = await config.httpApi.send(request).toPromise();
  const text = await response.body.text();
  const code = response.httpStatusCode;
  if (code === 401) throw new ApiException(code, 'Unauthorized', undefined, response.headers);
  if (code < 200 || code > 299) throw new ApiException(code, 'Unknown API Status Code!', text, response.headers);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`the server's answer to GET ${path} is not JSON`, { cause: e });
  }
}

interface ListPage {
  readonly items: readonly WireObject[];
  readonly continueToken: string | undefined;
  /** The list's metadata.resourceVersion: a watch from it sees every later change. */
  readonly resourceVersion: string | undefined;
}

/** One page of a list; its items lack kind and apiVersion on the wire, so they are given them. */
export async function getListPage(config: Configuration, path: string, item: { readonly kind: string; readonly apiVersion: string }, query: Readonly<Record<string, string>>): Promise<ListPage> {
  const body = await getJson(config, path, query);
  const list = (typeof body === 'object' && body !== null ? body : {}) as { items?: unknown; metadata?: { continue?: unknown; resourceVersion?: unknown } };
  if (!Array.isArray(list.items)) throw new CliError(`the server's answer to GET ${path} is not a list`);
  const items = list.items.map((o): WireObject => ({ kind: item.kind, apiVersion: item.apiVersion, ...(o as WireObject) }));
  const token = list.metadata?.continue;
  const version = list.metadata?.resourceVersion;
  return { items, continueToken: typeof token === 'string' && token !== '' ? token : undefined, resourceVersion: typeof version === 'string' && version !== '' ? version : undefined };
}
