/**
 * @module engine/policy
 * The compiled form of a NetworkPolicy: what each rule admits, as tagged matchers, each carrying
 * where it was written. This is the only module that reads a policy's rule lists; verdicts,
 * explanations and the node's rules switch on the matcher kinds instead, so that a new kind fails
 * to compile wherever it is not handled. The defaults of the API live here once:
 *   - from/to absent or []  -> one `any` peer (every pod and every address)
 *   - ports absent or []    -> one `any` port (every port of every protocol)
 *   - a peer without namespaceSelector -> the policy's own namespace
 *   - a peer without podSelector       -> every pod of the namespaces chosen
 *   - a port without a number          -> every port of its protocol
 *   - policyTypes not written          -> Ingress, plus Egress when egress has a rule (decoded so)
 */
import { qualifiedName, type Cidr, type LabelSelector, type ListField, type NetworkPolicy, type PolicyType, type Protocol, type Rule } from '../model/index.js';
import { policyTypeOf, type Direction } from './direction.js';

/** Where a rule, peer or port was written: `spec.ingress[0].from[1]`. */
export interface Source {
  /** namespace/name of the policy. */
  readonly policy: string;
  readonly direction: Direction;
  /** Index in spec.ingress or spec.egress. */
  readonly rule: number;
  readonly path: string;
}

/** Which namespaces a pods peer reaches: the policy's own, or those a namespaceSelector matches. */
export type NamespaceScope =
  | { readonly kind: 'own'; readonly namespace: string }
  | { readonly kind: 'selected'; readonly selector: LabelSelector };

/** Which pods of those namespaces: all of them, or those a podSelector matches. */
export type PodScope = { readonly kind: 'all' } | { readonly kind: 'selected'; readonly selector: LabelSelector };

/**
 * One entry of from/to, or the whole of an empty one:
 *   any   every pod and every address (from/to absent or [])
 *   pods  pods by namespace AND pod selection (hostNetwork and finished pods never match)
 *   cidr  addresses inside `cidr` and outside every `except`, pod addresses included
 * `key` is equal for peers that admit the same ends in every snapshot, so that their pods are
 * worked out once however many policies repeat them.
 */
export type PeerMatcher =
  | { readonly kind: 'any'; readonly source: Source }
  | { readonly kind: 'pods'; readonly index: number; readonly namespaces: NamespaceScope; readonly pods: PodScope; readonly key: string; readonly source: Source }
  | { readonly kind: 'cidr'; readonly index: number; readonly cidr: Cidr; readonly except: readonly Cidr[]; readonly key: string; readonly source: Source };

export type PodsPeer = Extract<PeerMatcher, { kind: 'pods' }>;
export type CidrPeer = Extract<PeerMatcher, { kind: 'cidr' }>;

/**
 * One entry of ports, or the whole of an empty list:
 *   any       every port of every protocol
 *   protocol  every port of one protocol
 *   range     first..last of one protocol (`endPort` says whether a range was written)
 *   named     the number the destination pod declares for `name` and the protocol
 */
export type PortMatcher =
  | { readonly kind: 'any'; readonly source: Source }
  | { readonly kind: 'protocol'; readonly index: number; readonly protocol: Protocol; readonly source: Source }
  | { readonly kind: 'range'; readonly index: number; readonly protocol: Protocol; readonly first: number; readonly last: number; readonly endPort: boolean; readonly source: Source }
  | { readonly kind: 'named'; readonly index: number; readonly protocol: Protocol; readonly name: string; readonly source: Source };

/** A rule admits a connection when one of its peers AND one of its ports admit it. */
export interface CompiledRule {
  readonly source: Source;
  /** Never empty: an empty from/to is one `any`. */
  readonly peers: readonly PeerMatcher[];
  /** Never empty: an empty ports list is one `any`. */
  readonly ports: readonly PortMatcher[];
  /** How from/to and ports were written, for explanations ("absent" and "[]" mean the same). */
  readonly peersField: ListField;
  readonly portsField: ListField;
}

export interface DirectionRules {
  readonly direction: Direction;
  /** Whether the policy isolates its pods in this direction (policyTypes). */
  readonly isolates: boolean;
  /** How the rule list was written. */
  readonly field: ListField;
  readonly rules: readonly CompiledRule[];
}

