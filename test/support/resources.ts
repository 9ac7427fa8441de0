/**
 * @module test/support/resources
 * The resource types the fake API server serves, with the facts discovery and error messages need.
 * The "qualified" name (`networkpolicies.networking.k8s.io`) is what the real server puts in Status
 * messages for non-core groups.
 */

export type ResourceName = 'pods' | 'namespaces' | 'nodes' | 'networkpolicies' | 'services';

export interface ResourceInfo {
  readonly name: ResourceName;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: readonly ResourceInfo[] = [
  { name: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', group: '', version: 'v1', namespaced: true, shortNames: ['po'] },
  { name: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', group: '', version: 'v1', namespaced: false, shortNames: ['ns'] },
  { name: 'services', singular: 'service', kind: 'Service', listKind: 'ServiceList', group: '', version: 'v1', namespaced: true, shortNames: ['svc'] },
  { name: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', group: '', version: 'v1', namespaced: false, shortNames: ['no'] },
  {
    name: 'networkpolicies', singular: 'networkpolicy', kind: 'NetworkPolicy', listKind: 'NetworkPolicyList',
    group: 'networking.k8s.io', version: 'v1', namespaced: true, shortNames: ['netpol'],
  },
];

export function resourceByName(name: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.name === name);
}

export function resourceByKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

export function qualifiedResource(r: ResourceInfo): string {
  return r.group === '' ? r.name : `${r.name}.${r.group}`;
}

export function apiVersionOf(r: ResourceInfo): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** An APIResourceList entry as the real server sends it (verbs and categories matter to kubectl). */
export function discoveryEntry(r: ResourceInfo): Record<string, unknown> {
  return {
    name: r.name,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS,
    shortNames: r.shortNames,
    ...(r.name === 'pods' ? { categories: ['all'] } : {}),
  };
}
