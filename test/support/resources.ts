/**
 * @module test/support/resources
 * The resource types the fake API server serves, with the facts discovery and error messages need.
 * The "qualified" name (`networkpolicies.networking.k8s.io`) is what the real server puts in Status
 * messages for non-core groups. The admin tiers' kinds are custom resources, served only while
 * their CRDs are installed (FakeApiServerOptions.tierCrds); their names, short names, scope and
 * versions are those of the network-policy-api CRDs (config/crd/standard): AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy in v1alpha1, ClusterNetworkPolicy in v1alpha2, all cluster-scoped,
 * each with a status subresource.
 */

export type ResourceName =
  | 'pods' | 'namespaces' | 'nodes' | 'networkpolicies' | 'services'
  | 'adminnetworkpolicies' | 'baselineadminnetworkpolicies' | 'clusternetworkpolicies';

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
  /** A custom resource: served only where its CRD is installed. */
  readonly crd?: boolean;
}

/** The group of the admin tiers' CRDs. */
export const TIER_GROUP = 'policy.networking.k8s.io';

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
  {
    name: 'adminnetworkpolicies', singular: 'adminnetworkpolicy', kind: 'AdminNetworkPolicy', listKind: 'AdminNetworkPolicyList',
    group: TIER_GROUP, version: 'v1alpha1', namespaced: false, shortNames: ['anp'], crd: true,
  },
  {
    name: 'baselineadminnetworkpolicies', singular: 'baselineadminnetworkpolicy', kind: 'BaselineAdminNetworkPolicy', listKind: 'BaselineAdminNetworkPolicyList',
    group: TIER_GROUP, version: 'v1alpha1', namespaced: false, shortNames: ['banp'], crd: true,
  },
  {
    name: 'clusternetworkpolicies', singular: 'clusternetworkpolicy', kind: 'ClusterNetworkPolicy', listKind: 'ClusterNetworkPolicyList',
    group: TIER_GROUP, version: 'v1alpha2', namespaced: false, shortNames: ['cnp'], crd: true,
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

/** The resources a server serves: the built-in ones, and the custom ones when their CRDs are installed. */
export function servedResources(crds: boolean): readonly ResourceInfo[] {
  return RESOURCES.filter((r) => crds || r.crd !== true);
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

/** The status subresource a CRD with `subresources: {status: {}}` adds to its group version's list. */
export function statusEntry(r: ResourceInfo): Record<string, unknown> {
  return { name: `${r.name}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] };
}
