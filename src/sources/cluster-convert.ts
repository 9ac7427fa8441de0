/**
 * @module sources/cluster-convert
 * client-node model objects back to wire JSON, so objects from the API server go through the same
 * decoder (and validation) as objects read from files. The models are not wire JSON: fields that are
 * reserved words get an underscore (`from` is `_from`), timestamps become Date objects, and unknown
 * fields are dropped. Only the fields the decoder reads are carried over, each by name, so a rename
 * in client-node breaks the build here instead of silently reading "no peers" (= everyone).
 */
import type {
  V1LabelSelector,
  V1Namespace,
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1Node,
  V1ObjectMeta,
  V1Pod,
} from '@kubernetes/client-node';

export type WireValue = string | number | boolean | null | WireValue[] | { [key: string]: WireValue };
export type WireObject = { [key: string]: WireValue };

/** Drops undefined entries: an absent field must stay absent (`from` absent and `from: []` differ in explanations). */
function compact(o: { [key: string]: WireValue | undefined }): WireObject {
  const out: WireObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function stringMap(m: { [key: string]: string } | undefined): WireObject | undefined {
  return m === undefined || m === null ? undefined : { ...m };
}

function metaToWire(m: V1ObjectMeta | undefined): WireObject | undefined {
  if (m === undefined) return undefined;
  return compact({ name: m.name, namespace: m.namespace, labels: stringMap(m.labels) });
}

function selectorToWire(s: V1LabelSelector | undefined): WireObject | undefined {
  if (s === undefined || s === null) return undefined;
  return compact({
    matchLabels: stringMap(s.matchLabels),
    matchExpressions: s.matchExpressions?.map((e) =>
      compact({ key: e.key, operator: e.operator, values: e.values === undefined ? undefined : [...e.values] }),
    ),
  });
}

function peerToWire(p: V1NetworkPolicyPeer): WireObject {
  const block = p.ipBlock;
  return compact({
    podSelector: selectorToWire(p.podSelector),
    namespaceSelector: selectorToWire(p.namespaceSelector),
    ipBlock: block === undefined ? undefined : compact({ cidr: block.cidr, except: block.except === undefined ? undefined : [...block.except] }),
  });
}

function portToWire(p: V1NetworkPolicyPort): WireObject {
  return compact({ protocol: p.protocol, port: p.port, endPort: p.endPort });
}

function ingressToWire(r: V1NetworkPolicyIngressRule): WireObject {
  return compact({ from: r._from?.map(peerToWire), ports: r.ports?.map(portToWire) });
}

function egressToWire(r: V1NetworkPolicyEgressRule): WireObject {
  return compact({ to: r.to?.map(peerToWire), ports: r.ports?.map(portToWire) });
}

export function policyToWire(p: V1NetworkPolicy): WireObject {
  const s = p.spec;
  return compact({
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    metadata: metaToWire(p.metadata),
    spec:
      s === undefined
        ? undefined
        : compact({
            podSelector: selectorToWire(s.podSelector),
            policyTypes: s.policyTypes === undefined ? undefined : [...s.policyTypes],
            ingress: s.ingress?.map(ingressToWire),
            egress: s.egress?.map(egressToWire),
          }),
  });
}

export function podToWire(p: V1Pod): WireObject {
  const spec = p.spec;
  const status = p.status;
  return compact({
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: metaToWire(p.metadata),
    spec:
      spec === undefined
        ? undefined
        : compact({
            nodeName: spec.nodeName,
            hostNetwork: spec.hostNetwork,
            containers: spec.containers.map((c) =>
              compact({
                name: c.name,
                ports: c.ports?.map((port) => compact({ name: port.name, containerPort: port.containerPort, protocol: port.protocol })),
              }),
            ),
          }),
    status:
      status === undefined
        ? undefined
        : compact({ phase: status.phase, podIP: status.podIP, podIPs: status.podIPs?.map((i) => ({ ip: i.ip })) }),
  });
}

export function namespaceToWire(n: V1Namespace): WireObject {
  return compact({ kind: 'Namespace', apiVersion: 'v1', metadata: metaToWire(n.metadata) });
}

export function nodeToWire(n: V1Node): WireObject {
  return compact({
    kind: 'Node',
    apiVersion: 'v1',
    metadata: metaToWire(n.metadata),
    status:
      n.status === undefined ? undefined : compact({ addresses: n.status.addresses?.map((a) => ({ type: a.type, address: a.address })) }),
  });
}
