/**
 * @module engine/compile
 * Indexes a snapshot once so that verdicts, explanations and the node rule set read the same
 * structure: namespace labels by name, and for each pod the policies that select it per direction.
 */
import type { LabelSelector, Labels, NetworkPolicy, Peer, Pod, Snapshot } from '../model/index.js';
import { isFinished } from './endpoint.js';
import { selectorMatches } from './selector.js';
import type { CompiledSnapshot } from './compiled.js';
import { peerPods } from './resolve.js';

// Declared in compiled.ts (see there why); callers keep taking it from here or the index.
export type { CompiledSnapshot } from './compiled.js';

/**
 * Policy P selects pod Q iff Q is in P's namespace and P.spec.podSelector matches Q's labels.
 * hostNetwork pods are never selected: their traffic is the node's.
 */
export function policySelects(policy: NetworkPolicy, pod: Pod): boolean {
  return (
    !pod.hostNetwork && !isFinished(pod) && pod.namespace === policy.namespace && selectorMatches(policy.podSelector, pod.labels)
  );
}

const EMPTY: readonly NetworkPolicy[] = [];

function selectorKey(sel: LabelSelector | undefined): string {
  if (sel === undefined) return '-';
  const labels = Object.entries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([labels, sel.matchExpressions.map((r) => [r.key, r.operator, r.values])]);
}

/**
 * What a peer's pods depend on: an ipBlock's CIDR and excepts; a selector peer's selectors and,
 * without a namespaceSelector, the policy's namespace.
 */
function peerKey(policy: NetworkPolicy, peer: Peer): string {
  if (peer.kind === 'ip-block') return `ip\u0000${peer.cidr.text}\u0000${peer.except.map((e) => e.text).join(',')}`;
  const ns = peer.namespaceSelector === undefined ? policy.namespace : '';
  return `sel\u0000${ns}\u0000${selectorKey(peer.podSelector)}\u0000${selectorKey(peer.namespaceSelector)}`;
}
const NO_PODS: readonly Pod[] = [];

export function compileSnapshot(snapshot: Snapshot): CompiledSnapshot {
  const nsLabels = new Map<string, Labels>(snapshot.namespaces.map((n) => [n.name, n.labels]));
  const pods = snapshot.pods.filter((p) => !isFinished(p));
  const policiesByNs = new Map<string, NetworkPolicy[]>();
  for (const p of snapshot.policies) {
    const list = policiesByNs.get(p.namespace) ?? [];
    list.push(p);
    policiesByNs.set(p.namespace, list);
  }
  // Selectors are matched within a namespace's pods, not against every pod of the cluster.
  const podsByNs = new Map<string, Pod[]>();
  const order = new Map<Pod, number>();
  pods.forEach((pod, i) => {
    order.set(pod, i);
    const list = podsByNs.get(pod.namespace);
    if (list === undefined) podsByNs.set(pod.namespace, [pod]);
    else list.push(pod);
  });
  const podsIn = (ns: string): readonly Pod[] => podsByNs.get(ns) ?? NO_PODS;
  const selectedCache = new Map<NetworkPolicy, readonly Pod[]>();
  const selectingCache = new Map<Pod, readonly NetworkPolicy[]>();
  const selecting = (pod: Pod): readonly NetworkPolicy[] => {
    let hit = selectingCache.get(pod);
    if (hit === undefined) {
      hit = (policiesByNs.get(pod.namespace) ?? EMPTY).filter((p) => policySelects(p, pod));
      selectingCache.set(pod, hit);
    }
    return hit;
  };
  // Peers are remembered by what they say, not by object: policies repeat the same peers (every
  // namespace's "allow from monitoring", say), and each is resolved once.
  const peerCache = new Map<string, readonly Pod[]>();
  const compiled: CompiledSnapshot = {
    snapshot,
    pods,
    podsIn,
    podNamespaces: [...podsByNs.keys()],
    inSnapshotOrder: (list) => [...list].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    namespaceLabels: (ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns },
    selecting,
    isolating: (pod, direction) => selecting(pod).filter((p) => p.policyTypes.includes(direction)),
    selectedBy: (policy) => {
      let hit = selectedCache.get(policy);
      if (hit === undefined) selectedCache.set(policy, (hit = podsIn(policy.namespace).filter((pod) => policySelects(policy, pod))));
      return hit;
    },
    peerPods: (policy, peer) => {
      const key = peerKey(policy, peer);
      let hit = peerCache.get(key);
      if (hit === undefined) peerCache.set(key, (hit = peerPods(compiled, policy, peer)));
      return hit;
    },
  };
  return compiled;
}
