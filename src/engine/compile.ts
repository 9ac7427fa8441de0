/**
 * @module engine/compile
 * Indexes a snapshot once so that verdicts, explanations and the node rule set read the same
 * structure: namespace labels by name, and for each pod the policies that select it per direction.
 */
import type { Labels, NetworkPolicy, Peer, Pod, Snapshot } from '../model/index.js';
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

export function compileSnapshot(snapshot: Snapshot): CompiledSnapshot {
  const nsLabels = new Map<string, Labels>(snapshot.namespaces.map((n) => [n.name, n.labels]));
  const pods = snapshot.pods.filter((p) => !isFinished(p));
  const policiesByNs = new Map<string, NetworkPolicy[]>();
  for (const p of snapshot.policies) {
    const list = policiesByNs.get(p.namespace) ?? [];
    list.push(p);
    policiesByNs.set(p.namespace, list);
  }
  const selectingCache = new Map<Pod, readonly NetworkPolicy[]>();
  const selecting = (pod: Pod): readonly NetworkPolicy[] => {
    let hit = selectingCache.get(pod);
    if (hit === undefined) {
      hit = (policiesByNs.get(pod.namespace) ?? EMPTY).filter((p) => policySelects(p, pod));
      selectingCache.set(pod, hit);
    }
    return hit;
  };
  // A selector peer's pods depend only on the peer and, without a namespaceSelector, on the
  // policy's namespace; an ipBlock's on the peer alone.
  const peerCache = new Map<Peer, Map<string, readonly Pod[]>>();
  const compiled: CompiledSnapshot = {
    snapshot,
    pods,
    namespaceLabels: (ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns },
    selecting,
    isolating: (pod, direction) => selecting(pod).filter((p) => p.policyTypes.includes(direction)),
    selectedBy: (policy) => pods.filter((pod) => policySelects(policy, pod)),
    peerPods: (policy, peer) => {
      let byNs = peerCache.get(peer);
      if (byNs === undefined) peerCache.set(peer, (byNs = new Map()));
      let hit = byNs.get(policy.namespace);
      if (hit === undefined) byNs.set(policy.namespace, (hit = peerPods(compiled, policy, peer)));
      return hit;
    },
  };
  return compiled;
}
