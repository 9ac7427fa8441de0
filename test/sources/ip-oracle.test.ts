// sources/ip.ts walks the address grammars by hand for speed; the slower first version, strict
// regular expressions with ipaddr.js doing the arithmetic and formatting, is kept here as the
// oracle. Both must give the same answer (the address, or the same reason) for every text,
// well-formed or not, and the same canonical text for every value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { checkIp, formatIp } from '../../src/sources/ip.js';
import type { IpAddress } from '../../src/model/index.js';

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function bytesToBigint(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function oracleFormat(value: bigint, family: 4 | 6): string {
  const n = family === 4 ? 4 : 16;
  const out = new Array<number>(n);
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(out).toString();
}

function normalizeIpv6(text: string): string | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
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

function oracleCheckIp(text: string): IpAddress | string {
  if (IPV4.test(text)) {
    const value = bytesToBigint(ipaddr.IPv4.parse(text).toByteArray());
    return { family: 4, value, text: oracleFormat(value, 4) };
  }
  if (text.includes(':')) {
    const normal = normalizeIpv6(text);
    if (normal === undefined || !ipaddr.IPv6.isValid(normal)) return 'must be a valid IP address';
    const parsed = ipaddr.IPv6.parse(normal);
    if (parsed.isIPv4MappedAddress()) return 'must not be an IPv4-mapped IPv6 address; write the IPv4 address';
    const value = bytesToBigint(parsed.toByteArray());
    return { family: 6, value, text: oracleFormat(value, 6) };
  }
  if (/^[0-9.]+$/.test(text) && text.split('.').some((p) => p.length > 1 && p.startsWith('0'))) {
    return 'must be a valid IP address (no leading zeros in IPv4 octets)';
  }
  return 'must be a valid IP address';
}

/** Octets near the edges (0, 9/10, 99/100, 255/256), sometimes with leading zeros. */
const octetText = fc.tuple(fc.constantFrom(0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255, 256, 300, 1000), fc.integer({ min: 0, max: 2 })).map(([n, zeros]) => `${'0'.repeat(zeros === 2 ? 1 : 0)}${n}`);
const ipv4Text = fc.array(octetText, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));

/** Groups biased to zero (runs to compress), written with random case, padding and one `::`. */
const group = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
const ipv6Text = fc
  .tuple(fc.array(group, { minLength: 6, maxLength: 9 }), fc.integer({ min: -1, max: 9 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.option(ipv4Text), fc.boolean())
  .map(([groups, cut, runLength, upper, quad, pad]) => {
    const hex = groups.map((g) => {
      const h = g.toString(16);
      return (pad ? h.padStart(4, '0') : h)[upper ? 'toUpperCase' : 'toLowerCase']();
    });
    let text = hex.join(':');
    if (cut >= 0 && cut <= hex.length) text = `${hex.slice(0, cut).join(':')}::${hex.slice(Math.min(hex.length, cut + runLength)).join(':')}`;
    return quad === null ? text : `${text}:${quad}`;
  });
const noise = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%x '.split('')), maxLength: 45 });
const mutated = fc.tuple(fc.oneof(ipv4Text, ipv6Text), fc.nat(), fc.constantFrom('', ':', '.', '::', '%', 'g', ' ', '0')).map(([t, at, s]) => {
  const i = at % (t.length + 1);
  return `${t.slice(0, i)}${s}${t.slice(i + (s === '' ? 1 : 0))}`;
});

test('checkIp agrees with the regex-and-ipaddr.js oracle on every text', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4Text, ipv6Text, noise, mutated), (text) => {
      assert.deepEqual(checkIp(text), oracleCheckIp(text), text);
    }),
    { numRuns: 20_000 },
  );
});

test('checkIp agrees with the oracle on the edge texts', () => {
  const texts = ['::', ':', ':::', '::::', '::1', '1::', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8::', '::ffff:1.2.3.4', '::ffff:0:1.2.3.4', '::1.2.3.4', '1::1.2.3.4', ':1.2.3.4', '::.1.2.3', '1.2.3.4::', '0.0.0.0', '255.255.255.255', '00.0.0.0', '1.2.3.4.', '.1.2.3.4', '1..2.3', 'fe80::1%eth0', '12345::', '0000:0000:0000:0000:0000:0000:0000:0001', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4'];
  for (const text of texts) assert.deepEqual(checkIp(text), oracleCheckIp(text), text);
});

test('formatIp agrees with ipaddr.js on every value, zero runs included', () => {
  const v6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.reduce((v, x) => (v << 16n) | BigInt(x), 0n));
  fc.assert(fc.property(fc.oneof(v6, fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })), (v) => assert.equal(formatIp(v, 6), oracleFormat(v, 6))), { numRuns: 5_000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => assert.equal(formatIp(BigInt(n), 4), oracleFormat(BigInt(n), 4))));
});
