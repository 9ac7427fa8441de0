/**
 * @module engine/explain
 * What a policy means, resolved against the snapshot: the pods it selects, the directions it
 * isolates, and per rule the namespaces, pods and CIDRs it admits and the ports (named ports per
 * target pod). Notes flag what is easy to misread. Plain data: render/ puts it into words.
 */
import { qualifiedName, type LabelSelector, type Pod, type PolicyType, type ListField, type Protocol, type Tier } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import type { Direction } from './direction.js';
import { rulesIn, type CompiledPolicy, type CompiledRule, type DirectionRules } from './policy.js';
import { namedPortDestinations, resolvePortOn } from './resolve.js';
import { servicesSelecting, targetPortOn } from './service.js';


/** Cases: a selector peer (namespaces and pods it reaches) or an ipBlock (CIDR minus excepts). */
export type PeerExplanation =
  | {
      readonly kind: 'selector';
      readonly index: number;
      readonly podSelector?: LabelSelector;
      readonly namespaceSelector?: LabelSelector;
      readonly namespaces: readonly string[];
      readonly pods: readonly string[];
    }
  | { readonly kind: 'ip-block'; readonly index: number; readonly cidr: string; readonly except: readonly string[]; readonly pods: readonly string[] };

export interface PortExplanation {
  readonly index: number;
  readonly protocol: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
  /** For a named port: what it resolves to on each target pod that declares it. */
  readonly resolved?: readonly { readonly pod: string; readonly port: number }[];
  /** For a named port: target pods that do not declare it (the rule admits nothing to them). */
  readonly unresolved?: readonly string[];
}

export interface RuleExplanation {
  readonly direction: Direction;
  readonly index: number;
  readonly peersField: ListField;
  readonly portsField: ListField;
  readonly peers: readonly PeerExplanation[];
  readonly ports: readonly PortExplanation[];
}

export interface DirectionExplanation {
  readonly direction: Direction;
  readonly field: ListField;
  readonly rules: readonly RuleExplanation[];
}

/** Things people misread, one case each. */
export type Note =
  | { readonly kind: 'default-types'; readonly types: readonly PolicyType[] }
  | { readonly kind: 'ignored-rules'; readonly direction: Direction; readonly count: number }
  | { readonly kind: 'deny-all'; readonly direction: Direction; readonly field: ListField }
  | { readonly kind: 'allow-all-rule'; readonly direction: Direction; readonly rule: number }
  | { readonly kind: 'any-peer'; readonly direction: Direction; readonly rule: number; readonly field: ListField }
  | { readonly kind: 'and-peer'; readonly direction: Direction; readonly rule: number; readonly peer: number }
  | { readonly kind: 'or-peers'; readonly direction: Direction; readonly rule: number; readonly peers: readonly number[] }
  | { readonly kind: 'selects-nothing' }
  | { readonly kind: 'host-network-skipped'; readonly pods: readonly string[] }
  | { readonly kind: 'named-port-unresolved'; readonly direction: Direction; readonly rule: number; readonly port: string; readonly pods: readonly string[] };

export interface PolicyExplanation {
  readonly policy: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly selectedPods: readonly string[];
  /** Other policies that select some of the same pods: what they admit is admitted too. */
  readonly alsoSelectedBy: readonly string[];
  readonly policyTypes: readonly PolicyType[];
  readonly policyTypesExplicit: boolean;
  /** Present for each direction the policy isolates. */
  readonly ingress?: DirectionExplanation;
  readonly egress?: DirectionExplanation;
  readonly notes: readonly Note[];
}

const nameOf = (p: Pod): string => qualifiedName(p);

