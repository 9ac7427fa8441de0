/**
 * @module engine/compiled
 * What compileSnapshot (compile.ts) returns: the snapshot indexed once, read by verdicts,
 * explanations, the resolvers and the node rule set. Apart from compile.ts so that resolve.ts,
 * which compile.ts uses, can take the type without an import cycle.
 */
import type { NetworkPolicy, Peer, Pod, PolicyType, Snapshot } from '../model/index.js';
import type { PeerContext } from './peer.js';

export interface CompiledSnapshot extends PeerContext {
  readonly snapshot: Snapshot;
  /** Pods that take part: not Succeeded/Failed. */
  readonly pods: readonly Pod[];
  /** The pods of `pods` in one namespace, in the same order. */
  podsIn(namespace: string): readonly Pod[];
  /** Namespaces that hold at least one pod of `pods`. */
  readonly podNamespaces: readonly string[];
  /** Sorts pods into the order of `pods`, so that answers keep the snapshot's order. */
  inSnapshotOrder(pods: readonly Pod[]): Pod[];
  /** Policies selecting `pod` that isolate it in `direction`, in snapshot order. */
  isolating(pod: Pod, direction: PolicyType): readonly NetworkPolicy[];
  /** Policies whose podSelector matches the pod (any type). */
  selecting(pod: Pod): readonly NetworkPolicy[];
  /** Pods a policy selects. */
  selectedBy(policy: NetworkPolicy): readonly Pod[];
  /**
   * Pods a peer admits (see resolve.peerPods), remembered: explanations and every node's rule set
   * ask for the same peers many times.
   */
  peerPods(policy: NetworkPolicy, peer: Peer): readonly Pod[];
}