export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  /** namespace/name, as answers name it. */
  readonly ref: string;
  /** spec.podSelector, matched within `namespace`. */
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly PolicyType[];
  readonly policyTypesExplicit: boolean;
  readonly ingress: DirectionRules;
  readonly egress: DirectionRules;
  /** Whether some rule of the direction names a port: such rules resolve on the destination pod. */
  readonly namedPorts: { readonly ingress: boolean; readonly egress: boolean };
}

export function rulesIn(policy: CompiledPolicy, direction: Direction): DirectionRules {
  return direction === 'ingress' ? policy.ingress : policy.egress;
}

export function selectorKey(sel: LabelSelector): string {
  const labels = Object.entries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([labels, sel.matchExpressions.map((r) => [r.key, r.operator, r.values])]);
}

/** The key of a pods peer (see PeerMatcher): equal for peers that admit the same pods in every snapshot. */
export function podsKey(namespaces: NamespaceScope, pods: PodScope): string {
  const nsKey = namespaces.kind === 'own' ? `own\u0000${namespaces.namespace}` : `sel\u0000${selectorKey(namespaces.selector)}`;
  const podKey = pods.kind === 'all' ? 'all' : selectorKey(pods.selector);
  return `pods\u0000${nsKey}\u0000${podKey}`;
}

export function cidrKey(cidr: Cidr, except: readonly Cidr[]): string {
  return `cidr\u0000${cidr.text}\u0000${except.map((e) => e.text).join(',')}`;
}

function compileRule(policy: NetworkPolicy, direction: Direction, rule: Rule, index: number): CompiledRule {
  const path = `spec.${direction}[${index}]`;
  const source = (sub: string): Source => ({ policy: qualifiedName(policy), direction, rule: index, path: `${path}${sub}` });
  const field = direction === 'ingress' ? 'from' : 'to';
  const peers: PeerMatcher[] =
    rule.peers.length === 0
      ? [{ kind: 'any', source: source('') }]
      : rule.peers.map((peer, i): PeerMatcher => {
          const at = source(`.${field}[${i}]`);
          if (peer.kind === 'ip-block') return { kind: 'cidr', index: i, cidr: peer.cidr, except: peer.except, key: cidrKey(peer.cidr, peer.except), source: at };
          const namespaces: NamespaceScope =
            peer.namespaceSelector === undefined ? { kind: 'own', namespace: policy.namespace } : { kind: 'selected', selector: peer.namespaceSelector };
          const pods: PodScope = peer.podSelector === undefined ? { kind: 'all' } : { kind: 'selected', selector: peer.podSelector };
          return { kind: 'pods', index: i, namespaces, pods, key: podsKey(namespaces, pods), source: at };
        });
  const ports: PortMatcher[] =
    rule.ports.length === 0
      ? [{ kind: 'any', source: source('') }]
      : rule.ports.map((spec, i): PortMatcher => {
          const at = source(`.ports[${i}]`);
          if (spec.port === undefined) return { kind: 'protocol', index: i, protocol: spec.protocol, source: at };
          if (typeof spec.port === 'string') return { kind: 'named', index: i, protocol: spec.protocol, name: spec.port, source: at };
          return { kind: 'range', index: i, protocol: spec.protocol, first: spec.port, last: spec.endPort ?? spec.port, endPort: spec.endPort !== undefined, source: at };
        });
  return { source: source(''), peers, ports, peersField: rule.peersField, portsField: rule.portsField };
}

function compileDirection(policy: NetworkPolicy, direction: Direction): DirectionRules {
  const rules = direction === 'ingress' ? policy.ingress : policy.egress;
  return {
    direction,
    isolates: policy.policyTypes.includes(policyTypeOf(direction)),
    field: direction === 'ingress' ? policy.ingressField : policy.egressField,
    rules: rules.map((r, i) => compileRule(policy, direction, r, i)),
  };
}

const hasNamed = (d: DirectionRules): boolean => d.rules.some((r) => r.ports.some((p) => p.kind === 'named'));

export function compilePolicy(policy: NetworkPolicy): CompiledPolicy {
  const ingress = compileDirection(policy, 'ingress');
  const egress = compileDirection(policy, 'egress');
  return {
    namespace: policy.namespace,
    name: policy.name,
    ref: qualifiedName(policy),
    podSelector: policy.podSelector,
    policyTypes: policy.policyTypes,
    policyTypesExplicit: policy.policyTypesExplicit,
    ingress,
    egress,
    namedPorts: { ingress: hasNamed(ingress), egress: hasNamed(egress) },
  };
}
