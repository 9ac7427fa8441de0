// Builders for model objects in engine tests: short to write, defaulted as sources/ would.
import type { ClusterNode, ContainerPort, LabelSelector, Labels, Namespace, NetworkPolicy, Peer, Pod, PolicyType, PortSpec, Protocol, Rule, SelectorRequirement, Snapshot } from '../../src/model/index.js';
import { cidr, ip } from '../support/addresses.js';

export { cidr, ip };

export function sel(matchLabels: Labels = {}, matchExpressions: SelectorRequirement[] = []): LabelSelector {
  return { matchLabels, matchExpressions };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

export interface PodOpts {
  ips?: string[];
  node?: string;
  ports?: { name?: string; port: number; protocol?: Protocol }[];
  hostNetwork?: boolean;
  phase?: string;
}

export function pod(namespace: string, name: string, labels: Labels = {}, o: PodOpts = {}): Pod {
  const ports: ContainerPort[] = (o.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol ?? 'TCP' }));
  return {
    namespace,
    name,
    labels,
    ...(o.node ? { nodeName: o.node } : {}),
    hostNetwork: o.hostNetwork ?? false,
    ips: (o.ips ?? []).map(ip),
    phase: o.phase ?? 'Running',
    ports,
  };
}

export const podPeer = (podSelector?: LabelSelector, namespaceSelector?: LabelSelector): Peer => ({
  kind: 'selector',
  ...(podSelector ? { podSelector } : {}),
  ...(namespaceSelector ? { namespaceSelector } : {}),
});

export const ipBlock = (c: string, except: string[] = []): Peer => ({ kind: 'ip-block', cidr: cidr(c), except: except.map(cidr) });

export function port(p?: number | string, protocol: Protocol = 'TCP', endPort?: number): PortSpec {
  return { protocol, ...(p === undefined ? {} : { port: p }), ...(endPort === undefined ? {} : { endPort }) };
}

/** `peers`/`ports` undefined means the field is absent. */
export function rule(peers?: Peer[], ports?: PortSpec[]): Rule {
  const field = (x: unknown[] | undefined) => (x === undefined ? 'absent' : x.length === 0 ? 'empty' : 'set') as Rule['peersField'];
  return { peers: peers ?? [], ports: ports ?? [], peersField: field(peers), portsField: field(ports) };
}

export interface PolicyOpts {
  types?: PolicyType[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** Defaults policyTypes as the API server does when `types` is not given. */
export function policy(namespace: string, name: string, podSelector: LabelSelector, o: PolicyOpts = {}): NetworkPolicy {
  const defaulted: PolicyType[] = ['Ingress', ...((o.egress?.length ?? 0) > 0 ? (['Egress'] as const) : [])];
  const field = (x: Rule[] | undefined) => (x === undefined ? 'absent' : x.length === 0 ? 'empty' : 'set') as NetworkPolicy['ingressField'];
  return {
    namespace,
    name,
    podSelector,
    policyTypes: o.types ?? defaulted,
    policyTypesExplicit: o.types !== undefined,
    ingress: o.ingress ?? [],
    egress: o.egress ?? [],
    ingressField: field(o.ingress),
    egressField: field(o.egress),
  };
}

export function node(name: string, ...addresses: string[]): ClusterNode {
  return { name, addresses: addresses.map((a) => ({ type: 'InternalIP', ip: ip(a) })) };
}

export function snapshot(parts: Partial<Snapshot>): Snapshot {
  return { namespaces: parts.namespaces ?? [], pods: parts.pods ?? [], policies: parts.policies ?? [], nodes: parts.nodes ?? [] };
}
