// Reasons behind verdicts. Whether a connection is allowed is the shared connectivity table's
// business (test/support/connectivity.ts, run by test/engine/connectivity.test.ts); here the engine's
// record for some of those rows must also say which side decided and which bypass applied, and
// denials and allowances must name policies, rules and misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy, Rule } from '../../src/model/index.js';
import { compileSnapshot, evaluateConnection, isAllowed, type Bypass, type Endpoint, type SideResult } from '../../src/engine/index.js';
import { ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot } from '../support/build.js';
import { endpointOf, ROWS, snapshotOf } from '../support/connectivity.js';

interface Reason {
  /** A row of the connectivity table, by name. */
  row: string;
  /** Expected kinds of the egress and ingress sides. */
  sides?: [SideResult['kind'], SideResult['kind']];
  /** Expected bypass; null: none. */
  bypass?: Bypass | null;
}

const reasons: Reason[] = [
  { row: 'no policies: everything allowed', sides: ['not-isolated', 'not-isolated'] },
  { row: 'deny-all ingress (ingress: [])', sides: ['not-isolated', 'denied'] },
  { row: 'ingress absent, policyTypes [Ingress]: isolates ingress, admits nothing', sides: ['not-isolated', 'denied'] },
  { row: 'ingress absent, policyTypes absent (defaulted to [Ingress]): admits nothing', sides: ['not-isolated', 'denied'] },
  { row: 'egress absent, policyTypes [Egress]: isolates egress, admits nothing', sides: ['denied', 'not-isolated'] },
  { row: 'ingress [{}] allows all', sides: ['not-isolated', 'allowed'] },
  { row: 'IPv4 edge: first address of the cidr', sides: ['not-a-pod', 'allowed'] },
  { row: 'IPv4 edge: one before the cidr', sides: ['not-a-pod', 'denied'] },
  { row: 'IPv4 edge, egress: last address of the except', sides: ['denied', 'not-a-pod'] },
  { row: 'IPv4 edge, egress: first address after the except', sides: ['allowed', 'not-a-pod'] },
  { row: 'ipBlock with external source', sides: ['not-a-pod', 'allowed'] },
  { row: 'named egress port "http" is 8080 on web', sides: ['allowed', 'not-isolated'] },
  { row: 'named egress port never matches an external address', sides: ['denied', 'not-a-pod'] },
  { row: 'egress isolation: deny all egress', sides: ['denied', 'not-isolated'] },
  { row: 'egress rules to another node\'s address are like any address', sides: ['allowed', 'not-a-pod'], bypass: null },
  { row: 'both sides: egress allows, ingress denies', sides: ['allowed', 'denied'] },
  { row: 'both sides: egress denies, ingress allows', sides: ['denied', 'allowed'] },
  { row: 'a pod may always reach itself', sides: ['denied', 'denied'], bypass: 'self' },
  { row: 'node to its own pod is always allowed', sides: ['not-a-pod', 'denied'], bypass: 'node-to-local-pod' },
  { row: 'node to its own pod from an ExternalIP', bypass: 'node-to-local-pod' },
  { row: 'node to its own pod over IPv6', sides: ['not-a-pod', 'denied'], bypass: 'node-to-local-pod' },
  { row: 'another node to a pod is governed by ipBlocks', sides: ['not-a-pod', 'denied'], bypass: null },
  { row: 'another node to a pod over IPv6 is governed by ipBlocks', bypass: null },
  { row: 'another node to a pod: an ipBlock holding its address admits it', sides: ['not-a-pod', 'allowed'], bypass: null },
  { row: 'hostNetwork pod on the same node = its node: allowed', bypass: 'node-to-local-pod' },
  { row: 'hostNetwork pod on another node to a pod: policed', sides: ['host-network', 'denied'], bypass: null },
  { row: 'egress-isolated pod to its own node\'s InternalIP', sides: ['denied', 'not-a-pod'], bypass: 'pod-to-own-node' },
  { row: 'egress-isolated pod to its own node\'s ExternalIP', bypass: 'pod-to-own-node' },
  { row: 'egress-isolated pod to its own node\'s InternalIP over IPv6', sides: ['denied', 'not-a-pod'], bypass: 'pod-to-own-node' },
  { row: 'egress-isolated pod to its own node\'s ExternalIP over IPv6', bypass: 'pod-to-own-node' },
  { row: 'dual-stack egress-isolated pod to its own node over IPv6', bypass: 'pod-to-own-node' },
  { row: 'egress-isolated pod to another node\'s address: policed', sides: ['denied', 'not-a-pod'], bypass: null },
  { row: 'egress-isolated pod to another node\'s address over IPv6: policed', bypass: null },
  { row: 'egress-isolated pod to a hostNetwork pod on its own node', sides: ['denied', 'host-network'], bypass: 'pod-to-own-node' },
  { row: 'egress-isolated pod to a hostNetwork pod on another node: policed', sides: ['denied', 'host-network'], bypass: null },
  { row: 'egress-isolated pod to a hostNetwork pod on another node over IPv6: policed', bypass: null },
  { row: 'a pod without a node to a node\'s address: policed', bypass: null },
  { row: 'hostNetwork pods are never selected', sides: ['not-isolated', 'host-network'] },
  { row: 'IPv6 edge /64: first address of the cidr', sides: ['not-a-pod', 'allowed'] },
  { row: 'IPv6 edge /64: one before the cidr', sides: ['not-a-pod', 'denied'] },
  { row: 'IPv6 edge, egress: last address of the except', sides: ['denied', 'not-a-pod'] },
];

