/**
 * @module model
 * The plain, already validated and defaulted objects every other layer works on. Sources (files,
 * the API server) produce them; the engine, renderers and the node rule set only read them.
 * Nothing here imports anything: these are data, not behaviour.
 */

export type Labels = Readonly<Record<string, string>>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** metav1.LabelSelector; an empty one (no labels, no expressions) matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export type IpFamily = 4 | 6;

/** One address. `value` is the address as an unsigned integer (32 or 128 bits). */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
  /** Canonical text (IPv6 compressed, lower case). */
  readonly text: string;
}

/** A network: host bits are already masked off `base` (the API server accepts 10.1.0.1/4 as 0.0.0.0/4). */
export interface Cidr {
  readonly family: IpFamily;
  readonly base: bigint;
  readonly prefix: number;
  /** Canonical masked text, e.g. `0.0.0.0/4`. */
  readonly text: string;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface Namespace {
  readonly name: string;
  /** Always holds `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  /** status.podIPs (or status.podIP); empty when not yet known. */
  readonly ips: readonly IpAddress[];
  /** status.phase; '' when unknown. Succeeded and Failed pods take no part. */
  readonly phase: string;
  readonly ports: readonly ContainerPort[];
  /** Set when this pod stands for a workload's template (Deployment, Job, ...): its kind. */
  readonly workload?: string;
}

export interface NodeAddress {
  readonly type: string;
  readonly ip: IpAddress;
}

export interface ClusterNode {
  readonly name: string;
  /** metadata.labels: what a tier policy's `nodes` peer selects on. */
  readonly labels: Labels;
  readonly addresses: readonly NodeAddress[];
}

export type PolicyType = 'Ingress' | 'Egress';

/** One entry of from/to: OR between entries, AND inside one. */
export type Peer =
  | {
      readonly kind: 'selector';
      /** Absent: all pods (of the namespaces chosen); with no namespaceSelector, the policy's namespace. */
      readonly podSelector?: LabelSelector;
      /** Absent: the policy's own namespace. */
      readonly namespaceSelector?: LabelSelector;
    }
  | {
      readonly kind: 'ip-block';
      readonly cidr: Cidr;
      readonly except: readonly Cidr[];
    };

export interface PortSpec {
  readonly protocol: Protocol;
  /** Absent: every port of the protocol. A string is a named port, resolved on the destination pod. */
  readonly port?: number | string;
  /** Only with a numeric port: the inclusive range port..endPort. */
  readonly endPort?: number;
}

/** How a list field was written: left out, `[]`, or with items (the first two mean the same, and read differently). */
export type ListField = 'absent' | 'empty' | 'set';

export interface Rule {
  /** from/to; empty (absent or []) admits every peer. */
  readonly peers: readonly Peer[];
  /** ports; empty (absent or []) admits every port of every protocol. */
  readonly ports: readonly PortSpec[];
  /** Whether from/to was written at all, for explanations ("absent" vs "[]" mean the same). */
  readonly peersField: ListField;
  readonly portsField: ListField;
}

export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Effective types: spec.policyTypes, or defaulted (Ingress, plus Egress when egress has a rule). */
  readonly policyTypes: readonly PolicyType[];
  /** Whether spec.policyTypes was written; when false, policyTypes holds the default. */
  readonly policyTypesExplicit: boolean;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
  readonly ingressField: ListField;
  readonly egressField: ListField;
}

/** Of a Service's types, ExternalName has no backends: it is a DNS alias, not an address. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** Where kube-proxy sends it on each backend: a number, or a container port name resolved per pod. */
  readonly targetPort: number | string;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  /** Absent when the Service has none (or `{}`): then no pod is its backend by selector. */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly type: ServiceType;
}

/**
 * The admin tiers of sig-network's network-policy-api (docs/TIERS.md), one shape for the three
 * kinds: AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy
 * (v1alpha2, whose tier is written in spec.tier).
 */
export type TierPolicyKind = 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
export type Tier = 'Admin' | 'Baseline';
/** v1alpha1 writes Allow, v1alpha2 Accept: the same action, kept as written in `TierRule.actionText`. */
export type TierAction = 'Allow' | 'Deny' | 'Pass';

/** Which pods a tier policy applies to: every pod of the selected namespaces, or selected pods in them. */
export type TierSubject =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: LabelSelector }
  | { readonly kind: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector };

/**
 * One entry of a tier rule's from/to: exactly one kind each. `unknown` is an entry with none of
 * the fields this version knows (a newer CRD's field): the API says to fail closed, an Allow rule
 * matching nothing by it and a Deny or Pass rule everything.
 */
export type TierPeer =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: LabelSelector }
  | { readonly kind: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector }
  | { readonly kind: 'nodes'; readonly nodeSelector: LabelSelector }
  | { readonly kind: 'networks'; readonly cidrs: readonly Cidr[] }
  | { readonly kind: 'unknown'; readonly fields: readonly string[] };

/** A tier rule's port: a number or a range of one protocol, or a container port name (its protocol is the pod's). */
export type TierPort =
  | { readonly kind: 'number'; readonly protocol: Protocol; readonly port: number }
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly start: number; readonly end: number }
  | { readonly kind: 'named'; readonly name: string };

export interface TierRule {
  /** The rule's name, when it has one. */
  readonly name?: string;
  readonly action: TierAction;
  /** As written: Allow (v1alpha1) or Accept (v1alpha2), Deny, Pass. */
  readonly actionText: string;
  /** Never empty (the API requires one entry at least). */
  readonly peers: readonly TierPeer[];
  /** Absent: every port of every protocol. */
  readonly ports?: readonly TierPort[];
}

export interface TierPolicy {
  readonly kind: TierPolicyKind;
  /** Cluster-scoped: no namespace. */
  readonly name: string;
  readonly tier: Tier;
  /** 0-1000, lower first; a BaselineAdminNetworkPolicy has none (it is the only one of its kind). */
  readonly priority?: number;
  readonly subject: TierSubject;
  /** In the order written: the first that matches a connection decides it. */
  readonly ingress: readonly TierRule[];
  readonly egress: readonly TierRule[];
}

/** Everything the engine needs, from whichever source. */
export interface Snapshot {
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly policies: readonly NetworkPolicy[];
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects, as read. */
  readonly tierPolicies: readonly TierPolicy[];
  readonly nodes: readonly ClusterNode[];
  /** Read only where a command needs them (can-reach to a Service, explain pod/NAME); else empty. */
  readonly services: readonly Service[];
}

export function qualifiedName(o: { readonly namespace: string; readonly name: string }): string {
  return `${o.namespace}/${o.name}`;
}
