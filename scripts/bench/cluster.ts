/**
 * @module scripts/bench/cluster
 * The synthetic clusters `npm run bench` measures, as one JSON `kind: List` file each. A size is a
 * pod count; everything else scales with it: 100 pods per node, 50 per namespace, 10 policies per
 * namespace (so 10,000 pods make 100 nodes, 200 namespaces and 2,000 policies, the cluster the
 * issue names). Deterministic: every name, label, address and policy is a function of indexes, so
 * two runs measure the same input. The bench and its test take the commands' arguments from here
 * (SAMPLE), so they name objects that exist at every size.
 */
import { writeFileSync } from 'node:fs';

export const PODS_PER_NODE = 100;
export const PODS_PER_NAMESPACE = 50;
export const POLICIES_PER_NAMESPACE = 10;

/** Label keys of the two fixed-size pod samples the matrix rows select; the policies never read them. */
export const SAMPLE_500 = 'sample-500';
export const SAMPLE_1000 = 'sample-1000';

/**
 * Objects the bench's commands name. pod-0 (ns-0, tier web) and pod-1 (ns-1, tier api) sit in
 * different namespaces, and `http` is a named port every pod declares (8080..8082 by pod).
 */
export const SAMPLE = {
  from: 'ns-0/pod-0',
  to: 'ns-1/pod-1',
  port: 'http',
  policyNamespace: 'ns-0',
  policy: 'pol-4',
  podNamespace: 'ns-1',
  pod: 'pod-1',
  node: 'node-0',
} as const;

export interface ClusterShape {
  readonly pods: number;
  readonly nodes: number;
  readonly namespaces: number;
  readonly policies: number;
}

type Json = Record<string, unknown>;

export function clusterShape(pods: number): ClusterShape {
  // Whole thousands fill whole nodes and namespaces; below a million, no size is a multiple of SPREAD.
  if (!Number.isInteger(pods) || pods < 1000 || pods % 1000 !== 0 || pods > 1_000_000) {
    throw new Error(`cluster size ${pods}: want a whole number of thousands of pods, from 1k to 1000k`);
  }
  const namespaces = pods / PODS_PER_NAMESPACE;
  return { pods, nodes: pods / PODS_PER_NODE, namespaces, policies: namespaces * POLICIES_PER_NAMESPACE };
}

const SPREAD = 7919;

/**
 * Whether pod i is one of the `size` pods of a sample. i * SPREAD mod pods is a permutation of the
 * pod indexes (SPREAD is prime and no size is a multiple of it), so exactly `size` pods land below
 * `size`, scattered over nodes, namespaces and tiers rather than on one residue of each modulus.
 */
export function inSample(i: number, pods: number, size: number): boolean {
  return (i * SPREAD) % pods < size;
}

function namespaces(shape: ClusterShape): Json[] {
  return Array.from({ length: shape.namespaces }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `ns-${i}`, labels: { team: `t${i % 20}`, env: i % 3 === 0 ? 'prod' : 'dev' } },
  }));
}

