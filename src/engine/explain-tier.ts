/**
 * @module engine/explain-tier
 * What a tier policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) means,
 * resolved against the snapshot: its tier and place in the evaluation order, the pods its subject
 * holds, and per rule, in the order they are tried, the action and the pods, namespaces, nodes and
 * CIDRs it matches and the ports (named ports per destination pod). Plain data, like explain.ts.
 */
import { qualifiedName, type LabelSelector, type Pod, type Protocol, type Tier, type TierAction, type TierPolicyKind } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Direction } from './direction.js';
import type { PeerMatcher } from './policy.js';
import { namedPortDestinations, resolvePortOn } from './resolve.js';
import { selectorMatches } from './selector.js';
import { tierRulesIn, type CompiledTierPolicy, type CompiledTierRule } from './tier.js';

/** `podSelector` absent: a `namespaces` peer (every pod of them). */
export type TierPeerExplanation =
  | { readonly kind: 'pods'; readonly index: number; readonly namespaceSelector: LabelSelector; readonly podSelector?: LabelSelector; readonly namespaces: readonly string[]; readonly pods: readonly string[] }
  | { readonly kind: 'networks'; readonly index: number; readonly cidrs: readonly string[]; readonly pods: readonly string[] }
  | { readonly kind: 'nodes'; readonly index: number; readonly nodeSelector: LabelSelector; readonly nodes: readonly string[] }
  | { readonly kind: 'unknown'; readonly index: number; readonly fields: readonly string[]; readonly matches: 'nothing' | 'everything' };

export type TierPortExplanation =
  | { readonly kind: 'number'; readonly index: number; readonly protocol: Protocol; readonly port: number }
  | { readonly kind: 'range'; readonly index: number; readonly protocol: Protocol; readonly start: number; readonly end: number }
  | {
      readonly kind: 'named';
      readonly index: number;
      readonly name: string;
      readonly resolved: readonly { readonly pod: string; readonly port: number; readonly protocol: Protocol }[];
      /** Destination pods that do not declare the name: the rule does not match them by it. */
      readonly unresolved: readonly string[];
    };

export interface TierRuleExplanation {
  readonly direction: Direction;
  readonly index: number;
  readonly name?: string;
  readonly action: TierAction;
  readonly actionText: string;
  readonly peers: readonly TierPeerExplanation[];
  /** Empty: every port of every protocol. */
  readonly ports: readonly TierPortExplanation[];
}

export interface TierPolicyExplanation {
  readonly policy: string;
  readonly kind: TierPolicyKind;
  readonly name: string;
  readonly tier: Tier;
  readonly priority?: number;
  readonly subject: { readonly namespaceSelector: LabelSelector; readonly podSelector?: LabelSelector };
  readonly selectedPods: readonly string[];
  /** Policies of the same tier and priority: which goes first is the implementation's choice upstream. */
  readonly samePriority: readonly string[];
  readonly ingress: readonly TierRuleExplanation[];
  readonly egress: readonly TierRuleExplanation[];
}

function explainPeers(c: CompiledSnapshot, rule: CompiledTierRule): TierPeerExplanation[] {
  const out: TierPeerExplanation[] = [];
  for (const peer of rule.peers) {
    switch (peer.kind) {
      case 'pods':
        out.push({
          kind: 'pods',
          index: peer.index,
          namespaceSelector: peer.namespaces.kind === 'selected' ? peer.namespaces.selector : { matchLabels: {}, matchExpressions: [] },
          ...(peer.pods.kind === 'selected' ? { podSelector: peer.pods.selector } : {}),
          namespaces: c.namespacesIn(peer.namespaces).map((n) => n.name),
          pods: c.peerPods(peer).map(qualifiedName),
        });
        break;
      case 'cidr': {
        // One `networks` entry is several cidr matchers with its index: one explanation.
        const last = out[out.length - 1];
        const pods = c.peerPods(peer).map(qualifiedName);
        if (last?.kind === 'networks' && last.index === peer.index) {
          out[out.length - 1] = { ...last, cidrs: [...last.cidrs, peer.cidr.text], pods: [...new Set([...last.pods, ...pods])] };
        } else out.push({ kind: 'networks', index: peer.index, cidrs: [peer.cidr.text], pods });
        break;
      }
      case 'nodes':
        out.push({ kind: 'nodes', index: peer.index, nodeSelector: peer.selector, nodes: c.snapshot.nodes.filter((n) => selectorMatches(peer.selector, n.labels)).map((n) => n.name) });
        break;
      case 'unknown':
        out.push({ kind: 'unknown', index: peer.index, fields: peer.fields, matches: rule.action === 'Allow' ? 'nothing' : 'everything' });
        break;
      default:
        assertNever(peer);
    }
  }
  return out;
}

