/**
 * @module test/support/build
 * The one set of model builders for every test (engine, render, node, lab): short to write, and
 * defaulted as sources/ would default objects read from manifests (the namespace's name label,
 * policyTypes, implied namespaces, a tier rule's action word), so tests need not go through the manifest readers. Addresses
 * go through the product's own parser (support/addresses), so a typo fails loudly.
 */
import type {
  ClusterNode,
  ContainerPort,
  LabelSelector,
  Labels,
  ListField,
  Namespace,
  NetworkPolicy,
  Peer,
  Pod,
  PolicyType,
  PortSpec,
  Protocol,
  Rule,
  SelectorRequirement,
  Snapshot,
  Tier,
  TierAction,
  TierPeer,
  TierPolicy,
  TierPort,
  TierRule,
  TierSubject,
} from '../../src/model/index.js';
import { cidr, ip } from './addresses.js';
import { compileSnapshot, explainPolicy, type PolicyExplanation } from '../../src/engine/index.js';

export { cidr, ip };

export function sel(matchLabels: Labels = {}, matchExpressions: SelectorRequirement[] = []): LabelSelector {
  return { matchLabels, matchExpressions };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

/** A container port as written in tests: `protocol` defaults to TCP, as in a Pod manifest. */
export interface PortOpt {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: Protocol;
}

export interface PodOpts {
  ips?: string[];
  node?: string;
  ports?: readonly PortOpt[];
  hostNetwork?: boolean;
  phase?: string;
}

export function pod(namespace: string, name: string, labels: Labels = {}, o: PodOpts = {}): Pod {
  const ports: ContainerPort[] = (o.ports ?? []).map((p) => ({ ...(p.name === undefined ? {} : { name: p.name }), containerPort: p.port, protocol: p.protocol ?? 'TCP' }));
  return {
    namespace,
    name,
    labels,
    ...(o.node === undefined ? {} : { nodeName: o.node }),
    hostNetwork: o.hostNetwork ?? false,
    ips: (o.ips ?? []).map(ip),
    phase: o.phase ?? 'Running',
    ports,
  };
}

/** One selector entry of from/to; an argument left undefined is a key left out. */
export function podPeer(podSelector?: LabelSelector, namespaceSelector?: LabelSelector): Peer {
  return {
    kind: 'selector',
    ...(podSelector === undefined ? {} : { podSelector }),
    ...(namespaceSelector === undefined ? {} : { namespaceSelector }),
  };
}

export function ipBlock(c: string, except: string[] = []): Peer {
  return { kind: 'ip-block', cidr: cidr(c), except: except.map(cidr) };
}

/** `port(80)`, `port('http')`, `port(53, 'UDP')`, `port(6000, 'TCP', 6379)`, `port(undefined, 'SCTP')`. */
export function port(p?: number | string, protocol: Protocol = 'TCP', endPort?: number): PortSpec {
  return { protocol, ...(p === undefined ? {} : { port: p }), ...(endPort === undefined ? {} : { endPort }) };
}

function listField(x: readonly unknown[] | undefined): ListField {
  return x === undefined ? 'absent' : x.length === 0 ? 'empty' : 'set';
}

/** `peers`/`ports` undefined means the field is absent; `[]` means it is written empty. */
export function rule(peers?: Peer[], ports?: PortSpec[]): Rule {
  return { peers: peers ?? [], ports: ports ?? [], peersField: listField(peers), portsField: listField(ports) };
}

export interface PolicyOpts {
  types?: PolicyType[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** Defaults policyTypes as the API server does when `types` is not given. */
export function policy(namespace: string, name: string, podSelector: LabelSelector, o: PolicyOpts = {}): NetworkPolicy {
  const defaulted: PolicyType[] = ['Ingress', ...((o.egress?.length ?? 0) > 0 ? (['Egress'] as const) : [])];
  return {
    namespace,
    name,
    podSelector,
    policyTypes: o.types ?? defaulted,
    policyTypesExplicit: o.types !== undefined,
    ingress: o.ingress ?? [],
    egress: o.egress ?? [],
    ingressField: listField(o.ingress),
    egressField: listField(o.egress),
  };
}

/** A node whose addresses are all InternalIPs; build the object by hand for other types. */
export function node(name: string, ...addresses: string[]): ClusterNode {
  return { name, labels: {}, addresses: addresses.map((a) => ({ type: 'InternalIP', ip: ip(a) })) };
}

/** A tier rule (AdminNetworkPolicy and friends); `ports` undefined: every port, as when the field is left out. */
export function tierRule(action: TierAction, peers: TierPeer[], ports?: TierPort[], name?: string): TierRule {
  return { ...(name === undefined ? {} : { name }), action, actionText: action, peers, ...(ports === undefined ? {} : { ports }) };
}

/** Tier peers: every pod of the selected namespaces; selected pods (of every namespace by default); nodes; CIDRs; a field this version does not know. */
export const tierNamespaces = (namespaceSelector: LabelSelector): TierPeer => ({ kind: 'namespaces', namespaceSelector });
export const tierPods = (podSelector: LabelSelector, namespaceSelector: LabelSelector = sel()): TierPeer => ({ kind: 'pods', namespaceSelector, podSelector });
export const tierNodes = (nodeSelector: LabelSelector): TierPeer => ({ kind: 'nodes', nodeSelector });
export const tierNetworks = (...cidrs: string[]): TierPeer => ({ kind: 'networks', cidrs: cidrs.map(cidr) });
export const tierUnknown = (...fields: string[]): TierPeer => ({ kind: 'unknown', fields });

/** `tierPort(80)`, `tierPort(53, 'UDP')`, `tierPort(6000, 'TCP', 6400)` (a range), `tierPort('redis')` (named). */
export function tierPort(p: number | string, protocol: Protocol = 'TCP', end?: number): TierPort {
  if (typeof p === 'string') return { kind: 'named', name: p };
  return end === undefined ? { kind: 'number', protocol, port: p } : { kind: 'range', protocol, start: p, end };
}

/** Subjects: every pod of the selected namespaces, or selected pods (of every namespace by default). */
export const subjectNamespaces = (namespaceSelector: LabelSelector): TierSubject => ({ kind: 'namespaces', namespaceSelector });
export const subjectPods = (podSelector: LabelSelector, namespaceSelector: LabelSelector = sel()): TierSubject => ({ kind: 'pods', namespaceSelector, podSelector });

export interface TierOpts {
  ingress?: TierRule[];
  egress?: TierRule[];
}

/** An AdminNetworkPolicy (v1alpha1). */
export function anp(name: string, priority: number, subject: TierSubject, o: TierOpts = {}): TierPolicy {
  return { kind: 'AdminNetworkPolicy', name, tier: 'Admin', priority, subject, ingress: o.ingress ?? [], egress: o.egress ?? [] };
}

/** The BaselineAdminNetworkPolicy (v1alpha1): its one allowed name, no priority. */
export function banp(subject: TierSubject, o: TierOpts = {}): TierPolicy {
  return { kind: 'BaselineAdminNetworkPolicy', name: 'default', tier: 'Baseline', subject, ingress: o.ingress ?? [], egress: o.egress ?? [] };
}

/** A ClusterNetworkPolicy (v1alpha2): Allow is written Accept there, as the decoder keeps it. */
export function cnp(name: string, tier: Tier, priority: number, subject: TierSubject, o: TierOpts = {}): TierPolicy {
  const accept = (r: TierRule): TierRule => (r.action === 'Allow' ? { ...r, actionText: 'Accept' } : r);
  return { kind: 'ClusterNetworkPolicy', name, tier, priority, subject, ingress: (o.ingress ?? []).map(accept), egress: (o.egress ?? []).map(accept) };
}

/** Adds, after the given ones, the namespaces pods and policies live in, as sources/ does. */
export function snapshot(s: Partial<Snapshot>): Snapshot {
  const pods = s.pods ?? [];
  const policies = s.policies ?? [];
  const given = s.namespaces ?? [];
  const names = new Set(given.map((n) => n.name));
  const implied = [...new Set([...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)])]
    .filter((n) => !names.has(n))
    .map((n) => ns(n));
  return { namespaces: [...given, ...implied], pods, policies, nodes: s.nodes ?? [], services: s.services ?? [], tierPolicies: s.tierPolicies ?? [] };
}

/** One policy of a snapshot, explained against it. */
export function explainOne(s: Snapshot, p: NetworkPolicy): PolicyExplanation {
  const c = compileSnapshot(s);
  return explainPolicy(c, c.compiled(p));
}
