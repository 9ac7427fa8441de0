/**
 * @module model/cidr
 * Address arithmetic on the model's integer form of IPv4/IPv6 addresses. Parsing lives in
 * sources/; here addresses are already bigints with a family. In model/ rather than engine/
 * because sources/ needs it too (prefix lengths, excepts inside their cidr), and sources/ may
 * import the model but not the engine.
 */
import type { Cidr, IpAddress, IpFamily } from './types.js';

export function bitsOf(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const shift = BigInt(bitsOf(cidr.family) - cidr.prefix);
  return ip.value >> shift === cidr.base >> shift;
}

/** True when `inner` lies inside `outer` (equal counts as inside). */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const shift = BigInt(bitsOf(outer.family) - outer.prefix);
  return inner.base >> shift === outer.base >> shift;
}
