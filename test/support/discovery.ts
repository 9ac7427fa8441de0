/**
 * @module test/support/discovery
 * Legacy (non-aggregated) discovery documents. kubectl asks for aggregated discovery first
 * (`as=APIGroupDiscoveryList`) but accepts a plain `application/json` APIVersions/APIGroupList and then
 * reads each group version's APIResourceList, so these four documents are enough for `kubectl get`.
 */
import { discoveryEntry, RESOURCES } from './resources.js';

export function discoveryDocument(path: string, serverAddress: string): unknown {
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
        groups: [
          {
            name: 'networking.k8s.io',
            versions: [{ groupVersion: 'networking.k8s.io/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'networking.k8s.io/v1', version: 'v1' },
          },
        ],
      };
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
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'networking.k8s.io/v1',
        resources: RESOURCES.filter((r) => r.group === 'networking.k8s.io').map(discoveryEntry),
      };
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
