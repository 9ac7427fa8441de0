import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAME_CASES } from './name-cases.js';
import {
  DEFAULT_MARK_MASK,
  DEFAULT_MARKS,
  MAX_COMMENT,
  checkMarkMask,
  isOurChain,
  isOurSet,
  PREFIX,
  podChainName,
  policyChainName,
  sanitizeComment,
  setName,
  shortHash,
} from '../../src/node/index.js';

/** The kernel's limits, without the NUL (see src/node/names.ts). */
const MAX_CHAIN_NAME = 28;
const MAX_SET_NAME = 31;


const LONG = 'x'.repeat(253);

const chainCases = [
  { name: 'pod egress, short names', got: podChainName('a', 'b', 'egress') },
  { name: 'pod ingress, longest names', got: podChainName(LONG.slice(0, 63), LONG, 'ingress') },
  { name: 'policy egress, longest names', got: policyChainName(LONG.slice(0, 63), LONG, 'egress') },
  { name: 'policy ingress', got: policyChainName('default', 'p', 'ingress') },
];

for (const c of chainCases) {
  test(`chain name within iptables' limit: ${c.name}`, () => {
    assert.ok(c.got.startsWith(PREFIX));
    assert.ok(c.got.length <= MAX_CHAIN_NAME, `${c.got} is ${c.got.length} long`);
    assert.match(c.got, /^[A-Z0-9a-f-]+$/);
  });
}

const setCases = [
  { name: 'v4 pods', got: setName(4, 'P', 'a') },
  { name: 'v6 nets', got: setName(6, 'N', LONG) },
  { name: 'v6 named ports', got: setName(6, 'T', '') },
];

for (const c of setCases) {
  test(`set name within ipset's limit: ${c.name}`, () => {
    assert.ok(c.got.startsWith(PREFIX));
    assert.ok(c.got.length <= MAX_SET_NAME, `${c.got} is ${c.got.length} long`);
  });
}

test('names are stable and tell identities, directions and families apart', () => {
  assert.equal(podChainName('ns', 'p', 'egress'), podChainName('ns', 'p', 'egress'));
  const all = [
    podChainName('ns', 'p', 'egress'),
    podChainName('ns', 'p', 'ingress'),
    podChainName('n', 's/p', 'egress'),
    policyChainName('ns', 'p', 'egress'),
    policyChainName('ns', 'p', 'ingress'),
    setName(4, 'P', 'x'),
    setName(6, 'P', 'x'),
    setName(4, 'P', 'y'),
  ];
  assert.equal(new Set(all).size, all.length);
  assert.equal(shortHash('abc'), shortHash('abc'));
  assert.match(shortHash(''), /^[0-9a-f]{16}$/);
});

test('no collisions among many identities', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20000; i++) seen.add(podChainName(`ns${i % 97}`, `pod-${i}`, 'egress'));
  assert.equal(seen.size, 20000);
});

const commentCases = [
  { name: 'plain', input: 'ns/p ingress[0]', want: 'ns/p ingress[0]' },
  { name: 'double quote cannot end the quoted string', input: 'a"b', want: 'a_b' },
  { name: 'backslash, dollar, backtick, single quote', input: 'a\\b$c`d\'e', want: 'a_b_c_d_e' },
  { name: 'newline and non-ASCII', input: 'a\nb\u00e9', want: 'a_b_' },
  { name: 'capped at the xt_comment limit', input: 'y'.repeat(400), want: `${'y'.repeat(MAX_COMMENT - 3)}...` },
];

for (const c of commentCases) {
  test(`sanitizeComment: ${c.name}`, () => {
    const got = sanitizeComment(c.input);
    assert.equal(got, c.want);
    assert.ok(got.length <= MAX_COMMENT);
  });
}

for (const c of NAME_CASES) {
  test(`ours by exact shape, not by prefix: ${c.name}`, () => {
    assert.equal(isOurChain(c.name), c.chain, 'chain');
    assert.equal(isOurSet(c.name), c.set, 'set');
  });
}

const markCases: { name: string; mask: number; want: { egress: number; ingress: number } | RegExp }[] = [
  { name: 'the default: egress 0x100000, ingress 0x200000', mask: DEFAULT_MARK_MASK, want: DEFAULT_MARKS },
  { name: 'two low bits: the lower is egress', mask: 0x300, want: { egress: 0x100, ingress: 0x200 } },
  { name: 'bits far apart', mask: 0x1001, want: { egress: 0x1, ingress: 0x1000 } },
  { name: 'bit 31 stays positive', mask: 0x80000001, want: { egress: 0x1, ingress: 0x80000000 } },
  { name: 'one bit', mask: 0x100000, want: /^1 bit set, not two$/ },
  { name: 'no bit', mask: 0, want: /^0 bits set, not two$/ },
  { name: 'three bits', mask: 0x700000, want: /^3 bits set, not two$/ },
  { name: "kube-proxy's masquerade bit", mask: 0x4100, want: /kube-proxy's 0x4000 \(masquerade\) or 0x8000 \(drop\)/ },
  { name: "kube-proxy's drop bit", mask: 0x8001, want: /kube-proxy/ },
  { name: "both of kube-proxy's bits", mask: 0xc000, want: /kube-proxy/ },
  { name: 'past 32 bits', mask: 0x100000001, want: /more than the 32 bits of a packet mark/ },
  { name: 'not an integer', mask: 1.5, want: /32 bits/ },
];

for (const c of markCases) {
  test(`checkMarkMask: ${c.name}`, () => {
    const got = checkMarkMask(c.mask);
    if (c.want instanceof RegExp) {
      assert.equal(got.ok, false);
      if (!got.ok) assert.match(got.reason, c.want);
    } else {
      assert.deepEqual(got, { ok: true, marks: c.want });
    }
  });
}
