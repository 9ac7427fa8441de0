/**
 * The admin tiers in a node's rule set (node/ruleset.ts, node/tier-lines.ts): which pods are
 * intercepted, the shape of a tiered pod's decision chain and pass chain, the peer and port parts
 * of tier lines, and that status and cleanup take the new chains and sets for ours. Whether the
 * lines decide right is the connectivity table's to show (test/node/connectivity.test.ts and the
 * lab); these check what that table cannot see: the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicy, Snapshot, TierPolicy } from '../../src/model/index.js';
import { compileSnapshot } from '../../src/engine/index.js';
import {
  buildRuleSet,
  isOurChain,
  isOurSet,
  nodeStatus,
  parseNodeState,
  parseStatusRead,
  passChainName,
  planCleanup,
  podChainName,
  renderChainRules,
  type FamilyRules,
  type RuleSet,
} from '../../src/node/index.js';
import {
  anp,
  banp,
  cnp,
  node,
  pod,
  policy,
  sel,
  snapshot,
  subjectPods,
  tierNamespaces,
  tierNetworks,
  tierNodes,
  tierPort,
  tierRule,
  tierUnknown,
} from '../support/build.js';
import { installedState } from './installed.js';

const db = pod('a', 'db', { app: 'db' }, { node: 'n1', ips: ['10.0.1.1', 'fd00::1'], ports: [{ name: 'redis', port: 6379 }, { name: 'dns', port: 53, protocol: 'UDP' }] });
const web = pod('a', 'web', { app: 'web' }, { node: 'n1', ips: ['10.0.1.2'] });
const remote = pod('b', 'client', { app: 'client' }, { node: 'n2', ips: ['10.0.2.1'] });
const NODES = [
  { ...node('n1', '192.168.0.1', 'fd00:ff::1'), labels: { zone: 'x' } },
  { ...node('n2', '192.168.0.2', 'fd00:ff::2'), labels: { zone: 'y' } },
];
const dbSubject = subjectPods(sel({ app: 'db' }));
const everyNs = tierNamespaces(sel());
const denyAllIn = (ns: string, name: string): NetworkPolicy => policy(ns, name, sel(), { types: ['Ingress'] });

function rulesOf(tierPolicies: TierPolicy[], policies: NetworkPolicy[] = [], nodeName = 'n1'): RuleSet {
  const s: Snapshot = snapshot({ pods: [db, web, remote], nodes: NODES, policies, tierPolicies });
  return buildRuleSet(compileSnapshot(s), nodeName);
}

function lines(f: FamilyRules, chain: string): string[] {
  return renderChainRules(f).filter((l) => l.startsWith(`-A ${chain} `));
}

/** Each line's target, and its match part with set names blanked: what a reader checks first. */
function shape(f: FamilyRules, chain: string): string[] {
  return lines(f, chain).map((l) =>
    l
      .slice(`-A ${chain} `.length)
      .replace(/ ?-m comment --comment "[^"]*"/, '')
      .trim()
      .replace(/KNP-[46][PNTH]-[0-9a-f]{16}/g, (n) => `SET:${n.charAt(5)}`)
      .replace(/KNP-(POD|PASS|POL)-([EI])-[0-9a-f]{12}/g, '$1-$2'),
  );
}

const DB_IN = podChainName('a', 'db', 'ingress');
const DB_PASS_IN = passChainName('a', 'db', 'ingress');

test('a pod a tier policy selects is intercepted though no NetworkPolicy isolates it; others are not', () => {
  const rs = rulesOf([anp('deny', 10, dbSubject, { ingress: [tierRule('Deny', [everyNs])] })]);
  assert.equal(rs.v4.enforcing, true);
  const forward = renderChainRules(rs.v4).filter((l) => l.startsWith('-A KNP-FORWARD ') && / -j KNP-POD-/.test(l));
  assert.deepEqual(forward.map((l) => / -j (\S+)$/.exec(l)?.[1]), [DB_IN, DB_IN]);
  assert.equal(rs.v4.chains.some((c) => c.name === podChainName('a', 'db', 'egress')), false, 'no egress rules: no egress interception');
  assert.equal(rs.v4.chains.some((c) => c.name === podChainName('a', 'web', 'ingress')), false);
});

