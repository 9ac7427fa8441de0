// The parts of diff below the verdict: addresses written canonically, the address space cut by
// ipBlocks into blocks that cover it exactly once, and the kinds of change of a pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressBlocks, addressText, compileSnapshot, diffConnectivity, firstDifference, type ConnectionSet } from '../../src/engine/index.js';
import { ipBlock, ns, pod, policy, rule, sel, snapshot } from '../support/build.js';

const texts: [4 | 6, bigint, string][] = [
  [4, 0n, '0.0.0.0'],
  [4, 0x0a010203n, '10.1.2.3'],
  [6, 0n, '::'],
  [6, 1n, '::1'],
  [6, 0x20010db8000000000000000000000001n, '2001:db8::1'],
  [6, 0xfd000000000000010000000000000000n, 'fd00:0:0:1::'],
  [6, 0x20010db8000100000000000100000001n, '2001:db8:1::1:0:1'],
  [6, 0x00010000000000000000000000000000n, '1::'],
];
for (const [family, value, want] of texts) {
  test(`addressText(IPv${family} ${value.toString(16)}) = ${want}`, () => assert.equal(addressText(family, value), want));
}

const pods = [pod('a', 'x', { app: 'x' }, { node: 'n', ips: ['10.1.0.1', 'fd00::1'] }), pod('a', 'y', { app: 'y' }, { node: 'n', ips: ['10.2.0.1'] })];
const withBlocks = snapshot({
  namespaces: [ns('a')],
  pods,
  policies: [policy('a', 'p', sel({ app: 'x' }), { ingress: [rule([ipBlock('10.0.0.0/8', ['10.1.0.0/16']), ipBlock('fd00::/64')])] })],
});

test('addressBlocks: the blocks cover each family exactly once, ipBlock edges are block edges, and each is judged by an address that is no pod\'s', () => {
  const blocks = addressBlocks([compileSnapshot(withBlocks)]);
  for (const family of [4, 6] as const) {
    const bits = family === 4 ? 32 : 128;
    const mine = blocks.filter((b) => b.cidr.family === family).sort((a, b) => (a.cidr.base < b.cidr.base ? -1 : 1));
    let next = 0n;
    for (const b of mine) {
      assert.equal(b.cidr.base, next, `IPv${family}: ${b.cidr.text} starts where the previous ended`);
      next = b.cidr.base + (1n << BigInt(bits - b.cidr.prefix));
      assert.ok(b.address.value >= b.cidr.base && b.address.value < next, `${b.address.text} inside ${b.cidr.text}`);
      assert.ok(!pods.some((p) => p.ips.some((ip) => ip.family === family && ip.value === b.address.value)), `${b.address.text} is no pod's`);
    }
    assert.equal(next, 1n << BigInt(bits), `IPv${family}: covered to the end`);
  }
  const names = blocks.map((b) => b.cidr.text);
  for (const edge of ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/15', '11.0.0.0/8', 'fd00::/64']) assert.ok(names.includes(edge), `${edge} in ${names.join(' ')}`);
});

test('addressBlocks: without ipBlocks, each family a pod has is one block', () => {
  const blocks = addressBlocks([compileSnapshot(snapshot({ namespaces: [ns('a')], pods }))]);
  assert.deepEqual(blocks.map((b) => b.cidr.text), ['0.0.0.0/0', '::/0']);
});

test('diffConnectivity: a pod that appears is "added" (none before), one that goes is "removed"; equal sides list nothing', () => {
  const base = snapshot({ namespaces: [ns('a')], pods: [pods[0]!] });
  const grown = snapshot({ namespaces: [ns('a')], pods });
  const added = diffConnectivity(compileSnapshot(base), compileSnapshot(grown));
  assert.ok(added.length > 0 && added.every((c) => c.change === 'added' && (c.from === 'a/y' || c.to === 'a/y')), JSON.stringify(added.map((c) => [c.from, c.to, c.change])));
  const removed = diffConnectivity(compileSnapshot(grown), compileSnapshot(base));
  assert.ok(removed.length === added.length && removed.every((c) => c.change === 'removed'));
  assert.deepEqual(diffConnectivity(compileSnapshot(grown), compileSnapshot(grown)), []);
});

test('firstDifference: the first protocol and port one set holds and the other does not', () => {
  const tcp80: ConnectionSet = { kind: 'some', protocols: new Map([['TCP', [[80, 80]]]]) };
  const tcp80to90: ConnectionSet = { kind: 'some', protocols: new Map([['TCP', [[80, 90]]]]) };
  assert.deepEqual(firstDifference(tcp80, tcp80to90), { protocol: 'TCP', port: 81 });
  assert.deepEqual(firstDifference({ kind: 'none' }, tcp80), { protocol: 'TCP', port: 80 });
  assert.deepEqual(firstDifference({ kind: 'all' }, tcp80), { protocol: 'TCP', port: 1 });
  assert.equal(firstDifference(tcp80, tcp80), undefined);
});
