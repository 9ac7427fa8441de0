/**
 * @module render/explain-record
 * explain's `-o json|yaml` records, built field by field from the engine's explanations, as
 * verdict-record does for can-reach: the output is a contract, so a renamed or added engine field
 * changes nothing users see until it is named here, and a new variant does not compile without
 * its record.
 */
import {
  assertNever,
  type DirectionExplanation,
  type Note,
  type PeerExplanation,
  type PodExplanation,
  type PodSideExplanation,
  type PolicyExplanation,
  type PortExplanation,
  type RuleExplanation,
  type TierPeerExplanation,
  type TierPolicyExplanation,
  type TierPortExplanation,
  type TierRuleExplanation,
} from '../engine/index.js';
import type { LabelSelector } from '../model/index.js';

type Data = { readonly [key: string]: unknown };

function selectorRecord(s: LabelSelector): Data {
  return { matchLabels: { ...s.matchLabels }, matchExpressions: s.matchExpressions.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] })) };
}

function peerRecord(p: PeerExplanation): Data {
  switch (p.kind) {
    case 'selector':
      return {
        kind: p.kind,
        index: p.index,
        ...(p.podSelector ? { podSelector: selectorRecord(p.podSelector) } : {}),
        ...(p.namespaceSelector ? { namespaceSelector: selectorRecord(p.namespaceSelector) } : {}),
        namespaces: [...p.namespaces],
        pods: [...p.pods],
      };
    case 'ip-block':
      return { kind: p.kind, index: p.index, cidr: p.cidr, except: [...p.except], pods: [...p.pods] };
    default:
      return assertNever(p);
  }
}

function portRecord(p: PortExplanation): Data {
  return {
    index: p.index,
    protocol: p.protocol,
    ...(p.port === undefined ? {} : { port: p.port }),
    ...(p.endPort === undefined ? {} : { endPort: p.endPort }),
    ...(p.resolved === undefined ? {} : { resolved: p.resolved.map((r) => ({ pod: r.pod, port: r.port })) }),
    ...(p.unresolved === undefined ? {} : { unresolved: [...p.unresolved] }),
  };
}

function ruleRecord(r: RuleExplanation): Data {
  return { direction: r.direction, index: r.index, peersField: r.peersField, portsField: r.portsField, peers: r.peers.map(peerRecord), ports: r.ports.map(portRecord) };
}

function directionRecord(d: DirectionExplanation): Data {
  return { direction: d.direction, field: d.field, rules: d.rules.map(ruleRecord) };
}

function noteRecord(n: Note): Data {
  switch (n.kind) {
    case 'default-types':
      return { kind: n.kind, types: [...n.types] };
    case 'ignored-rules':
      return { kind: n.kind, direction: n.direction, count: n.count };
    case 'deny-all':
      return { kind: n.kind, direction: n.direction, field: n.field };
    case 'allow-all-rule':
      return { kind: n.kind, direction: n.direction, rule: n.rule };
    case 'any-peer':
      return { kind: n.kind, direction: n.direction, rule: n.rule, field: n.field };
    case 'and-peer':
      return { kind: n.kind, direction: n.direction, rule: n.rule, peer: n.peer };
    case 'or-peers':
      return { kind: n.kind, direction: n.direction, rule: n.rule, peers: [...n.peers] };
    case 'selects-nothing':
      return { kind: n.kind };
    case 'host-network-skipped':
      return { kind: n.kind, pods: [...n.pods] };
    case 'named-port-unresolved':
      return { kind: n.kind, direction: n.direction, rule: n.rule, port: n.port, pods: [...n.pods] };
    default:
      return assertNever(n);
  }
}

export function policyRecord(e: PolicyExplanation): Data {
  return {
    policy: e.policy,
    namespace: e.namespace,
    podSelector: selectorRecord(e.podSelector),
    selectedPods: [...e.selectedPods],
    alsoSelectedBy: [...e.alsoSelectedBy],
    policyTypes: [...e.policyTypes],
    policyTypesExplicit: e.policyTypesExplicit,
    ...(e.ingress ? { ingress: directionRecord(e.ingress) } : {}),
    ...(e.egress ? { egress: directionRecord(e.egress) } : {}),
    notes: e.notes.map(noteRecord),
  };
}