test('admin Allow, Deny and Pass; the rest, with no NetworkPolicy, is the baseline tier and a default RETURN, behind the Pass', () => {
  const rs = rulesOf([
    anp('first', 10, dbSubject, { ingress: [tierRule('Allow', [tierNamespaces(sel({ 'kubernetes.io/metadata.name': 'a' }))]), tierRule('Pass', [everyNs], [tierPort(6379)])] }),
    anp('second', 20, dbSubject, { ingress: [tierRule('Deny', [everyNs], [tierPort(9000, 'TCP', 9100)])] }),
    banp(dbSubject, { ingress: [tierRule('Deny', [everyNs], [tierPort(53, 'UDP')])] }),
  ]);
  assert.deepEqual(shape(rs.v4, DB_IN), [
    '-s 10.0.1.1/32 -j RETURN',
    '-m set --match-set SET:P src -j RETURN',
    `-p tcp -m set --match-set SET:P src -m tcp --dport 6379 -g PASS-I`,
    '-p tcp -m set --match-set SET:P src -m tcp --dport 9000:9100 -j REJECT --reject-with icmp-port-unreachable',
    '-g PASS-I',
  ]);
  assert.deepEqual(shape(rs.v4, DB_PASS_IN), ['-p udp -m set --match-set SET:P src -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable', '-j RETURN']);
  assert.match(lines(rs.v4, DB_IN)[1] ?? '', /--comment "a\/db ingress: AdminNetworkPolicy\/first ingress\[0\] from\[0\]: Allow"/);
});

test('no Pass: the rest inline, and with a NetworkPolicy isolating the pod it is the policy part, the baseline tier left out', () => {
  const rs = rulesOf([anp('deny', 10, dbSubject, { ingress: [tierRule('Deny', [everyNs])] }), banp(dbSubject, { ingress: [tierRule('Allow', [everyNs])] })], [denyAllIn('a', 'deny-all')]);
  assert.deepEqual(shape(rs.v4, DB_IN), [
    '-s 10.0.1.1/32 -j RETURN',
    '-m set --match-set SET:P src -j REJECT --reject-with icmp-port-unreachable',
    '-j POL-I',
    '-m mark --mark 0x200000/0x200000 -j RETURN',
    '-j REJECT --reject-with icmp-port-unreachable',
  ]);
  assert.equal(rs.v4.chains.some((c) => c.name === DB_PASS_IN), false);
});

test('a pod no tier policy selects keeps exactly the chain it has without tier policies', () => {
  const np = [denyAllIn('a', 'deny-all')];
  const plain = rulesOf([], np);
  const tiered = rulesOf([anp('deny', 10, dbSubject, { ingress: [tierRule('Deny', [everyNs])] })], np);
  const webIn = podChainName('a', 'web', 'ingress');
  assert.deepEqual(lines(tiered.v4, webIn), lines(plain.v4, webIn));
  assert.notDeepEqual(lines(tiered.v4, DB_IN), lines(plain.v4, DB_IN));
});

