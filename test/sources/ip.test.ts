import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCidr, checkIp, formatIp } from '../../src/sources/ip.js';
import { cidr as parseCidr, ip as parseIp } from '../support/addresses.js';
import { cidrCovers } from '../../src/model/index.js';

const ipCases: { name: string; text: string; want?: { family: 4 | 6; value: bigint; text: string }; error?: RegExp }[] = [
  { name: 'ipv4', text: '172.17.0.10', want: { family: 4, value: 0xac11000an, text: '172.17.0.10' } },
  { name: 'ipv4 zero', text: '0.0.0.0', want: { family: 4, value: 0n, text: '0.0.0.0' } },
  { name: 'ipv4 max', text: '255.255.255.255', want: { family: 4, value: 0xffffffffn, text: '255.255.255.255' } },
  { name: 'ipv6 loopback', text: '::1', want: { family: 6, value: 1n, text: '::1' } },
  { name: 'ipv6 any', text: '::', want: { family: 6, value: 0n, text: '::' } },
  {
    name: 'ipv6 canonicalised (RFC 5952)',
    text: '2001:DB8:0:0:1:0:0:1',
    want: { family: 6, value: 0x20010db8000000000001000000000001n, text: '2001:db8::1:0:0:1' },
  },
  { name: 'ipv6 full zeros', text: '0:0:0:0:0:0:0:0', want: { family: 6, value: 0n, text: '::' } },
  { name: 'ipv6 trailing ::', text: '1:2:3:4:5:6:7::', want: { family: 6, value: 0x00010002000300040005000600070000n, text: '1:2:3:4:5:6:7:0' } },
  { name: 'ipv6 embedded ipv4 (compatible)', text: '::1.2.3.4', want: { family: 6, value: 0x01020304n, text: '::102:304' } },
  { name: 'ipv6 embedded ipv4 full', text: '1:2:3:4:5:6:1.2.3.4', want: { family: 6, value: 0x00010002000300040005000601020304n, text: '1:2:3:4:5:6:102:304' } },
  { name: 'ipv4 leading zero', text: '010.1.1.1', error: /leading zeros/ },
  { name: 'ipv4 leading zero last octet', text: '10.1.1.01', error: /leading zeros/ },
  { name: 'ipv4 three parts', text: '1.2.3', error: /valid IP/ },
  { name: 'ipv4 one part', text: '16909060', error: /valid IP/ },
  { name: 'ipv4 hex', text: '0x7f.1.1.1', error: /valid IP/ },
  { name: 'ipv4 octet too big', text: '256.1.1.1', error: /valid IP/ },
  { name: 'ipv4 five parts', text: '1.2.3.4.5', error: /valid IP/ },
  { name: 'ipv4 with spaces', text: ' 1.2.3.4', error: /valid IP/ },
  { name: 'ipv4 trailing dot', text: '1.2.3.4.', error: /valid IP/ },
  { name: 'empty', text: '', error: /valid IP/ },
  { name: 'hostname', text: 'node-a', error: /valid IP/ },
  { name: 'ipv6 mapped ipv4', text: '::ffff:1.2.3.4', error: /IPv4-mapped/ },
  { name: 'ipv6 mapped ipv4 hex', text: '::ffff:102:304', error: /IPv4-mapped/ },
  { name: 'ipv6 zone', text: 'fe80::1%eth0', error: /valid IP/ },
  { name: 'ipv6 two ::', text: '1::2::3', error: /valid IP/ },
  { name: 'ipv6 triple colon', text: ':::1', error: /valid IP/ },
  { name: 'ipv6 nine groups', text: '1:2:3:4:5:6:7:8:9', error: /valid IP/ },
  { name: 'ipv6 seven groups no ::', text: '1:2:3:4:5:6:7', error: /valid IP/ },
  { name: 'ipv6 group too long', text: '12345::', error: /valid IP/ },
  { name: 'ipv6 embedded ipv4 leading zero', text: '::1.02.3.4', error: /valid IP/ },
  { name: 'ipv6 brackets', text: '[::1]', error: /valid IP/ },
];

for (const c of ipCases) {
  test(`checkIp: ${c.name}`, () => {
    const got = checkIp(c.text);
    if (c.want !== undefined) {
      assert.deepEqual(got, c.want);
    } else {
      assert.equal(typeof got, 'string');
      assert.match(got as string, c.error ?? /./);
    }
  });
}

