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