test('a baseline Pass (ClusterNetworkPolicy) returns: the default allows', () => {
  const rs = rulesOf([cnp('base', 'Baseline', 10, dbSubject, { ingress: [tierRule('Pass', [everyNs]), tierRule('Deny', [everyNs])] })]);
  assert.deepEqual(shape(rs.v4, DB_IN), [
    '-s 10.0.1.1/32 -j RETURN',
    '-m set --match-set SET:P src -j RETURN',
    '-m set --match-set SET:P src -j REJECT --reject-with icmp-port-unreachable',
    '-j RETURN',
  ]);
  assert.match(lines(rs.v4, DB_IN)[1] ?? '', /ClusterNetworkPolicy\/base ingress\[0\] from\[0\]: Pass"/);
});

test('an unknown peer fails closed: an Allow gets no line, a Deny a line for every address', () => {
  const rs = rulesOf([anp('u', 10, dbSubject, { ingress: [tierRule('Allow', [tierUnknown('future')]), tierRule('Deny', [tierUnknown('future')], [tierPort(80)])] })]);
  assert.deepEqual(shape(rs.v4, DB_IN), ['-s 10.0.1.1/32 -j RETURN', '-p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable', '-j RETURN']);
});

test('an ingress named port is the pod\'s own number, for the protocol it declares the name with', () => {
  const rs = rulesOf([anp('named', 10, dbSubject, { ingress: [tierRule('Deny', [everyNs], [tierPort('redis'), tierPort('dns'), tierPort('nope')])] })]);
  assert.deepEqual(shape(rs.v4, DB_IN).slice(1, -1), [
    '-p tcp -m set --match-set SET:P src -m tcp --dport 6379 -j REJECT --reject-with icmp-port-unreachable',
    '-p udp -m set --match-set SET:P src -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
  ]);
});

test('an egress named port matches (address, port) of the peer pods that declare it', () => {
  const rs = rulesOf([anp('named', 10, subjectPods(sel({ app: 'web' })), { egress: [tierRule('Deny', [everyNs], [tierPort('redis')])] })]);
  const chain = podChainName('a', 'web', 'egress');
  const [line] = shape(rs.v4, chain).slice(1, -1);
  assert.equal(line, '-p tcp -m set --match-set SET:P dst -m set --match-set SET:T dst,dst -j REJECT --reject-with icmp-port-unreachable');
  const named = rs.v4.sets.find((s) => s.type === 'hash:ip,port');
  assert.deepEqual(named?.entries.map((e) => (e.kind === 'ip-port' ? `${e.ip.text},${e.port}` : e.kind)), ['10.0.1.1,6379']);
});

test('nodes and networks peers: sets of the selected nodes\' addresses (per family) and of each CIDR', () => {
  const rs = rulesOf([anp('out', 10, dbSubject, { egress: [tierRule('Deny', [tierNodes(sel({ zone: 'y' })), tierNetworks('198.51.100.0/24', '2001:db8::/64')])] })]);
  const chain = podChainName('a', 'db', 'egress');
  assert.deepEqual(shape(rs.v4, chain).slice(1, -1), [
    '-m set --match-set SET:H dst -j REJECT --reject-with icmp-port-unreachable',
    '-m set --match-set SET:N dst -j REJECT --reject-with icmp-port-unreachable',
  ]);
  const entries = (f: FamilyRules, type: string): string[] => f.sets.filter((s) => s.type === type).flatMap((s) => s.entries.map((e) => (e.kind === 'ip' ? e.ip.text : e.kind === 'net' ? e.cidr.text : e.kind)));
  assert.deepEqual(entries(rs.v4, 'hash:ip'), ['192.168.0.2']);
  assert.deepEqual(entries(rs.v6, 'hash:ip'), ['fd00:ff::2']);
  assert.deepEqual(entries(rs.v4, 'hash:net'), ['198.51.100.0/24']);
  assert.deepEqual(entries(rs.v6, 'hash:net'), ['2001:db8::/64']);
  assert.ok(rs.v4.sets.every((s) => isOurSet(s.name)));
});

test('status: a tiered rule set installed is in sync; with the Pass gone the pass chain is the pod\'s, left over', () => {
  const pass = anp('pass', 10, dbSubject, { ingress: [tierRule('Pass', [everyNs])] });
  const installed = rulesOf([pass], [denyAllIn('a', 'deny-all')]);
  assert.ok(installed.v4.chains.some((c) => c.name === DB_PASS_IN) && isOurChain(DB_PASS_IN));
  const read = parseStatusRead(installedState(installed));
  assert.equal(nodeStatus(installed, read).state, 'in-sync');
  const after = nodeStatus(rulesOf([], [denyAllIn('a', 'deny-all')]), read);
  assert.equal(after.state, 'stale');
  const gone = after.changes.filter((c) => c.chain === DB_PASS_IN);
  // One per family: db has an IPv4 and an IPv6 address.
  assert.deepEqual(gone.map((c) => [c.family, c.owner, c.change]), [4, 6].map((f) => [f, { kind: 'pod', name: 'a/db', direction: 'ingress' }, 'left-over']));
});

test('cleanup: the pass chain, the goto into it and a node address set go; nothing else is named', () => {
  const rs = rulesOf([anp('pass', 10, dbSubject, { ingress: [tierRule('Pass', [everyNs])], egress: [tierRule('Deny', [tierNodes(sel())])] })]);
  const state = parseNodeState(installedState(rs));
  const plan = planCleanup('n1', state);
  assert.ok(plan.ok, plan.ok ? '' : plan.error);
  const v4 = plan.plan.v4;
  assert.equal(v4.kind, 'restore');
  if (v4.kind !== 'restore') return;
  assert.ok(v4.restore.includes(`-X ${DB_PASS_IN}`), v4.restore.join('\n'));
  assert.ok(v4.restore.includes(`:${DB_PASS_IN} - [0:0]`));
  assert.ok(plan.plan.sets.stale.some((n) => /^KNP-4H-/.test(n)), plan.plan.sets.stale.join(' '));
});
