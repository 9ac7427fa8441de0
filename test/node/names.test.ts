import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAME_CASES } from './name-cases.js';
import {
  CHAIN_GLOBS,
  MAX_COMMENT,
  PREFIX,
  SET_GLOBS,
  podChainName,
  policyChainName,
  sanitizeComment,
  setName,
  shortHash,
} from '../../src/node/index.js';

/** The kernel's limits, without the NUL (see src/node/names.ts). */
const MAX_CHAIN_NAME = 28;
const MAX_SET_NAME = 31;

/** The scripts' globs read as regular expressions: what the cleanup and stale-set logic call ours. */
const exactly = (globs: readonly string[]): RegExp => new RegExp(`^(?:${globs.join('|')})$`);
const isOurChain = (name: string): boolean => exactly(CHAIN_GLOBS).test(name);
const isOurSet = (name: string): boolean => exactly(SET_GLOBS).test(name);

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
