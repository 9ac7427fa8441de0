/**
 * @module node/peer-cache
 * peerPods scans every pod of the cluster; one node's rule set asks for the same peer many times
 * (two families, named-port candidates, policies sharing selectors). A selector peer's pods depend
 * only on the peer and, without a namespaceSelector, on the policy's namespace.
 */
import type { NetworkPolicy, Peer, Pod } from '../model/index.js';
import { peerPods, type CompiledSnapshot } from '../engine/index.js';

export class PeerCache {
  private readonly cache = new Map<Peer, Map<string, readonly Pod[]>>();

  constructor(private readonly c: CompiledSnapshot) {}

  pods(policy: NetworkPolicy, peer: Peer): readonly Pod[] {
    let byNs = this.cache.get(peer);
    if (byNs === undefined) {
      byNs = new Map();
      this.cache.set(peer, byNs);
    }
    let hit = byNs.get(policy.namespace);
    if (hit === undefined) {
      hit = peerPods(this.c, policy, peer);
      byNs.set(policy.namespace, hit);
    }
    return hit;
  }
}
