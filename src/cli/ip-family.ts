/**
 * @module cli/ip-family
 * `--ip-family IPv4|IPv6`: a dual-stack pair may connect over either family, with different
 * verdicts (an ipBlock is one family), so can-reach and matrix let the user pick one. An end
 * without an address in it cannot take part in such a connection.
 */
import { qualifiedName, type IpFamily } from '../model/index.js';
import { lacksFamily, type Endpoint } from '../engine/index.js';
import type { FamilyArg } from './global-args.js';

export function familyOf(arg: FamilyArg): IpFamily {
  return arg === 'IPv4' ? 4 : 6;
}

/** Why the end cannot connect over the family, or undefined when it can. */
export function familyGap(arg: FamilyArg, e: Endpoint): string | undefined {
  if (!lacksFamily(e, familyOf(arg))) return undefined;
  return e.kind === 'ip' ? `${e.ip.text} is not an ${arg} address` : `pod ${qualifiedName(e.pod)} has no ${arg} address`;
}

/**
 * Why the two ends cannot connect at all, or undefined when they can: an end without the family
 * --ip-family names, or (without it) ends whose addresses share no family, such as an IPv4-only
 * pod and an IPv6 address. An end with no address yet (a Pending pod) is judged, not refused.
 */
export function connectionGap(src: Endpoint, dst: Endpoint, arg: FamilyArg | undefined): string | undefined {
  if (arg !== undefined) {
    const gap = familyGap(arg, src) ?? familyGap(arg, dst);
    return gap === undefined ? undefined : `no ${arg} connection: ${gap}`;
  }
  const families = (e: Endpoint): IpFamily[] => [...new Set(e.kind === 'pod' ? e.pod.ips.map((a) => a.family) : [e.ip.family])];
  const s = families(src);
  const d = families(dst);
  if (s.length === 0 || d.length === 0 || s.some((f) => d.includes(f))) return undefined;
  return `no common address family: ${describeFamilies(src, s)}, ${describeFamilies(dst, d)}`;
}

function describeFamilies(e: Endpoint, families: readonly IpFamily[]): string {
  const list = families.map((f) => `IPv${f}`).join(' and ');
  return e.kind === 'ip' ? `${e.ip.text} is an ${list} address` : `pod ${qualifiedName(e.pod)} has only ${list} addresses`;
}
