/**
 * @module test/node/fixtures
 * Small builders for model objects, so node tests do not depend on the manifest readers.
 */
import type {
  ClusterNode,
  ContainerPort,
  LabelSelector,
  Labels,
  Namespace,
  NetworkPolicy,
  Peer,
  Pod,
  PolicyType,
  PortSpec,
  Rule,
  Snapshot,
} from '../../src/model/index.js';
import { cidr, ip } from '../support/addresses.js';

export { cidr, ip };

export function sel(matchLabels: Labels = {}): LabelSelector {
  return { matchLabels, matchExpressions: [] };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

export interface PodOpts {
  labels?: Labels;
  node?: string;
  ips?: string[];
  hostNetwork?: boolean;
  phase?: string;
  ports?: ContainerPort[];
}

export function pod(namespace: string, name: string, o: PodOpts = {}): Pod {
  return {
    namespace,
    name,
    labels: o.labels ?? {},
    ...(o.node === undefined ? {} : { nodeName: o.node }),
    hostNetwork: o.hostNetwork ?? false,
    ips: (o.ips ?? []).map(ip),
    phase: o.phase ?? 'Running',
    ports: o.ports ?? [],
  };
}

export function podPeer(podSelector?: LabelSelector, namespaceSelector?: LabelSelector): Peer {
  return {
    kind: 'selector',
    ...(podSelector === undefined ? {} : { podSelector }),
    ...(namespaceSelector === undefined ? {} : { namespaceSelector }),
  };
}

export function block(c: string, except: string[] = []): Peer {
  return { kind: 'ip-block', cidr: cidr(c), except: except.map(cidr) };
}

export function port(protocol: PortSpec['protocol'], p?: number | string, endPort?: number): PortSpec {
  return { protocol, ...(p === undefined ? {} : { port: p }), ...(endPort === undefined ? {} : { endPort }) };
}

export function rule(peers: Peer[] = [], ports: PortSpec[] = []): Rule {
  return {
    peers,
    ports,
    peersField: peers.length === 0 ? 'absent' : 'set',
    portsField: ports.length === 0 ? 'absent' : 'set',
  };
}

export interface PolicyOpts {
  podSelector?: LabelSelector;
  types?: PolicyType[];
  ingress?: Rule[];
  egress?: Rule[];
}

export function policy(namespace: string, name: string, o: PolicyOpts = {}): NetworkPolicy {
  const egress = o.egress ?? [];
  const types: PolicyType[] = o.types ?? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  return {
    namespace,
    name,
    podSelector: o.podSelector ?? sel(),
    policyTypes: types,
    policyTypesExplicit: o.types !== undefined,
    ingress: o.ingress ?? [],
    egress,
    ingressField: o.ingress === undefined ? 'absent' : 'set',
    egressField: o.egress === undefined ? 'absent' : 'set',
  };
}

export function node(name: string, ...addresses: string[]): ClusterNode {
  return { name, addresses: addresses.map((a) => ({ type: 'InternalIP', ip: ip(a) })) };
}

export function snapshot(s: Partial<Snapshot>): Snapshot {
  const pods = s.pods ?? [];
  const policies = s.policies ?? [];
  const given = s.namespaces ?? [];
  const names = new Set(given.map((n) => n.name));
  const extra = [...new Set([...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)])]
    .filter((n) => !names.has(n))
    .map((n) => ns(n));
  return { namespaces: [...given, ...extra], pods, policies, nodes: s.nodes ?? [] };
}