function podSideRecord(s: PodSideExplanation): Data {
  return {
    direction: s.direction,
    isolated: s.isolated,
    isolatedBy: [...s.isolatedBy],
    rules: s.rules.map((r) => ({ policy: r.policy, rule: ruleRecord(r.rule) })),
    adminTier: [...s.admin],
    baselineTier: [...s.baseline],
  };
}

export function podRecord(e: PodExplanation): Data {
  return {
    pod: e.pod,
    ...(e.node === undefined ? {} : { node: e.node }),
    ips: [...e.ips],
    hostNetwork: e.hostNetwork,
    phase: e.phase,
    selectedBy: [...e.selectedBy],
    tierPolicies: e.tierSelectedBy.map((t) => ({ policy: t.policy, tier: t.tier, ...(t.priority === undefined ? {} : { priority: t.priority }) })),
    services: e.services.map((s) => ({
      service: s.service,
      ports: s.ports.map((p) => ({ port: p.port, protocol: p.protocol, targetPort: p.targetPort, ...(p.resolved === undefined ? {} : { resolved: p.resolved }) })),
    })),
    ingress: podSideRecord(e.ingress),
    egress: podSideRecord(e.egress),
  };
}

function tierPeerRecord(p: TierPeerExplanation): Data {
  switch (p.kind) {
    case 'pods':
      return {
        kind: p.kind,
        index: p.index,
        namespaceSelector: selectorRecord(p.namespaceSelector),
        ...(p.podSelector === undefined ? {} : { podSelector: selectorRecord(p.podSelector) }),
        namespaces: [...p.namespaces],
        pods: [...p.pods],
      };
    case 'networks':
      return { kind: p.kind, index: p.index, cidrs: [...p.cidrs], pods: [...p.pods] };
    case 'nodes':
      return { kind: p.kind, index: p.index, nodeSelector: selectorRecord(p.nodeSelector), nodes: [...p.nodes] };
    case 'unknown':
      return { kind: p.kind, index: p.index, fields: [...p.fields], matches: p.matches };
    default:
      return assertNever(p);
  }
}

function tierPortRecord(p: TierPortExplanation): Data {
  switch (p.kind) {
    case 'number':
      return { kind: p.kind, index: p.index, protocol: p.protocol, port: p.port };
    case 'range':
      return { kind: p.kind, index: p.index, protocol: p.protocol, start: p.start, end: p.end };
    case 'named':
      return { kind: p.kind, index: p.index, name: p.name, resolved: p.resolved.map((r) => ({ pod: r.pod, port: r.port, protocol: r.protocol })), unresolved: [...p.unresolved] };
    default:
      return assertNever(p);
  }
}

function tierRuleRecord(r: TierRuleExplanation): Data {
  return {
    direction: r.direction,
    index: r.index,
    ...(r.name === undefined ? {} : { name: r.name }),
    action: r.actionText,
    peers: r.peers.map(tierPeerRecord),
    ports: r.ports.map(tierPortRecord),
  };
}

export function tierPolicyRecord(e: TierPolicyExplanation): Data {
  return {
    policy: e.policy,
    kind: e.kind,
    name: e.name,
    tier: e.tier,
    ...(e.priority === undefined ? {} : { priority: e.priority }),
    subject: {
      namespaceSelector: selectorRecord(e.subject.namespaceSelector),
      ...(e.subject.podSelector === undefined ? {} : { podSelector: selectorRecord(e.subject.podSelector) }),
    },
    selectedPods: [...e.selectedPods],
    samePriority: [...e.samePriority],
    ingress: e.ingress.map(tierRuleRecord),
    egress: e.egress.map(tierRuleRecord),
  };
}
