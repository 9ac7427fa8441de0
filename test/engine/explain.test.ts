import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot, explainPod, explainPolicy, type Note } from '../../src/engine/index.js';
import { ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot, explainOne } from '../support/build.js';

const namespaces = [ns('default'), ns('prod', { project: 'myproject' }), ns('dev')];
const pods = [
  pod('default', 'db-0', { role: 'db' }, { ips: ['172.17.0.10'], ports: [{ name: 'redis', port: 6379 }] }),
  pod('default', 'db-1', { role: 'db' }, { ips: ['172.17.1.10'], ports: [{ name: 'redis', port: 6380 }] }),
  pod('default', 'db-2', { role: 'db' }, { ips: ['172.17.1.11'] }),
  pod('default', 'web', { role: 'frontend' }, { ips: ['172.17.0.11'], ports: [{ name: 'http', port: 8080 }] }),
  pod('prod', 'client', { role: 'client' }, { ips: ['10.1.0.5'], ports: [{ name: 'http', port: 80 }] }),
  pod('default', 'host-db', { role: 'db' }, { ips: ['192.168.0.1'], hostNetwork: true }),
];

const seedPolicy = policy('default', 'test-network-policy', sel({ role: 'db' }), {
  types: ['Ingress', 'Egress'],
  ingress: [rule([ipBlock('172.17.0.0/16', ['172.17.1.0/24']), podPeer(undefined, sel({ project: 'myproject' })), podPeer(sel({ role: 'frontend' }))], [port(6379)])],
  egress: [rule([ipBlock('10.0.0.0/24')], [port(5978)])],
});

const c = compileSnapshot(snapshot({ namespaces, pods, policies: [seedPolicy] }));

test('explain: the seed policy resolves selected pods, peers and CIDR members', () => {
  const e = explainPolicy(c, c.compiled(seedPolicy));
  assert.deepEqual(e.selectedPods, ['default/db-0', 'default/db-1', 'default/db-2']);
  assert.deepEqual(e.policyTypes, ['Ingress', 'Egress']);
  const peers = e.ingress?.rules[0]?.peers ?? [];
  assert.deepEqual(peers[0], { kind: 'ip-block', index: 0, cidr: '172.17.0.0/16', except: ['172.17.1.0/24'], pods: ['default/db-0', 'default/web'] });
  assert.equal(peers[1]?.kind, 'selector');
  if (peers[1]?.kind === 'selector') {
    assert.deepEqual(peers[1].namespaces, ['prod']);
    assert.deepEqual(peers[1].pods, ['prod/client']);
  }
  if (peers[2]?.kind === 'selector') {
    assert.deepEqual(peers[2].namespaces, ['default']);
    assert.deepEqual(peers[2].pods, ['default/web']);
  }
  assert.deepEqual(e.egress?.rules[0]?.ports, [{ index: 0, protocol: 'TCP', port: 5978 }]);
  assert.deepEqual(e.notes.map((n) => n.kind), ['or-peers', 'host-network-skipped']);
});

interface NoteCase {
  name: string;
  p: ReturnType<typeof policy>;
  want: Note['kind'][];
}
const noteCases: NoteCase[] = [
  { name: 'egress rules without policyTypes also isolate ingress', p: policy('default', 'p', sel({ role: 'web' }), { egress: [rule()] }), want: ['default-types', 'deny-all', 'allow-all-rule', 'selects-nothing'] },
  { name: 'no policyTypes and no egress: ingress only', p: policy('default', 'p', sel({ role: 'frontend' }), { ingress: [rule([podPeer(sel())])] }), want: ['default-types'] },
  { name: 'deny-all with ingress absent', p: policy('default', 'p', sel(), { types: ['Ingress'] }), want: ['deny-all', 'host-network-skipped'] },
  { name: 'rules of a direction not in policyTypes are ignored', p: policy('default', 'p', sel(), { types: ['Ingress'], ingress: [rule()], egress: [rule()] }), want: ['allow-all-rule', 'ignored-rules', 'host-network-skipped'] },
  { name: 'AND peer flagged', p: policy('default', 'p', sel(), { types: ['Ingress'], ingress: [rule([podPeer(sel({ a: 'b' }), sel({ c: 'd' }))])] }), want: ['and-peer', 'host-network-skipped'] },
  { name: 'from [] flagged as every peer', p: policy('default', 'p', sel(), { types: ['Ingress'], ingress: [rule([], [port(80)])] }), want: ['any-peer', 'host-network-skipped'] },
];
for (const nc of noteCases) {
  test(`explain notes: ${nc.name}`, () => {
    const kinds = explainOne(snapshot({ namespaces, pods, policies: [nc.p] }), nc.p).notes.map((n) => n.kind);
    assert.deepEqual([...kinds].sort(), [...nc.want].sort());
  });
}

test('explain: one named port resolves to different numbers on different selected pods', () => {
  const p = policy('default', 'named', sel({ role: 'db' }), { types: ['Ingress'], ingress: [rule([], [port('redis')])] });
  const e = explainOne(snapshot({ namespaces, pods, policies: [p] }), p);
  const ports = e.ingress?.rules[0]?.ports[0];
  assert.deepEqual(ports?.resolved, [{ pod: 'default/db-0', port: 6379 }, { pod: 'default/db-1', port: 6380 }]);
  assert.deepEqual(ports?.unresolved, ['default/db-2']);
  assert.ok(e.notes.some((n) => n.kind === 'named-port-unresolved'));
});

test('explain: egress named ports resolve on the peer pods', () => {
  const p = policy('prod', 'out', sel({ role: 'client' }), { types: ['Egress'], egress: [rule([podPeer(undefined, sel())], [port('http')])] });
  const e = explainOne(snapshot({ namespaces, pods, policies: [p] }), p);
  assert.deepEqual(e.egress?.rules[0]?.ports[0]?.resolved, [{ pod: 'default/web', port: 8080 }, { pod: 'prod/client', port: 80 }]);
});

test('explain pod: policies, isolation per direction, rules with the pod as target', () => {
  const db1 = pods[1];
  assert.ok(db1);
  const e = explainPod(c, db1);
  assert.deepEqual(e.selectedBy, ['default/test-network-policy']);
  assert.equal(e.ingress.isolated, true);
  assert.equal(e.egress.isolated, true);
  assert.equal(e.ingress.rules.length, 1);
  const web = pods[3];
  assert.ok(web);
  assert.equal(explainPod(c, web).ingress.isolated, false);
});
