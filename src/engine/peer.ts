/**
 * @module engine/peer
 * Whether one entry of a rule's from/to admits the other end of a connection, and if not, why.
 * Cases of a selector peer (policy namespace N):
 *   podSelector only        -> pods of N matching it
 *   namespaceSelector only  -> every pod of every matching namespace
 *   both                    -> matching pods inside matching namespaces (AND)
 * An ipBlock matches by address, pod addresses included; hostNetwork pods and non-pods are matched
 * only by ipBlocks.
 */
import { cidrContains, qualifiedName, type Cidr, type IpAddress, type LabelSelector, type Labels, type NetworkPolicy, type Peer, type SelectorRequirement } from '../model/index.js';
import { isFinished, type Endpoint } from './endpoint.js';
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

export type PeerResult = { readonly matched: true } | { readonly matched: false; readonly miss: PeerMiss };

const MATCHED: PeerResult = { matched: true };

export interface PeerContext {
  namespaceLabels(namespace: string): Labels;
}

export function matchSelectorPeer(
  ctx: PeerContext,
  policy: NetworkPolicy,
  peer: { readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector },
  other: Endpoint,
): PeerResult {
  if (other.kind !== 'pod') return { matched: false, miss: { kind: 'not-a-pod' } };
  const pod = other.pod;
  if (pod.hostNetwork) return { matched: false, miss: { kind: 'host-network' } };
  if (isFinished(pod)) return { matched: false, miss: { kind: 'finished-pod', phase: pod.phase } };
  if (peer.namespaceSelector === undefined) {
    if (pod.namespace !== policy.namespace) {
      return { matched: false, miss: { kind: 'other-namespace', want: policy.namespace, got: pod.namespace } };
    }
  } else {
    const unmet = firstUnmet(peer.namespaceSelector, ctx.namespaceLabels(pod.namespace));
    if (unmet) return { matched: false, miss: { kind: 'namespace-labels', namespace: pod.namespace, unmet } };
  }
  if (peer.podSelector !== undefined) {
    const unmet = firstUnmet(peer.podSelector, pod.labels);
    if (unmet) return { matched: false, miss: { kind: 'pod-labels', pod: qualifiedName(pod), unmet } };
  }
  return MATCHED;
}

export function matchIpBlock(cidr: Cidr, except: readonly Cidr[], address: IpAddress | undefined): PeerResult {
  if (address === undefined) return { matched: false, miss: { kind: 'no-address' } };
  if (!cidrContains(cidr, address)) {
    return { matched: false, miss: { kind: 'outside-cidr', address: address.text, cidr: cidr.text } };
  }
  const hit = except.find((e) => cidrContains(e, address));
  if (hit) return { matched: false, miss: { kind: 'in-except', address: address.text, cidr: cidr.text, except: hit.text } };
  return MATCHED;
}

/** `address` is the other end's address in the connection's family (undefined if it has none). */
export function matchPeer(
  ctx: PeerContext,
  policy: NetworkPolicy,
  peer: Peer,
  other: Endpoint,
  address: IpAddress | undefined,
): PeerResult {
  return peer.kind === 'ip-block'
    ? matchIpBlock(peer.cidr, peer.except, address)
    : matchSelectorPeer(ctx, policy, peer, other);
}
