/**
 * @module sources/ip
 * Text to IpAddress / Cidr, with the API server's strictness (Go's netip) rather than the leniency
 * of most parsers: `010.1.1.1` (octal elsewhere), `1.2.3` (three parts), `0x7f.1.1.1` (hex), a zone
 * (`fe80::1%eth0`) and `::ffff:1.2.3.4` (IPv4-mapped) are all refused. Every pod address of a file or
 * a cluster comes through here, so the grammars are walked by hand, without regular expressions,
 * big-integer arithmetic per byte, or a general-purpose library: an IPv4 address is one 32-bit
 * number, an IPv6 one eight 16-bit groups, and each becomes a bigint once.
 */
import { bitsOf, type Cidr, type IpAddress, type IpFamily } from '../model/index.js';

/** `/0` .. `/128`, no sign, no leading zero (Go's netip rejects `/08`). */
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

const DOT = 0x2e;
const COLON = 0x3a;
const ZERO = 0x30;

/**
 * The value of a dotted quad as Kubernetes reads one: four decimal octets 0..255, none with a
 * leading zero; -1 for any other text.
 */
function parseIpv4(text: string, start = 0): number {
  const end = text.length;
  if (end - start < 7 || end - start > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9 || (digits > 0 && octet === 0)) return -1;
    octet = octet * 10 + d;
    if (octet > 255) return -1;
    digits++;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The groups of `text[start, end)`, colon-separated, each one to four hex digits (none when the
 * span is empty), appended to `out`; false when one is malformed.
 */
function readGroups(text: string, start: number, end: number, out: number[]): boolean {
  if (start === end) return true;
  let group = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === COLON) {
      if (digits === 0) return false;
      out.push(group);
      group = 0;
      digits = 0;
      continue;
    }
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0 || ++digits > 4) return false;
    group = group * 16 + d;
  }
  return true;
}

/**
 * The eight groups of an IPv6 address in RFC 4291 text form (at most one `::`, a trailing dotted
 * quad allowed), or undefined for any malformed text.
 */
function parseIpv6(text: string): number[] | undefined {
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (text.indexOf('.', lastColon) >= 0) {
    // A trailing dotted quad (`::1.2.3.4`) is two more groups: rewritten so, after its own check.
    const v4 = parseIpv4(text, lastColon + 1);
    if (v4 < 0) return undefined;
    body = `${text.slice(0, lastColon + 1)}${Math.floor(v4 / 0x10000).toString(16)}:${(v4 % 0x10000).toString(16)}`;
  }
  const head: number[] = [];
  const gap = body.indexOf('::');
  if (gap < 0) return readGroups(body, 0, body.length, head) && head.length === 8 ? head : undefined;
  const rest: number[] = [];
  if (body.indexOf('::', gap + 1) >= 0 || !readGroups(body, 0, gap, head) || !readGroups(body, gap + 2, body.length, rest)) return undefined;
  const count = head.length + rest.length;
  if (count > 7) return undefined;
  return [...head, ...new Array<number>(8 - count).fill(0), ...rest];
}

/** The integer form of eight groups. */
function groupsValue(g: readonly number[]): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i += 2) v = (v << 32n) | BigInt(g[i]! * 0x10000 + g[i + 1]!);
  return v;
}

/** RFC 5952 text: lower-case hex without leading zeros, the longest run of two or more zero groups (the first of equal ones) as `::`. */
function formatGroups(g: readonly number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => g.slice(from, to).map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLength, 8)}`;
}

function formatIpv4(n: number): string {
  return `${Math.floor(n / 0x1000000)}.${Math.floor(n / 0x10000) % 256}.${Math.floor(n / 0x100) % 256}.${n % 256}`;
}

/** Canonical text: dotted decimal, or RFC 5952 (compressed, lower case). */
export function formatIp(value: bigint, family: IpFamily): string {
  if (family === 4) return formatIpv4(Number(value));
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  return formatGroups(groups);
}

/** The reason text cannot be an address, or the address. */
export function checkIp(text: string): IpAddress | string {
  const v4 = parseIpv4(text);
  // The grammar allows no leading zeros, so the text is already canonical.
  if (v4 >= 0) return { family: 4, value: BigInt(v4), text };
  if (text.includes(':')) {
    const groups = parseIpv6(text);
    if (groups === undefined) return 'must be a valid IP address';
    if (groups[5] === 0xffff && groups.slice(0, 5).every((x) => x === 0)) return 'must not be an IPv4-mapped IPv6 address; write the IPv4 address';
    return { family: 6, value: groupsValue(groups), text: formatGroups(groups) };
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