/** `selected`: the pods an ingress rule's named ports resolve on (the policy's, or the one pod explained). */
function explainRule(c: CompiledSnapshot, rule: CompiledRule, selected: readonly Pod[]): RuleExplanation {
  const peers = rule.peers.flatMap((peer): PeerExplanation[] => {
    switch (peer.kind) {
      case 'any':
        return [];
      case 'cidr':
        return [{ kind: 'ip-block', index: peer.index, cidr: peer.cidr.text, except: peer.except.map((e) => e.text), pods: c.peerPods(peer).map(nameOf) }];
      case 'pods':
        return [
          {
            kind: 'selector',
            index: peer.index,
            ...(peer.pods.kind === 'selected' ? { podSelector: peer.pods.selector } : {}),
            ...(peer.namespaces.kind === 'selected' ? { namespaceSelector: peer.namespaces.selector } : {}),
            namespaces: c.namespacesIn(peer.namespaces).map((n) => n.name),
            pods: c.peerPods(peer).map(nameOf),
          },
        ];
      default:
        return assertNever(peer);
    }
  });
  const ports = rule.ports.flatMap((m): PortExplanation[] => {
    switch (m.kind) {
      case 'any':
        return [];
      case 'protocol':
        return [{ index: m.index, protocol: m.protocol }];
      case 'range':
        return [{ index: m.index, protocol: m.protocol, port: m.first, ...(m.endPort ? { endPort: m.last } : {}) }];
      case 'named': {
        const targets = namedPortDestinations(c, rule.source.direction, rule.peers, selected);
        const resolved = resolvePortOn(m, targets);
        const have = new Set(resolved.map((r) => r.pod));
        return [
          {
            index: m.index,
            protocol: m.protocol,
            port: m.name,
            resolved: resolved.map((r) => ({ pod: nameOf(r.pod), port: r.port })),
            unresolved: targets.filter((p) => !have.has(p) && !p.hostNetwork).map(nameOf),
          },
        ];
      }
      default:
        return assertNever(m);
    }
  });
  return { direction: rule.source.direction, index: rule.source.rule, peersField: rule.peersField, portsField: rule.portsField, peers, ports };
}

function notesFor(policy: CompiledPolicy, selected: readonly Pod[], hostNetworkSkipped: readonly Pod[], rules: readonly RuleExplanation[]): Note[] {
  const notes: Note[] = [];
  if (!policy.policyTypesExplicit) notes.push({ kind: 'default-types', types: policy.policyTypes });
  for (const d of [policy.ingress, policy.egress]) {
    const count = d.rules.length;
    if (!d.isolates) {
      if (count > 0) notes.push({ kind: 'ignored-rules', direction: d.direction, count });
    } else if (count === 0) {
      notes.push({ kind: 'deny-all', direction: d.direction, field: d.field });
    }
  }
  for (const r of rules) {
    if (r.peers.length === 0 && r.ports.length === 0) notes.push({ kind: 'allow-all-rule', direction: r.direction, rule: r.index });
    else if (r.peers.length === 0) notes.push({ kind: 'any-peer', direction: r.direction, rule: r.index, field: r.peersField });
    const ns: number[] = [];
    const pod: number[] = [];
    for (const p of r.peers) {
      if (p.kind !== 'selector') continue;
      if (p.namespaceSelector && p.podSelector) notes.push({ kind: 'and-peer', direction: r.direction, rule: r.index, peer: p.index });
      else if (p.namespaceSelector) ns.push(p.index);
      else pod.push(p.index);
    }
    if (ns.length > 0 && pod.length > 0) notes.push({ kind: 'or-peers', direction: r.direction, rule: r.index, peers: [...ns, ...pod].sort((a, b) => a - b) });
    for (const p of r.ports) {
      if (typeof p.port === 'string' && (p.unresolved?.length ?? 0) > 0) {
        notes.push({ kind: 'named-port-unresolved', direction: r.direction, rule: r.index, port: p.port, pods: p.unresolved ?? [] });
      }
    }
  }
  if (selected.length === 0) notes.push({ kind: 'selects-nothing' });
  if (hostNetworkSkipped.length > 0) notes.push({ kind: 'host-network-skipped', pods: hostNetworkSkipped.map(nameOf) });
  return notes;
}

