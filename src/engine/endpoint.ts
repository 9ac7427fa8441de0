/**
 * @module engine/endpoint
 * The two ends of a connection. A pod is matched by selectors; an address outside the cluster (or a
 * node, or a hostNetwork pod, whose traffic is the node's) is matched only by ipBlocks.
 */
import type { ClusterNode, IpAddress, IpFamily, Pod } from '../model/index.js';

/** Cases: a pod of the snapshot; a bare IP address (external, or a node's own address). */
export type Endpoint =
  | { readonly kind: 'pod'; readonly pod: Pod }
  | { readonly kind: 'ip'; readonly ip: IpAddress; readonly node?: ClusterNode };

export function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? `${e.pod.namespace}/${e.pod.name}` : e.ip.text;
}

export function endpointIps(e: Endpoint): readonly IpAddress[] {
  return e.kind === 'pod' ? e.pod.ips : [e.ip];
}

/**
 * The address family the connection runs over: the first family both ends have (source order),
 * else whatever one end has. Undefined when neither end has an address (template pods).
 */
export function connectionFamily(src: Endpoint, dst: Endpoint): IpFamily | undefined {
  const s = endpointIps(src);
  const d = endpointIps(dst);
  const common = s.find((a) => d.some((b) => b.family === a.family));
  return common?.family ?? s[0]?.family ?? d[0]?.family;
}

/** The endpoint's address in the given family, if it has one. */
export function addressIn(e: Endpoint, family: IpFamily | undefined): IpAddress | undefined {
  if (family === undefined) return undefined;
  return endpointIps(e).find((a) => a.family === family);
}

/** Pods in phase Succeeded or Failed take no part in policy decisions. */
export function isFinished(pod: Pod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}
