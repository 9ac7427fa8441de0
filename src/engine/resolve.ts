/**
 * @module engine/resolve
 * Turns a rule's peers and ports into the concrete objects they stand for in a snapshot: the
 * namespaces and pods a selector peer admits, the pods whose addresses fall in an ipBlock, and the
 * number a named port has on each pod. Explanations and the node rule set read these.
 */
import type { Namespace, NetworkPolicy, Peer, Pod, PortSpec } from '../model/index.js';
import { matchIpBlock, matchSelectorPeer } from './peer.js';
import type { CompiledSnapshot } from './compiled.js';
import { selectorMatches } from './selector.js';
import { namedPortTarget, resolveNamedPort } from './port.js';

/** Namespaces a selector peer reaches into: the policy's own without a namespaceSelector. */
export function peerNamespaces(c: CompiledSnapshot, policy: NetworkPolicy, peer: Peer): readonly Namespace[] {
  if (peer.kind === 'ip-block') return [];
  const all = c.snapshot.namespaces;
  const sel = peer.namespaceSelector;
  if (sel === undefined) return all.filter((n) => n.name === policy.namespace);
  return all.filter((n) => selectorMatches(sel, n.labels));
}

/**
 * Pods a peer admits. For an ipBlock, the pods having an address inside it and outside every
 * except (an ipBlock matches pod addresses too); hostNetwork pods only through ipBlocks.
 */
export function peerPods(c: CompiledSnapshot, policy: NetworkPolicy, peer: Peer): readonly Pod[] {
  if (peer.kind === 'ip-block') {
    return c.pods.filter((pod) => pod.ips.some((ip) => matchIpBlock(peer.cidr, peer.except, ip).matched));
  }
  // Only pods of the namespaces the peer reaches can match: its namespaceSelector is matched once
  // per namespace, and its podSelector only against their pods.
  const sel = peer.namespaceSelector;
  const namespaces = sel === undefined ? [policy.namespace] : c.podNamespaces.filter((ns) => selectorMatches(sel, c.namespaceLabels(ns)));
  const hits = namespaces.flatMap((ns) => c.podsIn(ns).filter((pod) => matchSelectorPeer(c, policy, peer, { kind: 'pod', pod }).matched));
  return namespaces.length > 1 ? c.inSnapshotOrder(hits) : hits;
}

/** For a named port entry: the number it resolves to on each given pod (pods lacking it are left out). */
export function resolvePortOn(spec: PortSpec, pods: readonly Pod[]): { pod: Pod; port: number }[] {
  const name = spec.port;
  if (typeof name !== 'string') return [];
  return pods.flatMap((pod) => {
    const target = namedPortTarget({ kind: 'pod', pod });
    const port = target === undefined ? undefined : resolveNamedPort(target, name, spec.protocol);
    return port === undefined ? [] : [{ pod, port }];
  });
}
