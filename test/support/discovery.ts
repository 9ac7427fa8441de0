/**
 * @module test/support/discovery
 * Legacy (non-aggregated) discovery documents. kubectl asks for aggregated discovery first
 * (`as=APIGroupDiscoveryList`) but accepts a plain `application/json` APIVersions/APIGroupList and then
 * reads each group version's APIResourceList, so these documents are enough for `kubectl get`.
 * With the admin tiers' CRDs installed, their group policy.networking.k8s.io is listed too, with
 * both versions its CRDs define (v1alpha2 first: the API server orders a group's versions by
 * kube-aware version priority, and the first is the preferred one), and its group and version
 * documents are served; without them the group is absent and its paths answer 404, as on a server
 * that never had them.
 */
import { apiVersionOf, discoveryEntry, RESOURCES, statusEntry, TIER_GROUP } from './resources.js';

interface GroupVersion {
  readonly groupVersion: string;
  readonly version: string;
}

const NETWORKING: readonly GroupVersion[] = [{ groupVersion: 'networking.k8s.io/v1', version: 'v1' }];
const TIERS: readonly GroupVersion[] = [
  { groupVersion: `${TIER_GROUP}/v1alpha2`, version: 'v1alpha2' },
  { groupVersion: `${TIER_GROUP}/v1alpha1`, version: 'v1alpha1' },
];

function group(name: string, versions: readonly GroupVersion[]): Record<string, unknown> {
  return { name, versions, preferredVersion: versions[0] };
}

function resourceList(groupVersion: string, withStatus: boolean): unknown {
  const rs = RESOURCES.filter((r) => apiVersionOf(r) === groupVersion);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: rs.flatMap((r) => (withStatus ? [discoveryEntry(r), statusEntry(r)] : [discoveryEntry(r)])),
  };
}

/** The discovery document at `path`, or undefined; `crds`: whether the tiers' CRDs are installed. */
export function discoveryDocument(path: string, serverAddress: string, crds = true): unknown {
  if (crds) {
    if (path === `/apis/${TIER_GROUP}`) return { kind: 'APIGroup', apiVersion: 'v1', ...group(TIER_GROUP, TIERS) };
    const tierVersion = TIERS.find((v) => path === `/apis/${v.groupVersion}`);
    if (tierVersion !== undefined) return resourceList(tierVersion.groupVersion, true);
  }
  switch (path) {
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
      };
    case '/apis':
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [group('networking.k8s.io', NETWORKING), ...(crds ? [group(TIER_GROUP, TIERS)] : [])],
      };
    case '/apis/networking.k8s.io':
      return { kind: 'APIGroup', apiVersion: 'v1', ...group('networking.k8s.io', NETWORKING) };
    case '/api/v1':
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          ...RESOURCES.filter((r) => r.group === '').map(discoveryEntry),
          { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
          { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
        ],
      };
    case '/apis/networking.k8s.io/v1':
      return resourceList('networking.k8s.io/v1', false);
    case '/version':
      return {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.4',
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2025-04-22T16:00:00Z',
        goVersion: 'go1.23.6',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    default:
      return undefined;
  }
}