function nodes(shape: ClusterShape): Json[] {
  return Array.from({ length: shape.nodes }, (_, n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${n}` },
    status: { addresses: [{ type: 'InternalIP', address: `192.168.${n >> 8}.${(n & 255) + 1}` }] },
  }));
}

function pod(shape: ClusterShape, n: number, k: number): Json {
  const i = n * PODS_PER_NODE + k;
  // 10.244.0.0/15 holds 512 nodes of up to 254 pods; every tenth pod is dual-stack.
  const v4 = `10.${244 + (n >> 8)}.${n & 255}.${k + 2}`;
  const ips = i % 10 === 0 ? [v4, `fd00:${n.toString(16)}::${(k + 2).toString(16)}`] : [v4];
  // Pods go round-robin over the namespaces; j, a pod's place within its namespace, varies app and
  // tier inside each namespace too, so a podSelector picks some of a namespace's pods, not all or none.
  const s = i % shape.namespaces;
  const j = Math.floor(i / shape.namespaces);
  const labels: Record<string, string> = { app: `a${(s + j) % 50}`, tier: ['web', 'api', 'db'][(s + j) % 3] as string };
  if (inSample(i, shape.pods, 500)) labels[SAMPLE_500] = 'yes';
  if (inSample(i, shape.pods, 1000)) labels[SAMPLE_1000] = 'yes';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `ns-${s}`, labels },
    spec: {
      nodeName: `node-${n}`,
      containers: [
        {
          name: 'c',
          image: 'x',
          ports: [
            { name: 'http', containerPort: 8080 + (i % 3) },
            { name: 'metrics', containerPort: 9090 },
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
          ],
        },
      ],
    },
    status: { phase: 'Running', podIP: v4, podIPs: ips.map((ip) => ({ ip })) },
  };
}

function pods(shape: ClusterShape): Json[] {
  const out: Json[] = [];
  for (let n = 0; n < shape.nodes; n++) for (let k = 0; k < PODS_PER_NODE; k++) out.push(pod(shape, n, k));
  return out;
}

/**
 * Twelve kinds of policy, of which each namespace takes ten, starting at a kind that moves with the
 * namespace, so every kind occurs in most namespaces and no two neighbours hold the same set:
 * default-deny ingress, and default-deny both ways; podSelector, namespaceSelector and AND
 * (namespaceSelector + podSelector in one peer) peers; ipBlocks with except, IPv4 and IPv6;
 * numeric and named ports, an endPort range, a port-less SCTP rule, matchExpressions; ingress and egress.
 */
function policyKinds(s: number): Json[] {
  return [
    { podSelector: {}, policyTypes: ['Ingress'] },
    { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 5432 }] }] },
    { podSelector: { matchLabels: { tier: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${s % 20}` } } }], ports: [{ port: 'http' }] }] },
    { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ port: 8080, endPort: 8082 }] }] },
    { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: `a${s % 50}` } } }], ports: [{ port: 'metrics' }] }] },
    { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'a0' } } }], ports: [{ port: 'dns', protocol: 'UDP' }] }] },
    { podSelector: { matchLabels: { tier: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 'http' }] }, { to: [{ ipBlock: { cidr: '10.96.0.0/12' } }] }] },
    { podSelector: { matchLabels: { app: `a${(s * 7) % 50}` } }, ingress: [{ from: [{ podSelector: {} }] }] },
    { podSelector: { matchLabels: { tier: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `172.16.${s % 256}.0/24` } }], ports: [{ port: 443 }, { protocol: 'SCTP' }] }] },
    { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${(s + 1) % 20}` } } }] }] },
    { podSelector: { matchLabels: { app: `a${(s * 3) % 50}` } }, policyTypes: ['Ingress', 'Egress'] },
    {
      podSelector: { matchLabels: { tier: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: 'fd00::/8', except: [`fd00:${(s % 256).toString(16)}::/32`] } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ port: 8443, endPort: 8445 }, { port: 'metrics' }] }],
    },
  ];
}

function policies(shape: ClusterShape): Json[] {
  const out: Json[] = [];
  for (let s = 0; s < shape.namespaces; s++) {
    const kinds = policyKinds(s);
    for (let k = 0; k < POLICIES_PER_NAMESPACE; k++) {
      const kind = (s + k) % kinds.length;
      out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `pol-${kind}`, namespace: `ns-${s}` }, spec: kinds[kind] });
    }
  }
  return out;
}

export function clusterItems(shape: ClusterShape): Json[] {
  return [...namespaces(shape), ...nodes(shape), ...pods(shape), ...policies(shape)];
}

/** Writes the cluster as one `kind: List` and returns its size in bytes. */
export function writeCluster(file: string, shape: ClusterShape): number {
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: clusterItems(shape) });
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