export function explainPolicy(c: CompiledSnapshot, policy: CompiledPolicy): PolicyExplanation {
  const selected = c.selectedBy(policy);
  const direction = (d: DirectionRules): DirectionExplanation | undefined =>
    d.isolates ? { direction: d.direction, field: d.field, rules: d.rules.map((rule) => explainRule(c, rule, selected)) } : undefined;
  const ingress = direction(policy.ingress);
  const egress = direction(policy.egress);
  const rules = [...(ingress?.rules ?? []), ...(egress?.rules ?? [])];
  return {
    policy: policy.ref,
    namespace: policy.namespace,
    podSelector: policy.podSelector,
    selectedPods: selected.map(nameOf),
    alsoSelectedBy: [...new Set(selected.flatMap((pod) => c.selecting(pod)).filter((p) => p !== policy).map((p) => p.ref))].sort(),
    policyTypes: policy.policyTypes,
    policyTypesExplicit: policy.policyTypesExplicit,
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
    notes: notesFor(policy, selected, c.hostNetworkMatched(policy), rules),
  };
}

export interface PodSideExplanation {
  readonly direction: Direction;
  /** hostNetwork pods and finished pods are never isolated. */
  readonly isolated: boolean;
  readonly isolatedBy: readonly string[];
  readonly rules: readonly { readonly policy: string; readonly rule: RuleExplanation }[];
  /** Tier policies with rules in this direction that select the pod, in evaluation order: before the NetworkPolicies, and after. */
  readonly admin: readonly string[];
  readonly baseline: readonly string[];
}

/** A Service whose selector picks the pod, with what each of its ports is on this pod. */
export interface PodServiceExplanation {
  readonly service: string;
  readonly ports: readonly {
    readonly port: number;
    readonly protocol: Protocol;
    readonly targetPort: number | string;
    /** The number the targetPort is on this pod; absent for a name the pod does not declare (no endpoint). */
    readonly resolved?: number;
  }[];
}

export interface PodExplanation {
  readonly pod: string;
  readonly node?: string;
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  readonly phase: string;
  readonly selectedBy: readonly string[];
  /** Tier policies whose subject holds the pod, in evaluation order. */
  readonly tierSelectedBy: readonly { readonly policy: string; readonly tier: Tier; readonly priority?: number }[];
  /** Services of the snapshot that select it (none when they were not read). */
  readonly services: readonly PodServiceExplanation[];
  readonly ingress: PodSideExplanation;
  readonly egress: PodSideExplanation;
}

export function explainPod(c: CompiledSnapshot, pod: Pod): PodExplanation {
  const side = (d: Direction): PodSideExplanation => {
    const isolating = c.isolating(pod, d);
    return {
      direction: d,
      isolated: isolating.length > 0,
      isolatedBy: isolating.map((p) => p.ref),
      rules: isolating.flatMap((policy) => rulesIn(policy, d).rules.map((rule) => ({ policy: policy.ref, rule: explainRule(c, rule, [pod]) }))),
      admin: c.tiersOf(pod, d).filter((p) => p.tier === 'Admin').map((p) => p.ref),
      baseline: c.tiersOf(pod, d).filter((p) => p.tier === 'Baseline').map((p) => p.ref),
    };
  };
  return {
    pod: nameOf(pod),
    ...(pod.nodeName === undefined ? {} : { node: pod.nodeName }),
    ips: pod.ips.map((i) => i.text),
    hostNetwork: pod.hostNetwork,
    phase: pod.phase,
    selectedBy: c.selecting(pod).map((p) => p.ref),
    tierSelectedBy: c.tierSelecting(pod).map((p) => ({ policy: p.ref, tier: p.tier, ...(p.priority === undefined ? {} : { priority: p.priority }) })),
    services: servicesSelecting(c.snapshot.services, pod).map((s) => ({
      service: qualifiedName(s),
      ports: s.ports.map((p) => {
        const resolved = targetPortOn(pod, p);
        return { port: p.port, protocol: p.protocol, targetPort: p.targetPort, ...(resolved === undefined ? {} : { resolved }) };
      }),
    })),
    ingress: side('ingress'),
    egress: side('egress'),
  };
}