function explainPorts(c: CompiledSnapshot, rule: CompiledTierRule, selected: readonly Pod[]): TierPortExplanation[] {
  const out: TierPortExplanation[] = [];
  const podPeers = rule.peers.filter((p): p is Extract<PeerMatcher, { kind: 'pods' | 'cidr' }> => p.kind === 'pods' || p.kind === 'cidr');
  // Where the rule's named ports resolve: the same for each of its ports and their protocols.
  const targets = rule.ports.some((m) => m.kind === 'named') ? namedPortDestinations(c, rule.source.direction, podPeers, selected) : [];
  for (const m of rule.ports) {
    switch (m.kind) {
      case 'any':
      case 'protocol':
        break;
      case 'range':
        out.push(m.endPort ? { kind: 'range', index: m.index, protocol: m.protocol, start: m.first, end: m.last } : { kind: 'number', index: m.index, protocol: m.protocol, port: m.first });
        break;
      case 'named': {
        // One matcher per protocol, with the entry's index: merged into one explanation.
        const resolved = resolvePortOn(m, targets).map((r) => ({ pod: qualifiedName(r.pod), port: r.port, protocol: m.protocol }));
        const last = out[out.length - 1];
        if (last?.kind === 'named' && last.index === m.index) {
          const all = [...last.resolved, ...resolved];
          const have = new Set(all.map((r) => r.pod));
          out[out.length - 1] = { ...last, resolved: all, unresolved: last.unresolved.filter((p) => !have.has(p)) };
        } else {
          const have = new Set(resolved.map((r) => r.pod));
          out.push({ kind: 'named', index: m.index, name: m.name, resolved, unresolved: targets.filter((p) => !p.hostNetwork && !have.has(qualifiedName(p))).map(qualifiedName) });
        }
        break;
      }
      default:
        assertNever(m);
    }
  }
  return out;
}

function explainRules(c: CompiledSnapshot, policy: CompiledTierPolicy, direction: Direction, selected: readonly Pod[]): TierRuleExplanation[] {
  return tierRulesIn(policy, direction).map((rule) => ({
    direction,
    index: rule.source.rule,
    ...(rule.name === undefined ? {} : { name: rule.name }),
    action: rule.action,
    actionText: rule.actionText,
    peers: explainPeers(c, rule),
    ports: explainPorts(c, rule, selected),
  }));
}

export function explainTierPolicy(c: CompiledSnapshot, policy: CompiledTierPolicy): TierPolicyExplanation {
  const selected = c.tierSelectedBy(policy);
  return {
    policy: policy.ref,
    kind: policy.kind,
    name: policy.name,
    tier: policy.tier,
    ...(policy.priority === undefined ? {} : { priority: policy.priority }),
    subject: policy.subject,
    selectedPods: selected.map(qualifiedName),
    samePriority: c.tierPolicies.filter((p) => p !== policy && p.tier === policy.tier && p.priority !== undefined && p.priority === policy.priority).map((p) => p.ref),
    ingress: explainRules(c, policy, 'ingress', selected),
    egress: explainRules(c, policy, 'egress', selected),
  };
}
