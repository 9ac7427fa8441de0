/**
 * @module sources/ip
 * Text to IpAddress / Cidr, with the API server's strictness rather than ipaddr.js's leniency:
 * ipaddr.js reads `010.1.1.1` as octal, `1.2.3` as a three-part address and `0x7f.1.1.1` as hex,
 * all of which Kubernetes rejects; it also reads `::1.2.3.4` as an IPv4-mapped address. So the text
 * is checked against strict grammars first and ipaddr.js only does the arithmetic and formatting.
 */
import ipaddr from 'ipaddr.js';
import { bitsOf, type Cidr, type IpAddress, type IpFamily } from '../model/index.js';

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
/** `/0` .. `/128`, no sign, no leading zero (Go's netip rejects `/08`). */
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

function bytesToBigint(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigintToBytes(value: bigint, family: IpFamily): number[] {
  const n = bitsOf(family) / 8;
  const out = new Array<number>(n);
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Canonical text: dotted decimal, or RFC 5952 (compressed, lower case). */
export function formatIp(value: bigint, family: IpFamily): string {
  return ipaddr.fromByteArray(bigintToBytes(value, family)).toString();
}

/**
 * Rewrites a trailing dotted quad (`::1.2.3.4`, `1:2:3:4:5:6:1.2.3.4`) into two hex groups, after
 * checking every group, so ipaddr.js sees plain hex. Returns undefined for any malformed text.
 */
function normalizeIpv6(text: string): string | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined; // no zone (%eth0), no brackets, no spaces
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return undefined;
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    body = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  let groups = 0;
  for (const half of halves) {
    if (half === '') continue;
    for (const g of half.split(':')) {
      if (!HEX_GROUP.test(g)) return undefined;
      groups++;
    }
  }
  if (halves.length === 2 ? groups > 7 : groups !== 8) return undefined;
  return body;
}

/** The reason text cannot be an address, or the address. */
export function checkIp(text: string): IpAddress | string {
  if (IPV4.test(text)) {
    const value = bytesToBigint(ipaddr.IPv4.parse(text).toByteArray());
    return { family: 4, value, text: formatIp(value, 4) };
  }
  if (text.includes(':')) {
    const normal = normalizeIpv6(text);
    if (normal === undefined || !ipaddr.IPv6.isValid(normal)) return 'must be a valid IP address';
    const parsed = ipaddr.IPv6.parse(normal);
    if (parsed.isIPv4MappedAddress()) return 'must not be an IPv4-mapped IPv6 address; write the IPv4 address';
    const value = bytesToBigint(parsed.toByteArray());
    return { family: 6, value, text: formatIp(value, 6) };
  }
  if (/^[0-9.]+$/.test(text) && text.split('.').some((p) => p.length > 1 && p.startsWith('0'))) {
    return 'must be a valid IP address (no leading zeros in IPv4 octets)';
  }
  return 'must be a valid IP address';
}

/** The reason text cannot be a CIDR, or the CIDR with its host bits masked off. */
export function checkCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'must be a CIDR (address/prefix), e.g. 10.0.0.0/24';
  const ip = checkIp(text.slice(0, slash));
  if (typeof ip === 'string') return ip;
  const prefixText = text.slice(slash + 1);
  const bits = bitsOf(ip.family);
  if (!PREFIX.test(prefixText) || Number(prefixText) > bits) {
    return `must be a CIDR with a prefix length 0..${bits}`;
  }
  const prefix = Number(prefixText);
  const hostBits = BigInt(bits - prefix);
  const base = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, base, prefix, text: `${formatIp(base, ip.family)}/${prefix}` };
}