for (const r of reasons) {
  test(`reason: ${r.row}`, () => {
    const row = ROWS.find((x) => x.name === r.row);
    assert.ok(row !== undefined, `no row "${r.row}" in the connectivity table`);
    const v = evaluateConnection(compileSnapshot(snapshotOf(row)), {
      src: endpointOf(row.src),
      dst: endpointOf(row.dst),
      port: row.port,
      protocol: row.protocol ?? 'TCP',
      ...(row.family === undefined ? {} : { family: row.family }),
    });
    assert.equal(isAllowed(v), row.allowed, JSON.stringify(v, null, 1));
    if (r.sides) assert.deepEqual([v.egress.kind, v.ingress.kind], r.sides);
    if (r.bypass !== undefined) assert.equal(v.bypass ?? null, r.bypass);
  });
}

const dbIngress = (rules: Rule[]) => policy('default', 'db-in', sel({ role: 'db' }), { ingress: rules });
const world = (policies: NetworkPolicy[]) => compileSnapshot(snapshotOf({ policies }));
const endpoint = endpointOf;

test('a denial names every isolating policy and what each rule missed', () => {
  const policies = [dbIngress([rule([podPeer(sel({ role: 'frontend' })), ipBlock('10.244.0.0/16', ['10.244.2.0/24'])], [port('redis')])]), policy('default', 'empty', sel({ role: 'db' }), { ingress: [] })];
  const v = evaluateConnection(world(policies), { src: endpoint('dev/client'), dst: endpoint('default/db'), port: 6379, protocol: 'TCP' });
  assert.equal(v.ingress.kind, 'denied');
  if (v.ingress.kind !== 'denied') return;
  assert.deepEqual(v.ingress.policies.map((p) => p.policy), ['default/db-in', 'default/empty']);
  const r = v.ingress.policies[0]?.rules[0];
  assert.deepEqual(r?.peerMisses, [
    { kind: 'other-namespace', want: 'default', got: 'dev' },
    { kind: 'in-except', address: '10.244.2.30', cidr: '10.244.0.0/16', except: '10.244.2.0/24' },
  ]);
  assert.deepEqual(r?.portMisses, []);
  assert.deepEqual(v.ingress.policies[1]?.rules, []);
});

test('an allowance names the admitting policy and rule index', () => {
  const policies = [dbIngress([rule([], [port(1)]), rule([podPeer(sel({ role: 'frontend' }))], [port('metrics')])])];
  const v = evaluateConnection(world(policies), { src: endpoint('default/web'), dst: endpoint('default/db'), port: 9090, protocol: 'TCP' });
  assert.equal(v.ingress.kind, 'allowed');
  if (v.ingress.kind === 'allowed') assert.deepEqual(v.ingress.admittedBy.map((r) => [r.policy, r.direction, r.rule, r.matchedPeer, r.matchedPort]), [['default/db-in', 'ingress', 1, 0, 0]]);
});

test('a label miss names the unmet requirement', () => {
  const v = evaluateConnection(world([dbIngress([rule([podPeer(sel({ role: 'frontend', tier: 'x' }))])])]), { src: endpoint('default/web'), dst: endpoint('default/db'), port: 1, protocol: 'TCP' });
  assert.equal(v.ingress.kind, 'denied');
  if (v.ingress.kind === 'denied') {
    assert.deepEqual(v.ingress.policies[0]?.rules[0]?.peerMisses, [{ kind: 'pod-labels', pod: 'default/web', unmet: { key: 'tier', operator: 'In', values: ['x'] } }]);
  }
});

test('dual-stack: the family judged can be chosen, and the verdict says which', () => {
  const a = pod('x', 'a', { app: 'a' }, { ips: ['10.9.0.1', 'fd09::1'] });
  const b = pod('x', 'b', { app: 'b' }, { ips: ['10.9.0.2', 'fd09::2'] });
  const p = policy('x', 'v6-only', sel({ app: 'b' }), { ingress: [rule([ipBlock('fd09::/64')])] });
  const c = compileSnapshot(snapshot({ namespaces: [ns('x')], pods: [a, b], policies: [p] }));
  const conn = { src: { kind: 'pod', pod: a } as Endpoint, dst: { kind: 'pod', pod: b } as Endpoint, port: 80, protocol: 'TCP' as const };
  const v4 = evaluateConnection(c, conn);
  assert.deepEqual([v4.family, isAllowed(v4)], [4, false]);
  const v6 = evaluateConnection(c, { ...conn, family: 6 });
  assert.deepEqual([v6.family, isAllowed(v6)], [6, true]);
});
