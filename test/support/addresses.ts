/**
 * @module test/support/addresses
 * Addresses and networks written as text in tests, read through the product's own validation
 * (src/sources/ip); a typo in a test fails loudly instead of becoming `undefined`.
 */
import type { Cidr, IpAddress } from '../../src/model/index.js';
import { checkCidr, checkIp } from '../../src/sources/ip.js';

export function ip(text: string): IpAddress {
  const r = checkIp(text);
  if (typeof r === 'string') throw new Error(`bad ip ${text}: ${r}`);
  return r;
}

export function cidr(text: string): Cidr {
  const r = checkCidr(text);
  if (typeof r === 'string') throw new Error(`bad cidr ${text}: ${r}`);
  return r;
}
