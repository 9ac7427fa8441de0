/**
 * @module engine/tier
 * The compiled form of the admin tiers' policies (docs/TIERS.md): AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy and ClusterNetworkPolicy become one shape whose rules reuse the
 * NetworkPolicy matchers where they mean the same (pods by namespace AND pod selection, CIDRs,
 * port ranges, named ports) and add what only tiers have: an action per rule, `nodes` peers,
 * and peers of a kind this version does not know, which fail closed. The tiers' defaults live here:
 *   - a `namespaces` peer or subject -> every pod of the selected namespaces
 *   - a `pods` peer without namespaceSelector -> every namespace
 *   - no ports                       -> one `any` port
 *   - a named port                   -> the destination pod's port of that name, whatever its
 *     protocol (names are unique on a pod, so one matcher per protocol says the same)
 *   - `networks` [a, b]              -> one cidr matcher per CIDR, none with exceptions
 * Evaluation order: the admin tier by priority (lower first), then NetworkPolicy, then the
 * baseline tier; within a policy, rules in the order written. Policies of equal priority are an
 * implementation's choice upstream; here the kind (AdminNetworkPolicy before ClusterNetworkPolicy)
 * and then the name break the tie, so that answers are reproducible (lint reports such ties).
 */
import { PROTOCOLS, type LabelSelector, type Tier, type TierAction, type TierPeer, type TierPolicy, type TierPolicyKind, type TierPort, type TierRule } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { Direction } from './direction.js';
import { cidrKey, podsKey, selectorKey, type CidrPeer, type PodsPeer, type PortMatcher, type Source } from './policy.js';

/** A `nodes` peer: the addresses (status.addresses) of the nodes its selector matches. */
export interface NodesPeer {
  readonly kind: 'nodes';
  readonly index: number;
  readonly selector: LabelSelector;
  readonly key: string;
  readonly source: Source;
}

/** A peer of fields this version does not know (`fields`): an Allow rule matches nothing by it, a Deny or Pass rule everything. */
export interface UnknownPeer {
  readonly kind: 'unknown';
  readonly index: number;
  readonly fields: readonly string[];
  readonly source: Source;
}

export type TierPeerMatcher = PodsPeer | CidrPeer | NodesPeer | UnknownPeer;

export interface CompiledTierRule {
  readonly source: Source;
  readonly name?: string;
  readonly action: TierAction;
  /** As written: Allow or Accept, Deny, Pass. */
  readonly actionText: string;
  /** Never empty. A `networks` entry gives one matcher per CIDR, all with the entry's index. */
  readonly peers: readonly TierPeerMatcher[];
  /** Never empty: no ports is one `any`; a named port one matcher per protocol, with the entry's index. */
  readonly ports: readonly PortMatcher[];
  /** Whether ports were written at all. */
  readonly portsWritten: boolean;
}

export interface CompiledTierPolicy {
  readonly kind: TierPolicyKind;
  readonly name: string;
  /** `AdminNetworkPolicy/NAME`: how answers name it. */
  readonly ref: string;
  readonly tier: Tier;
  readonly priority?: number;
  /** The subject as pods of namespaces: a `namespaces` subject selects every pod of them. */
  readonly subject: { readonly namespaceSelector: LabelSelector; readonly podSelector?: LabelSelector };
  readonly ingress: readonly CompiledTierRule[];
  readonly egress: readonly CompiledTierRule[];
  /** Whether some rule of the direction names a port. */
  readonly namedPorts: { readonly ingress: boolean; readonly egress: boolean };
}

export function tierRulesIn(policy: CompiledTierPolicy, direction: Direction): readonly CompiledTierRule[] {
  return direction === 'ingress' ? policy.ingress : policy.egress;
}

/** The short kind name kubectl knows these resources by. */
export const TIER_SHORT_NAMES: Readonly<Record<TierPolicyKind, string>> = {
  AdminNetworkPolicy: 'anp',
  BaselineAdminNetworkPolicy: 'banp',
  ClusterNetworkPolicy: 'cnp',
};

