/**
 * @module engine/compile
 * Compiles a snapshot once so that verdicts, explanations and the node rule set read the same
 * structure: every policy in its compiled form (policy.ts), the pods by namespace and by label,
 * and, worked out on first use and then remembered, which policies select each pod and which pods
 * each peer admits. Peers are remembered by what they say, not by object: policies repeat the same
 * peers (every namespace's "allow from monitoring", say), and each is resolved once, so that a
 * question about a pair of pods is a few set look-ups.
 */
import type { IpFamily, Labels, Namespace, NetworkPolicy, Pod, Snapshot } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { CompiledSnapshot } from './compiled.js';
import { isFinished } from './endpoint.js';
import { compilePolicy, type CidrPeer, type CompiledPolicy, type NamespaceScope, type PeerMatcher, type PodsPeer } from './policy.js';
import { podsInBlock, podsOfScope, AddressIndex, LabelIndex } from './resolve.js';
import { selectorMatches } from './selector.js';
import { compareTierPolicies, compileTierPolicy, tierRulesIn, type CompiledTierPolicy, type NodesPeer } from './tier.js';

// Declared in compiled.ts (see there why); callers keep taking it from here or the index.
export type { CompiledSnapshot } from './compiled.js';

const NO_PODS: readonly Pod[] = [];
const NO_POLICIES: readonly CompiledPolicy[] = [];
const NO_TIERS: readonly CompiledTierPolicy[] = [];


function memo<K, V>(make: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    let hit = cache.get(k);
    if (hit === undefined) cache.set(k, (hit = make(k)));
    return hit;
  };
}

/**
 * `make` remembered by peer object first (a verdict asks for the same matcher's answer again and
 * again) and then by the peer's key (policies repeat the same peers, each worked out once).
 */
function byPeer<P extends { readonly key: string }, V>(make: (peer: P) => V): (peer: P) => V {
  const ofObject = new Map<P, V>();
  const ofKey = new Map<string, V>();
  return (peer) => {
    let hit = ofObject.get(peer);
    if (hit === undefined) {
      hit = ofKey.get(peer.key);
      if (hit === undefined) ofKey.set(peer.key, (hit = make(peer)));
      ofObject.set(peer, hit);
    }
    return hit;
  };
}

