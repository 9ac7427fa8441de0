/**
 * @module engine/compiled
 * What compileSnapshot (compile.ts) returns: every policy compiled (policy.ts) and the snapshot
 * indexed once, read by verdicts, explanations, the resolvers and the node rule set. Apart from
 * compile.ts so that resolve.ts, which compile.ts uses, can take the type without an import cycle.
 */
import type { Namespace, NetworkPolicy, Pod, Snapshot } from '../model/index.js';
import type { Direction } from './direction.js';
import type { PeerContext } from './peer.js';
import type { CompiledPolicy, NamespaceScope, PeerMatcher } from './policy.js';
import type { CompiledTierPolicy, NodesPeer } from './tier.js';

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
  /** Every policy, compiled, in snapshot order. */
  readonly policies: readonly CompiledPolicy[];
  /** The compiled form of one of the snapshot's policies. */
  compiled(policy: NetworkPolicy): CompiledPolicy;
  /** Policies selecting `pod` that isolate it in `direction`, in snapshot order. */
  isolating(pod: Pod, direction: Direction): readonly CompiledPolicy[];
  /** Policies whose podSelector matches the pod (any type). */
  selecting(pod: Pod): readonly CompiledPolicy[];
  /** Pods a policy selects. */
  selectedBy(policy: CompiledPolicy): readonly Pod[];
  /** Whether `policy` selects `pod`. */
  selects(policy: CompiledPolicy, pod: Pod): boolean;
  /** hostNetwork pods the policy's podSelector matches in its namespace: never selected, worth a note. */
  hostNetworkMatched(policy: CompiledPolicy): readonly Pod[];
  /** Pods a peer admits, in snapshot order (every pod for `any`); worked out once per peer key. */
  peerPods(peer: PeerMatcher): readonly Pod[];
  /** Every tier policy, compiled, in evaluation order (tier.ts compareTierPolicies). */
  readonly tierPolicies: readonly CompiledTierPolicy[];
  /** Whether a tier policy's subject holds `pod` (never a hostNetwork or finished pod). */
  tierSelects(policy: CompiledTierPolicy, pod: Pod): boolean;
  /** Tier policies whose subject holds the pod, in evaluation order. */
  tierSelecting(pod: Pod): readonly CompiledTierPolicy[];
  /** Those of tierSelecting with rules in `direction`: the ones that take part in its decisions. */
  tiersOf(pod: Pod, direction: Direction): readonly CompiledTierPolicy[];
  /** Pods a tier policy's subject holds, in snapshot order. */
  tierSelectedBy(policy: CompiledTierPolicy): readonly Pod[];
  /** The addresses (canonical text) of the nodes a nodes peer selects. */
  nodeAddresses(peer: NodesPeer): ReadonlySet<string>;
  /** Namespaces of the snapshot a pods peer reaches into. */
  namespacesIn(scope: NamespaceScope): readonly Namespace[];
}