function compilePeer(peer: TierPeer, index: number, source: Source): TierPeerMatcher[] {
  switch (peer.kind) {
    case 'namespaces': {
      const namespaces = { kind: 'selected', selector: peer.namespaceSelector } as const;
      const pods = { kind: 'all' } as const;
      return [{ kind: 'pods', index, namespaces, pods, key: podsKey(namespaces, pods), source }];
    }
    case 'pods': {
      const namespaces = { kind: 'selected', selector: peer.namespaceSelector } as const;
      const pods = { kind: 'selected', selector: peer.podSelector } as const;
      return [{ kind: 'pods', index, namespaces, pods, key: podsKey(namespaces, pods), source }];
    }
    case 'nodes':
      return [{ kind: 'nodes', index, selector: peer.nodeSelector, key: `nodes\u0000${selectorKey(peer.nodeSelector)}`, source }];
    case 'networks':
      return peer.cidrs.map((cidr): CidrPeer => ({ kind: 'cidr', index, cidr, except: [], key: cidrKey(cidr, []), source }));
    case 'unknown':
      return [{ kind: 'unknown', index, fields: peer.fields, source }];
    default:
      return assertNever(peer);
  }
}

function compilePort(port: TierPort, index: number, source: Source): PortMatcher[] {
  switch (port.kind) {
    case 'number':
      return [{ kind: 'range', index, protocol: port.protocol, first: port.port, last: port.port, endPort: false, source }];
    case 'range':
      return [{ kind: 'range', index, protocol: port.protocol, first: port.start, last: port.end, endPort: true, source }];
    case 'named':
      return PROTOCOLS.map((protocol): PortMatcher => ({ kind: 'named', index, protocol, name: port.name, source }));
    default:
      return assertNever(port);
  }
}

function compileRule(policy: TierPolicy, ref: string, direction: Direction, rule: TierRule, index: number): CompiledTierRule {
  const path = `spec.${direction}[${index}]`;
  const source = (sub: string): Source => ({ policy: ref, direction, rule: index, path: `${path}${sub}` });
  const field = direction === 'ingress' ? 'from' : 'to';
  const portsField = policy.kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports';
  const ports = rule.ports === undefined ? [{ kind: 'any', source: source('') } as const] : rule.ports.flatMap((p, i) => compilePort(p, i, source(`.${portsField}[${i}]`)));
  return {
    source: source(''),
    ...(rule.name === undefined ? {} : { name: rule.name }),
    action: rule.action,
    actionText: rule.actionText,
    peers: rule.peers.flatMap((p, i) => compilePeer(p, i, source(`.${field}[${i}]`))),
    ports,
    portsWritten: rule.ports !== undefined,
  };
}

const hasNamed = (rules: readonly CompiledTierRule[]): boolean => rules.some((r) => r.ports.some((p) => p.kind === 'named'));

export function compileTierPolicy(policy: TierPolicy): CompiledTierPolicy {
  const ref = `${policy.kind}/${policy.name}`;
  const ingress = policy.ingress.map((r, i) => compileRule(policy, ref, 'ingress', r, i));
  const egress = policy.egress.map((r, i) => compileRule(policy, ref, 'egress', r, i));
  return {
    kind: policy.kind,
    name: policy.name,
    ref,
    tier: policy.tier,
    ...(policy.priority === undefined ? {} : { priority: policy.priority }),
    subject:
      policy.subject.kind === 'namespaces'
        ? { namespaceSelector: policy.subject.namespaceSelector }
        : { namespaceSelector: policy.subject.namespaceSelector, podSelector: policy.subject.podSelector },
    ingress,
    egress,
    namedPorts: { ingress: hasNamed(ingress), egress: hasNamed(egress) },
  };
}

const KIND_ORDER: Readonly<Record<TierPolicyKind, number>> = { AdminNetworkPolicy: 0, ClusterNetworkPolicy: 1, BaselineAdminNetworkPolicy: 2 };

/**
 * Evaluation order: Admin before Baseline; by priority; then kind and name. The one
 * BaselineAdminNetworkPolicy comes after the Baseline ClusterNetworkPolicies (upstream does not
 * order objects of the two API versions; a cluster normally serves one of them).
 */
export function compareTierPolicies(a: CompiledTierPolicy, b: CompiledTierPolicy): number {
  if (a.tier !== b.tier) return a.tier === 'Admin' ? -1 : 1;
  const pa = a.priority ?? Number.MAX_SAFE_INTEGER;
  const pb = b.priority ?? Number.MAX_SAFE_INTEGER;
  if (pa !== pb) return pa - pb;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