export function compileSnapshot(snapshot: Snapshot): CompiledSnapshot {
  const nsLabels = new Map<string, Labels>(snapshot.namespaces.map((n) => [n.name, n.labels]));
  const namespaceLabels = (ns: string): Labels => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
  const pods = snapshot.pods.filter((p) => !isFinished(p));
  const podsByNs = new Map<string, Pod[]>();
  const order = new Map<Pod, number>();
  pods.forEach((pod, i) => {
    order.set(pod, i);
    const list = podsByNs.get(pod.namespace);
    if (list === undefined) podsByNs.set(pod.namespace, [pod]);
    else list.push(pod);
  });
  const podsIn = (ns: string): readonly Pod[] => podsByNs.get(ns) ?? NO_PODS;
  const podNamespaces = [...podsByNs.keys()];
  const inSnapshotOrder = (list: readonly Pod[]): Pod[] => [...list].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

  const byRaw = new Map<NetworkPolicy, CompiledPolicy>();
  const policies = snapshot.policies.map((raw) => {
    const p = compilePolicy(raw);
    byRaw.set(raw, p);
    return p;
  });
  const policiesByNs = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    const list = policiesByNs.get(p.namespace);
    if (list === undefined) policiesByNs.set(p.namespace, [p]);
    else list.push(p);
  }

  /** Policy P selects pod Q iff Q is in P's namespace and P's podSelector matches Q; hostNetwork pods never (their traffic is the node's). */
  const selects = (policy: CompiledPolicy, pod: Pod): boolean =>
    !pod.hostNetwork && !isFinished(pod) && pod.namespace === policy.namespace && selectorMatches(policy.podSelector, pod.labels);
  const selecting = memo((pod: Pod) => (policiesByNs.get(pod.namespace) ?? NO_POLICIES).filter((p) => selects(p, pod)));
  const isolatingIngress = memo((pod: Pod) => selecting(pod).filter((p) => p.ingress.isolates));
  const isolatingEgress = memo((pod: Pod) => selecting(pod).filter((p) => p.egress.isolates));

  const labelIndex = new LabelIndex(pods);
  const addresses = new Map<IpFamily, AddressIndex>();
  const addressIndex = (family: IpFamily): AddressIndex => {
    let hit = addresses.get(family);
    if (hit === undefined) addresses.set(family, (hit = new AddressIndex(pods, family)));
    return hit;
  };
  const namespacesOf = memo((scope: NamespaceScope): readonly string[] => {
    switch (scope.kind) {
      case 'own':
        return [scope.namespace];
      case 'selected':
        return podNamespaces.filter((ns) => selectorMatches(scope.selector, namespaceLabels(ns)));
      default:
        return assertNever(scope);
    }
  });
  /** Pods with exactly one address of the family: for them, being in a block's pods is being in the block. */
  const singleAddress = memo((family: IpFamily): ReadonlySet<Pod> => new Set(pods.filter((p) => p.ips.filter((ip) => ip.family === family).length === 1)));
  const byKey = new Map<string, readonly Pod[]>();
  const peerPods = (peer: PeerMatcher): readonly Pod[] => {
    if (peer.kind === 'any') return pods;
    let hit = byKey.get(peer.key);
    if (hit === undefined) {
      hit =
        peer.kind === 'pods'
          ? podsOfScope({ namespaces: namespacesOf(peer.namespaces), pods: peer.pods, podsIn, labels: labelIndex, inSnapshotOrder })
          : inSnapshotOrder(podsInBlock(addressIndex(peer.cidr.family), peer.cidr, peer.except));
      byKey.set(peer.key, hit);
    }
    return hit;
  };

  const tierPolicies = snapshot.tierPolicies.map(compileTierPolicy).sort(compareTierPolicies);
  const tierSelects = (policy: CompiledTierPolicy, pod: Pod): boolean =>
    !pod.hostNetwork &&
    !isFinished(pod) &&
    selectorMatches(policy.subject.namespaceSelector, namespaceLabels(pod.namespace)) &&
    (policy.subject.podSelector === undefined || selectorMatches(policy.subject.podSelector, pod.labels));
  const tierSelecting = memo((pod: Pod) => (tierPolicies.length === 0 ? NO_TIERS : tierPolicies.filter((p) => tierSelects(p, pod))));
  const tiersIngress = memo((pod: Pod) => tierSelecting(pod).filter((p) => tierRulesIn(p, 'ingress').length > 0));
  const tiersEgress = memo((pod: Pod) => tierSelecting(pod).filter((p) => tierRulesIn(p, 'egress').length > 0));

  return {
    snapshot,
    pods,
    podsIn,
    podNamespaces,
    inSnapshotOrder,
    namespaceLabels,
    policies,
    compiled: (raw) => {
      const hit = byRaw.get(raw);
      if (hit === undefined) throw new Error(`internal: policy ${raw.namespace}/${raw.name} is not of this snapshot`);
      return hit;
    },
    knows: (pod) => order.has(pod),
    selecting,
    isolating: (pod, direction) => (direction === 'ingress' ? isolatingIngress(pod) : isolatingEgress(pod)),
    selects,
    selectedBy: memo((policy: CompiledPolicy) => podsIn(policy.namespace).filter((pod) => selects(policy, pod))),
    hostNetworkMatched: (policy) => podsIn(policy.namespace).filter((p) => p.hostNetwork && selectorMatches(policy.podSelector, p.labels)),
    peerPods,
    tierPolicies,
    tierSelects,
    tierSelecting,
    tiersOf: (pod, direction) => (tierPolicies.length === 0 ? NO_TIERS : direction === 'ingress' ? tiersIngress(pod) : tiersEgress(pod)),
    tierSelectedBy: memo((policy: CompiledTierPolicy) => pods.filter((pod) => tierSelects(policy, pod))),
    nodeAddresses: byPeer((peer: NodesPeer) => new Set(snapshot.nodes.filter((n) => selectorMatches(peer.selector, n.labels)).flatMap((n) => n.addresses.map((a) => a.ip.text)))),
    peerSet: byPeer((peer: PodsPeer) => new Set(peerPods(peer))),
    blockSet: byPeer((peer: CidrPeer) => {
      const judged = singleAddress(peer.cidr.family);
      return { inside: new Set(peerPods(peer).filter((p) => judged.has(p))), judged };
    }),
    namespacesIn: (scope): readonly Namespace[] => {
      switch (scope.kind) {
        case 'own':
          return snapshot.namespaces.filter((n) => n.name === scope.namespace);
        case 'selected':
          return snapshot.namespaces.filter((n) => selectorMatches(scope.selector, n.labels));
        default:
          return assertNever(scope);
      }
    },
  };
}
