/**
 * @module engine/peer
 * Whether one peer matcher (policy.ts) admits the other end of a connection, and if not, why.
 * Cases of a pods peer (policy namespace N):
 *   podSelector only        -> pods of N matching it
 *   namespaceSelector only  -> every pod of every matching namespace
 *   both                    -> matching pods inside matching namespaces (AND)
 * A cidr peer matches by address, pod addresses included; hostNetwork pods and non-pods are
 * matched only by cidr peers. The yes/no answer is a set look-up (the pods of each peer are worked
 * out once per snapshot, compile.ts); only a miss walks the selectors, to say what failed.
 */
import { cidrContains, qualifiedName, type Cidr, type IpAddress, type Labels, type Pod, type SelectorRequirement } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import { endpointName, isFinished, type Endpoint } from './endpoint.js';
import type { CidrPeer, PeerMatcher, PodsPeer } from './policy.js';
import { firstUnmet } from './selector.js';

/** Why a peer entry did not admit the other end. */
export type PeerMiss =
  | { readonly kind: 'not-a-pod' }
  | { readonly kind: 'host-network' }
  | { readonly kind: 'finished-pod'; readonly phase: string }
  | { readonly kind: 'other-namespace'; readonly want: string; readonly got: string }
  | { readonly kind: 'namespace-labels'; readonly namespace: string; readonly unmet: SelectorRequirement }
  | { readonly kind: 'pod-labels'; readonly pod: string; readonly unmet: SelectorRequirement }
  | { readonly kind: 'no-address' }
  | { readonly kind: 'outside-cidr'; readonly address: string; readonly cidr: string }
  | { readonly kind: 'in-except'; readonly address: string; readonly cidr: string; readonly except: string };

export interface PeerContext {
  namespaceLabels(namespace: string): Labels;
  /** Whether `pod` is this snapshot's own object (the sets below hold those). */
  knows(pod: Pod): boolean;
  /** The pods a pods peer admits, as a set (compile.ts works each out once). */
  peerSet(peer: PodsPeer): ReadonlySet<Pod>;
  /**
   * The pods whose one address of the cidr's family lies in the block, as a set: a pod's address
   * is then a look-up, not address arithmetic (bigint shifts cost more than the rest of a verdict).
   * Pods with several addresses of that family are left out and judged by arithmetic.
   */
  blockSet(peer: CidrPeer): { readonly inside: ReadonlySet<Pod>; readonly judged: ReadonlySet<Pod> };
}

function inIpBlock(cidr: Cidr, except: readonly Cidr[], address: IpAddress): boolean {
  return cidrContains(cidr, address) && !except.some((e) => cidrContains(e, address));
}

/** `address` is the other end's address in the connection's family (undefined if it has none). */
export function peerAdmits(ctx: PeerContext, peer: PeerMatcher, other: Endpoint, address: IpAddress | undefined): boolean {
  switch (peer.kind) {
    case 'any':
      return true;
    case 'pods':
      if (other.kind !== 'pod') return false;
      // A pod object of another snapshot (a caller's copy) is judged by its labels instead.
      return ctx.knows(other.pod) ? ctx.peerSet(peer).has(other.pod) : podsMiss(ctx, peer, other) === undefined;
    case 'cidr': {
      if (address === undefined || address.family !== peer.cidr.family) return false;
      if (other.kind === 'pod') {
        const block = ctx.blockSet(peer);
        if (block.judged.has(other.pod)) return block.inside.has(other.pod);
      }
      return inIpBlock(peer.cidr, peer.except, address);
    }
    default:
      return assertNever(peer);
  }
}

/** Why a pods peer does not admit `other`, worked out from the selectors; undefined when it does. */
function podsMiss(ctx: PeerContext, peer: PodsPeer, other: Endpoint): PeerMiss | undefined {
  if (other.kind !== 'pod') return { kind: 'not-a-pod' };
  const pod = other.pod;
  if (pod.hostNetwork) return { kind: 'host-network' };
  if (isFinished(pod)) return { kind: 'finished-pod', phase: pod.phase };
  const ns = peer.namespaces;
  if (ns.kind === 'own') {
    if (pod.namespace !== ns.namespace) return { kind: 'other-namespace', want: ns.namespace, got: pod.namespace };
  } else {
    const unmet = firstUnmet(ns.selector, ctx.namespaceLabels(pod.namespace));
    if (unmet) return { kind: 'namespace-labels', namespace: pod.namespace, unmet };
  }
  const unmet = peer.pods.kind === 'selected' ? firstUnmet(peer.pods.selector, pod.labels) : undefined;
  return unmet === undefined ? undefined : { kind: 'pod-labels', pod: qualifiedName(pod), unmet };
}

/** Why `peer` does not admit the other end; only asked when peerAdmits said no. */
export function peerMiss(ctx: PeerContext, peer: Exclude<PeerMatcher, { kind: 'any' }>, other: Endpoint, address: IpAddress | undefined): PeerMiss {
  switch (peer.kind) {
    case 'pods': {
      const miss = podsMiss(ctx, peer, other);
      if (miss === undefined) throw new Error(`internal: ${peer.source.path} of ${peer.source.policy} admits ${endpointName(other)}, yet was asked why not`);
      return miss;
    }
    case 'cidr': {
      if (address === undefined) return { kind: 'no-address' };
      if (!cidrContains(peer.cidr, address)) return { kind: 'outside-cidr', address: address.text, cidr: peer.cidr.text };
      const hit = peer.except.find((e) => cidrContains(e, address));
      if (hit === undefined) throw new Error(`internal: ${peer.source.path} of ${peer.source.policy} admits ${address.text}, yet was asked why not`);
      return { kind: 'in-except', address: address.text, cidr: peer.cidr.text, except: hit.text };
    }
    default:
      return assertNever(peer);
  }
}
