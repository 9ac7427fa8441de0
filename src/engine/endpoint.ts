/**
 * @module engine/endpoint
 * The two ends of a connection. A pod is matched by selectors; an address outside the cluster (or a
 * node, or a hostNetwork pod, whose traffic is the node's) is matched only by ipBlocks.
 */
import { qualifiedName, type IpAddress, type IpFamily, type Pod } from '../model/index.js';

/** Cases: a pod of the snapshot; a bare IP address (external, or a node's own address). */
export type Endpoint =
  | { readonly kind: 'pod'; readonly pod: Pod }
  | { readonly kind: 'ip'; readonly ip: IpAddress };

export function endpointName(e: Endpoint): string {
  return e.kind === 'pod' ? qualifiedName(e.pod) : e.ip.text;
}

function endpointIps(e: Endpoint): readonly IpAddress[] {
  return e.kind === 'pod' ? e.pod.ips : [e.ip];
}

/** An end with addresses, none of them in `family`, cannot take part in a connection over it. */
export function lacksFamily(e: Endpoint, family: IpFamily): boolean {
  const ips = endpointIps(e);
  return ips.length > 0 && !ips.some((a) => a.family === family);
}

/**
 * The address family the connection runs over: `preferred` unless an end lacks it, else the first
 * family both ends have (source order), else whatever one end has. Undefined when neither end
 * has an address (template pods). A dual-stack pair may connect over either family, and the
 * verdicts may differ (an ipBlock is one family), so callers can ask for one.
 */
export function connectionFamily(src: Endpoint, dst: Endpoint, preferred?: IpFamily): IpFamily | undefined {
  const s = endpointIps(src);
  const d = endpointIps(dst);
  if (preferred !== undefined && [s, d].some((ips) => ips.some((a) => a.family === preferred)) && !lacksFamily(src, preferred) && !lacksFamily(dst, preferred)) return preferred;
  // Loops, not find/some: matrix asks this for every pair.
  for (const a of s) for (const b of d) if (a.family === b.family) return a.family;
  return s[0]?.family ?? d[0]?.family;
}

/** The endpoint's address in the given family, if it has one. */
export function addressIn(e: Endpoint, family: IpFamily | undefined): IpAddress | undefined {
  if (family === undefined) return undefined;
  if (e.kind === 'ip') return e.ip.family === family ? e.ip : undefined;
  for (const a of e.pod.ips) if (a.family === family) return a;
  return undefined;
}

/** Pods in phase Succeeded or Failed take no part in policy decisions. */
export function isFinished(pod: Pod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}
