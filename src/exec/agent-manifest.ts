/**
 * @module exec/agent-manifest
 * What `kubectl netpol agent` runs in: a DaemonSet putting one agent on every node (every taint
 * tolerated, as the network plugin it stands in for), on the host's network namespace with
 * NET_ADMIN and NET_RAW (what iptables and ipset need, not full privilege), sharing the host's
 * xtables lock as kube-proxy does, and a ServiceAccount that may only list and watch what the
 * rules are built from. deploy/agent.yaml is this, printed with the default image.
 */
import { XTABLES_LOCK } from './helper-pod.js';

export const AGENT_NAME = 'kubectl-netpol-agent';
export const AGENT_NAMESPACE = 'kube-system';
/** Built from the Dockerfile at the top of the repository, tagged with the package version. */
export const DEFAULT_AGENT_IMAGE = 'kubectl-netpol/agent:0.1.0';

const LABELS = { 'app.kubernetes.io/name': 'kubectl-netpol', 'app.kubernetes.io/component': 'agent' } as const;

/** The objects, in the order `kubectl apply -f` should create them. */
export function agentManifest(image: string = DEFAULT_AGENT_IMAGE): readonly Record<string, unknown>[] {
  const meta = (namespaced: boolean) => ({ name: AGENT_NAME, ...(namespaced ? { namespace: AGENT_NAMESPACE } : {}), labels: { ...LABELS } });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(true) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(false),
      rules: [
        { apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: ['list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
        // The admin tiers' policies, where their CRDs are installed (a rule for an unserved resource is harmless).
        { apiGroups: ['policy.networking.k8s.io'], resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies', 'clusternetworkpolicies'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: AGENT_NAME },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_NAME, namespace: AGENT_NAMESPACE }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta(true),
      spec: {
        selector: { matchLabels: { ...LABELS } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            serviceAccountName: AGENT_NAME,
            hostNetwork: true,
            dnsPolicy: 'ClusterFirstWithHostNet',
            priorityClassName: 'system-node-critical',
            tolerations: [{ operator: 'Exists' }],
            // A running apply is let finish on SIGTERM: a node must not be left half configured.
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'agent',
                image,
                args: ['agent', '-o', 'json'],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                volumeMounts: [
                  { name: 'xtables-lock', mountPath: XTABLES_LOCK },
                  { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'xtables-lock', hostPath: { path: XTABLES_LOCK, type: 'FileOrCreate' } },
              { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
            ],
          },
        },
      },
    },
  ];
}