const cidrCases: { name: string; text: string; want?: { family: 4 | 6; base: bigint; prefix: number; text: string }; error?: RegExp }[] = [
  { name: 'ipv4 /16', text: '172.17.0.0/16', want: { family: 4, base: 0xac110000n, prefix: 16, text: '172.17.0.0/16' } },
  { name: 'host bits masked', text: '10.1.0.1/4', want: { family: 4, base: 0n, prefix: 4, text: '0.0.0.0/4' } },
  { name: 'ipv4 /32', text: '1.2.3.4/32', want: { family: 4, base: 0x01020304n, prefix: 32, text: '1.2.3.4/32' } },
  { name: 'ipv4 /0', text: '0.0.0.0/0', want: { family: 4, base: 0n, prefix: 0, text: '0.0.0.0/0' } },
  { name: 'ipv6 /64 masked', text: '2001:DB8::5/64', want: { family: 6, base: 0x20010db8000000000000000000000000n, prefix: 64, text: '2001:db8::/64' } },
  { name: 'ipv6 /0', text: '::/0', want: { family: 6, base: 0n, prefix: 0, text: '::/0' } },
  { name: 'ipv6 /128', text: '::1/128', want: { family: 6, base: 1n, prefix: 128, text: '::1/128' } },
  { name: 'no prefix', text: '10.0.0.0', error: /must be a CIDR/ },
  { name: 'empty prefix', text: '10.0.0.0/', error: /prefix length 0\.\.32/ },
  { name: 'prefix too long ipv4', text: '10.0.0.0/33', error: /prefix length 0\.\.32/ },
  { name: 'prefix too long ipv6', text: '::/129', error: /prefix length 0\.\.128/ },
  { name: 'prefix leading zero', text: '10.0.0.0/08', error: /prefix length/ },
  { name: 'prefix negative', text: '10.0.0.0/-1', error: /prefix length/ },
  { name: 'prefix with space', text: '10.0.0.0/ 8', error: /prefix length/ },
  { name: 'two slashes', text: '10.0.0.0/8/8', error: /prefix length/ },
  { name: 'bad address', text: '010.0.0.0/8', error: /leading zeros/ },
  { name: 'three-part address', text: '10.0.0/8', error: /valid IP/ },
];

for (const c of cidrCases) {
  test(`checkCidr: ${c.name}`, () => {
    const got = checkCidr(c.text);
    if (c.want !== undefined) {
      assert.deepEqual(got, c.want);
    } else {
      assert.equal(typeof got, 'string');
      assert.match(got as string, c.error ?? /./);
    }
  });
}

const containCases: { outer: string; inner: string; want: boolean }[] = [
  { outer: '172.17.0.0/16', inner: '172.17.1.0/24', want: true },
  { outer: '172.17.0.0/16', inner: '172.17.0.0/16', want: true },
  { outer: '172.17.0.0/16', inner: '172.18.0.0/24', want: false },
  { outer: '172.17.0.0/16', inner: '172.0.0.0/8', want: false },
  { outer: '0.0.0.0/0', inner: '1.2.3.4/32', want: true },
  { outer: '::/0', inner: '1.2.3.4/32', want: false },
  { outer: '2001:db8::/32', inner: '2001:db8:1::/48', want: true },
];
for (const c of containCases) {
  test(`cidrCovers ${c.outer} ⊇ ${c.inner} = ${c.want}`, () => {
    assert.equal(cidrCovers(parseCidr(c.outer), parseCidr(c.inner)), c.want);
  });
}

test('ipv4 text round-trips for every 32-bit value', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      const text = formatIp(BigInt(n), 4);
      assert.equal(parseIp(text).value, BigInt(n));
    }),
  );
});

test('ipv6 canonical text round-trips (except IPv4-mapped values)', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
      fc.pre(v >> 32n !== 0xffffn);
      const text = formatIp(v, 6);
      const back = parseIp(text);
      assert.equal(back.value, v);
      assert.equal(back.text, text);
    }),
  );
});

test('masked CIDR base never has host bits and contains the address', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
      const ip = formatIp(BigInt(n), 4);
      const cidr = parseCidr(`${ip}/${prefix}`);
      const host = (1n << BigInt(32 - prefix)) - 1n;
      assert.equal(cidr.base & host, 0n);
      assert.ok(cidrCovers(cidr, parseCidr(`${ip}/32`)));
      assert.deepEqual(parseCidr(cidr.text), cidr);
    }),
  );
});
