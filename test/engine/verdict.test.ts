// The connection table: every rule of NETPOL-SEMANTICS.md as rows of (policies, src, dst, port) -> verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterNode, NetworkPolicy, Peer, Protocol } from '../../src/model/index.js';
import { compileSnapshot, evaluateConnection, isAllowed, type Bypass, type Endpoint, type SideResult } from '../../src/engine/index.js';
import { ip, ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot } from '../support/build.js';

const namespaces = [ns('default'), ns('prod', { team: 'a', project: 'myproject' }), ns('dev', { team: 'b' })];
const pods = [
  pod('default', 'db', { role: 'db' }, { ips: ['10.0.1.10'], node: 'n1', ports: [{ name: 'redis', port: 6379 }, { name: 'metrics', port: 9090 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
  pod('default', 'web', { role: 'frontend' }, { ips: ['10.0.1.11'], node: 'n1', ports: [{ name: 'http', port: 8080 }] }),
  pod('default', 'other', { role: 'other' }, { ips: ['10.0.2.12'], node: 'n2', ports: [{ name: 'http', port: 80 }] }),
  pod('prod', 'client', { role: 'client' }, { ips: ['10.0.2.20'], node: 'n2' }),
  pod('dev', 'client', { role: 'client' }, { ips: ['10.0.3.30'], node: 'n2' }),
  pod('default', 'host', { role: 'frontend' }, { ips: ['192.168.0.1'], node: 'n1', hostNetwork: true }),
  pod('default', 'host2', { role: 'frontend' }, { ips: ['192.168.0.2', 'fd00:ff::2'], node: 'n2', hostNetwork: true }),
  pod('default', 'done', { role: 'db' }, { ips: ['10.0.1.99'], node: 'n1', phase: 'Succeeded' }),
  pod('default', 'v6a', { role: 'v6' }, { ips: ['fd00::10'], node: 'n1', ports: [{ name: 'web', port: 443 }] }),
  pod('default', 'v6b', { role: 'v6c' }, { ips: ['fd00::11'], node: 'n2' }),
  pod('default', 'dual', { role: 'dual' }, { ips: ['10.0.1.50', 'fd00::50'], node: 'n1' }),
  pod('default', 'tmpl', { role: 'frontend' }, {}),
];
/** Nodes with every kind of address a Node object lists: each is the node's own. */
const nodes: ClusterNode[] = [
  { name: 'n1', addresses: [['InternalIP', '192.168.0.1'], ['ExternalIP', '203.0.113.1'], ['InternalIP', 'fd00:ff::1'], ['ExternalIP', '2001:db8:ff::1']].map(([type, a]) => ({ type: type ?? '', ip: ip(a ?? '') })) },
  { name: 'n2', addresses: [['InternalIP', '192.168.0.2'], ['InternalIP', 'fd00:ff::2']].map(([type, a]) => ({ type: type ?? '', ip: ip(a ?? '') })) },
];

const dbIngress = (rules: ReturnType<typeof rule>[], types?: ('Ingress' | 'Egress')[]) =>
  policy('default', 'db-in', sel({ role: 'db' }), { ingress: rules, ...(types ? { types } : {}) });
const clientEgress = (rules: ReturnType<typeof rule>[]) => policy('prod', 'client-out', sel({ role: 'client' }), { types: ['Egress'], egress: rules });
const dbFrom = (peer: Peer) => dbIngress([rule([peer])]);
/** Default deny egress for the pods matching `role`. */
const denyOut = (role: string) => policy('default', `${role}-out`, sel({ role }), { types: ['Egress'] });
const v6aFrom = (peer: Peer) => policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([peer])] });

// Boundary blocks. Their ranges, worked out by hand:
//   172.20.0.0/16 = 172.20.0.0 .. 172.20.255.255; except 172.20.8.0/22 = 172.20.8.0 .. 172.20.11.255.
//   2001:db8:1::/64 = 2001:db8:1:: .. 2001:db8:1:0:ffff:ffff:ffff:ffff; except 2001:db8:1::1:0/126 = ::1:0 .. ::1:3.
//   fd00:5::/120 = fd00:5:: .. fd00:5::ff; except fd00:5::80/127 = fd00:5::80 .. fd00:5::81.
const v4Block = ipBlock('172.20.0.0/16', ['172.20.8.0/22']);
const v6Block = ipBlock('2001:db8:1::/64', ['2001:db8:1::1:0/126']);
const v6Small = ipBlock('fd00:5::/120', ['fd00:5::80/127']);

interface Case {
  name: string;
  policies: NetworkPolicy[];
  from: string;
  to: string;
  port: number;
  protocol?: Protocol;
  want: boolean;
  /** Expected kinds of the egress and ingress sides. */
  sides?: [SideResult['kind'], SideResult['kind']];
  /** Expected bypass; null: none. */
  bypass?: Bypass | null;
}

const cases: Case[] = [
  { name: 'no policies: everything allowed', policies: [], from: 'default/web', to: 'default/db', port: 6379, want: true, sides: ['not-isolated', 'not-isolated'] },
  { name: 'deny-all ingress (ingress: [])', policies: [dbIngress([])], from: 'default/web', to: 'default/db', port: 6379, want: false, sides: ['not-isolated', 'denied'] },
  { name: 'ingress absent, policyTypes [Ingress]: isolates ingress, admits nothing', policies: [policy('default', 'db-in', sel({ role: 'db' }), { types: ['Ingress'] })], from: 'default/web', to: 'default/db', port: 6379, want: false, sides: ['not-isolated', 'denied'] },
  { name: 'ingress absent, policyTypes absent (defaulted to [Ingress]): admits nothing', policies: [policy('default', 'db-in', sel({ role: 'db' }))], from: 'default/web', to: 'default/db', port: 6379, want: false, sides: ['not-isolated', 'denied'] },
  { name: 'egress absent, policyTypes [Egress]: isolates egress, admits nothing', policies: [policy('prod', 'client-out', sel({ role: 'client' }), { types: ['Egress'] })], from: 'prod/client', to: 'default/web', port: 8080, want: false, sides: ['denied', 'not-isolated'] },
  { name: 'deny-all does not touch unselected pods', policies: [dbIngress([])], from: 'default/db', to: 'default/web', port: 8080, want: true },
  { name: 'ingress [{}] allows all', policies: [dbIngress([rule()])], from: 'dev/client', to: 'default/db', port: 1, want: true, sides: ['not-isolated', 'allowed'] },
  { name: 'from [] means every peer', policies: [dbIngress([rule([], [port(6379)])])], from: 'dev/client', to: 'default/db', port: 6379, want: true },
  { name: 'ports [] means every port', policies: [dbIngress([rule([podPeer(sel({ role: 'frontend' }))], [])])], from: 'default/web', to: 'default/db', port: 12345, protocol: 'UDP', want: true },
  { name: 'podSelector peer: same namespace only', policies: [dbIngress([rule([podPeer(sel({ role: 'client' }))])])], from: 'prod/client', to: 'default/db', port: 6379, want: false },
  { name: 'podSelector peer matches in own namespace', policies: [dbIngress([rule([podPeer(sel({ role: 'frontend' }))])])], from: 'default/web', to: 'default/db', port: 6379, want: true },
  { name: 'namespaceSelector peer: all pods of matching namespaces', policies: [dbIngress([rule([podPeer(undefined, sel({ team: 'a' }))])])], from: 'prod/client', to: 'default/db', port: 6379, want: true },
  { name: 'namespaceSelector peer: other namespaces denied', policies: [dbIngress([rule([podPeer(undefined, sel({ team: 'a' }))])])], from: 'dev/client', to: 'default/db', port: 6379, want: false },
  { name: 'namespaceSelector {} admits every namespace', policies: [dbIngress([rule([podPeer(undefined, sel())])])], from: 'dev/client', to: 'default/db', port: 6379, want: true },
  { name: 'AND: one entry with both selectors, pod matches, ns does not', policies: [dbIngress([rule([podPeer(sel({ role: 'client' }), sel({ team: 'a' }))])])], from: 'dev/client', to: 'default/db', port: 6379, want: false },
  { name: 'AND: one entry with both selectors, both match', policies: [dbIngress([rule([podPeer(sel({ role: 'client' }), sel({ team: 'a' }))])])], from: 'prod/client', to: 'default/db', port: 6379, want: true },
  { name: 'OR: two entries, namespace one matches', policies: [dbIngress([rule([podPeer(undefined, sel({ team: 'b' })), podPeer(sel({ role: 'nope' }))])])], from: 'dev/client', to: 'default/db', port: 6379, want: true },
  { name: 'AND inside a rule: peer matches but port does not', policies: [dbIngress([rule([podPeer(sel({ role: 'frontend' }))], [port(6379)])])], from: 'default/web', to: 'default/db', port: 80, want: false },
  { name: 'matchExpressions In', policies: [dbIngress([rule([podPeer(sel({}, [{ key: 'role', operator: 'In', values: ['frontend', 'x'] }]))])])], from: 'default/web', to: 'default/db', port: 1, want: true },
  { name: 'matchExpressions NotIn true when key absent on namespace', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'NotIn', values: ['b'] }]))])])], from: 'default/web', to: 'default/db', port: 1, want: true },
  { name: 'matchExpressions NotIn false on matching value', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'NotIn', values: ['b'] }]))])])], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'matchExpressions Exists', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'Exists', values: [] }]))])])], from: 'dev/client', to: 'default/db', port: 1, want: true },
  { name: 'matchExpressions DoesNotExist', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'DoesNotExist', values: [] }]))])])], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'ipBlock admits a pod address inside', policies: [dbIngress([rule([ipBlock('10.0.0.0/16')])])], from: 'dev/client', to: 'default/db', port: 1, want: true },
  { name: 'ipBlock except excludes', policies: [dbIngress([rule([ipBlock('10.0.0.0/16', ['10.0.3.0/24'])])])], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'ipBlock except covering the pod address mid-range (10.0.3.0/27 holds .30)', policies: [dbIngress([rule([ipBlock('10.0.0.0/16', ['10.0.3.0/27'])])])], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'ipBlock except below the pod address (10.0.3.0/28 ends at .15, pod is .30)', policies: [dbIngress([rule([ipBlock('10.0.0.0/16', ['10.0.3.0/28'])])])], from: 'dev/client', to: 'default/db', port: 1, want: true },
  // Pod dev/client is 10.0.3.30 (an even address: it can start a block, and only a /32 ends on it).
  { name: 'pod IP edge: first address of the cidr (10.0.3.30/31 = .30-.31)', policies: [dbFrom(ipBlock('10.0.3.30/31'))], from: 'dev/client', to: 'default/db', port: 1, want: true },
  { name: 'pod IP edge: one after the cidr (10.0.3.28/31 = .28-.29)', policies: [dbFrom(ipBlock('10.0.3.28/31'))], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'pod IP edge: one before the cidr (10.0.3.31/32)', policies: [dbFrom(ipBlock('10.0.3.31/32'))], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'pod IP edge: first address of the except (10.0.3.30/31)', policies: [dbFrom(ipBlock('10.0.0.0/16', ['10.0.3.30/31']))], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'pod IP edge: the whole except (10.0.3.30/32)', policies: [dbFrom(ipBlock('10.0.0.0/16', ['10.0.3.30/32']))], from: 'dev/client', to: 'default/db', port: 1, want: false },
  { name: 'pod IP edge: first address after the except (10.0.3.28/31 = .28-.29)', policies: [dbFrom(ipBlock('10.0.0.0/16', ['10.0.3.28/31']))], from: 'dev/client', to: 'default/db', port: 1, want: true },
  { name: 'pod IP edge: last address before the except (10.0.3.31/32)', policies: [dbFrom(ipBlock('10.0.0.0/16', ['10.0.3.31/32']))], from: 'dev/client', to: 'default/db', port: 1, want: true },
  // External IPv4 sources on every edge of 172.20.0.0/16 except 172.20.8.0/22.
  { name: 'IPv4 edge: first address of the cidr', policies: [dbFrom(v4Block)], from: '172.20.0.0', to: 'default/db', port: 1, want: true, sides: ['not-a-pod', 'allowed'] },
  { name: 'IPv4 edge: last address of the cidr', policies: [dbFrom(v4Block)], from: '172.20.255.255', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge: one before the cidr', policies: [dbFrom(v4Block)], from: '172.19.255.255', to: 'default/db', port: 1, want: false, sides: ['not-a-pod', 'denied'] },
  { name: 'IPv4 edge: one after the cidr', policies: [dbFrom(v4Block)], from: '172.21.0.0', to: 'default/db', port: 1, want: false },
  { name: 'IPv4 edge: first address of the except', policies: [dbFrom(v4Block)], from: '172.20.8.0', to: 'default/db', port: 1, want: false },
  { name: 'IPv4 edge: last address of the except', policies: [dbFrom(v4Block)], from: '172.20.11.255', to: 'default/db', port: 1, want: false },
  { name: 'IPv4 edge: last address before the except', policies: [dbFrom(v4Block)], from: '172.20.7.255', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge: first address after the except', policies: [dbFrom(v4Block)], from: '172.20.12.0', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge, egress: last address of the except', policies: [clientEgress([rule([v4Block])])], from: 'prod/client', to: '172.20.11.255', port: 1, want: false, sides: ['denied', 'not-a-pod'] },
  { name: 'IPv4 edge, egress: first address after the except', policies: [clientEgress([rule([v4Block])])], from: 'prod/client', to: '172.20.12.0', port: 1, want: true, sides: ['allowed', 'not-a-pod'] },
  { name: 'IPv4 edge, host bits masked: 172.20.77.5/16 starts at 172.20.0.0', policies: [dbFrom(ipBlock('172.20.77.5/16'))], from: '172.20.0.0', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge, host bits masked: 172.20.77.5/16 ends before 172.21.0.0', policies: [dbFrom(ipBlock('172.20.77.5/16'))], from: '172.21.0.0', to: 'default/db', port: 1, want: false },
  { name: 'IPv4 edge: 0.0.0.0/0 holds 255.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0'))], from: '255.255.255.255', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge: except 128.0.0.0/1 starts at 128.0.0.0', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], from: '128.0.0.0', to: 'default/db', port: 1, want: false },
  { name: 'IPv4 edge: except 128.0.0.0/1 leaves 127.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], from: '127.255.255.255', to: 'default/db', port: 1, want: true },
  { name: 'IPv4 edge: except 128.0.0.0/1 holds 255.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], from: '255.255.255.255', to: 'default/db', port: 1, want: false },
  { name: 'ipBlock host bits masked (10.0.9.9/16 = 10.0.0.0/16)', policies: [dbIngress([rule([ipBlock('10.0.9.9/16')])])], from: 'dev/client', to: 'default/db', port: 1, want: true },
  { name: 'ipBlock with external source', policies: [dbIngress([rule([ipBlock('172.17.0.0/16', ['172.17.1.0/24'])])])], from: '172.17.0.5', to: 'default/db', port: 6379, want: true, sides: ['not-a-pod', 'allowed'] },
  { name: 'ipBlock except with external source', policies: [dbIngress([rule([ipBlock('172.17.0.0/16', ['172.17.1.0/24'])])])], from: '172.17.1.5', to: 'default/db', port: 6379, want: false },
  { name: 'selector peers never match external addresses', policies: [dbIngress([rule([podPeer(undefined, sel())])])], from: '172.17.0.5', to: 'default/db', port: 6379, want: false },
  { name: 'numeric port', policies: [dbIngress([rule([], [port(6379)])])], from: 'default/web', to: 'default/db', port: 6379, want: true },
  { name: 'protocol must match (UDP vs TCP)', policies: [dbIngress([rule([], [port(6379)])])], from: 'default/web', to: 'default/db', port: 6379, protocol: 'UDP', want: false },
  { name: 'port without number: whole protocol', policies: [dbIngress([rule([], [port(undefined, 'UDP')])])], from: 'default/web', to: 'default/db', port: 999, protocol: 'UDP', want: true },
  { name: 'SCTP port', policies: [dbIngress([rule([], [port(5000, 'SCTP')])])], from: 'default/web', to: 'default/db', port: 5000, protocol: 'SCTP', want: true },
  { name: 'endPort lower edge', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], from: 'default/web', to: 'default/db', port: 6000, want: true },
  { name: 'endPort upper edge', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], from: 'default/web', to: 'default/db', port: 6379, want: true },
  { name: 'endPort just past', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], from: 'default/web', to: 'default/db', port: 6380, want: false },
  { name: 'endPort just before', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], from: 'default/web', to: 'default/db', port: 5999, want: false },
  { name: 'named ingress port resolves on the selected pod', policies: [dbIngress([rule([], [port('redis')])])], from: 'default/web', to: 'default/db', port: 6379, want: true },
  { name: 'named ingress port: other number denied', policies: [dbIngress([rule([], [port('redis')])])], from: 'default/web', to: 'default/db', port: 6380, want: false },
  { name: 'named port needs the right protocol', policies: [dbIngress([rule([], [port('dns', 'TCP')])])], from: 'default/web', to: 'default/db', port: 53, want: false },
  { name: 'named port UDP', policies: [dbIngress([rule([], [port('dns', 'UDP')])])], from: 'default/web', to: 'default/db', port: 53, protocol: 'UDP', want: true },
  { name: 'named egress port "http" is 8080 on web', policies: [clientEgress([rule([], [port('http')])])], from: 'prod/client', to: 'default/web', port: 8080, want: true, sides: ['allowed', 'not-isolated'] },
  { name: 'named egress port "http" is 80 on other', policies: [clientEgress([rule([], [port('http')])])], from: 'prod/client', to: 'default/other', port: 80, want: true },
  { name: 'named egress port "http": 8080 is not http on other', policies: [clientEgress([rule([], [port('http')])])], from: 'prod/client', to: 'default/other', port: 8080, want: false },
  { name: 'named egress port never matches an external address', policies: [clientEgress([rule([], [port('http')])])], from: 'prod/client', to: '172.17.0.5', port: 80, want: false, sides: ['denied', 'not-a-pod'] },
  { name: 'egress isolation: deny all egress', policies: [clientEgress([])], from: 'prod/client', to: 'default/web', port: 8080, want: false, sides: ['denied', 'not-isolated'] },
  { name: 'egress ipBlock to an external address', policies: [clientEgress([rule([ipBlock('172.17.0.0/16')], [port(443)])])], from: 'prod/client', to: '172.17.9.9', port: 443, want: true },
  { name: 'egress rules to another node\'s address are like any address', policies: [clientEgress([rule([ipBlock('192.168.0.1/32')])])], from: 'prod/client', to: '192.168.0.1', port: 10250, want: true, sides: ['allowed', 'not-a-pod'], bypass: null },
  { name: 'both sides: egress allows, ingress denies', policies: [clientEgress([rule()]), dbIngress([])], from: 'prod/client', to: 'default/db', port: 6379, want: false, sides: ['allowed', 'denied'] },
  { name: 'both sides: egress denies, ingress allows', policies: [clientEgress([]), dbIngress([rule()])], from: 'prod/client', to: 'default/db', port: 6379, want: false, sides: ['denied', 'allowed'] },
  { name: 'policies are additive (union)', policies: [dbIngress([]), policy('default', 'extra', sel({ role: 'db' }), { ingress: [rule([podPeer(sel({ role: 'frontend' }))])] })], from: 'default/web', to: 'default/db', port: 1, want: true },
  { name: 'policyTypes default: egress rules also isolate ingress', policies: [policy('default', 'eg', sel({ role: 'db' }), { egress: [rule([], [port(53, 'UDP')])] })], from: 'default/web', to: 'default/db', port: 6379, want: false },
  { name: 'policyTypes [Egress] only: ingress rules ignored', policies: [policy('default', 'eg', sel({ role: 'db' }), { types: ['Egress'], ingress: [], egress: [rule()] })], from: 'default/web', to: 'default/db', port: 6379, want: true },
  { name: 'policyTypes [Ingress] only: egress rules ignored', policies: [policy('default', 'in', sel({ role: 'db' }), { types: ['Ingress'], ingress: [rule()], egress: [] })], from: 'default/db', to: 'default/web', port: 8080, want: true },
  { name: 'a pod may always reach itself', policies: [dbIngress([]), policy('default', 'eg', sel({ role: 'db' }), { types: ['Egress'] })], from: 'default/db', to: 'default/db', port: 6379, want: true, sides: ['denied', 'denied'], bypass: 'self' },
  // Between a pod and the node it runs on, either way, whatever the node's address: always allowed.
  // Both sides are still evaluated: the record shows what the policies alone would say.
  { name: 'node to its own pod is always allowed', policies: [dbIngress([])], from: '192.168.0.1', to: 'default/db', port: 6379, want: true, sides: ['not-a-pod', 'denied'], bypass: 'node-to-local-pod' },
  { name: 'node to its own pod from an ExternalIP', policies: [dbIngress([])], from: '203.0.113.1', to: 'default/db', port: 6379, want: true, bypass: 'node-to-local-pod' },
  { name: 'node to its own pod over IPv6', policies: [v6aFrom(ipBlock('2001:db8::/32'))], from: 'fd00:ff::1', to: 'default/v6a', port: 443, want: true, sides: ['not-a-pod', 'denied'], bypass: 'node-to-local-pod' },
  { name: 'another node to a pod is governed by ipBlocks', policies: [dbIngress([])], from: '192.168.0.2', to: 'default/db', port: 6379, want: false, sides: ['not-a-pod', 'denied'], bypass: null },
  { name: 'another node to a pod over IPv6 is governed by ipBlocks', policies: [v6aFrom(ipBlock('2001:db8::/32'))], from: 'fd00:ff::2', to: 'default/v6a', port: 443, want: false, bypass: null },
  { name: 'another node to a pod: an ipBlock holding its address admits it', policies: [dbFrom(ipBlock('192.168.0.2/32'))], from: '192.168.0.2', to: 'default/db', port: 6379, want: true, sides: ['not-a-pod', 'allowed'], bypass: null },
  { name: 'hostNetwork pod on the same node = its node: allowed', policies: [dbIngress([])], from: 'default/host', to: 'default/db', port: 6379, want: true, bypass: 'node-to-local-pod' },
  { name: 'hostNetwork pod on another node to a pod: policed', policies: [dbIngress([])], from: 'default/host2', to: 'default/db', port: 6379, want: false, sides: ['host-network', 'denied'], bypass: null },
  { name: 'egress-isolated pod to its own node\'s InternalIP', policies: [denyOut('db')], from: 'default/db', to: '192.168.0.1', port: 10250, want: true, sides: ['denied', 'not-a-pod'], bypass: 'pod-to-own-node' },
  { name: 'egress-isolated pod to its own node\'s ExternalIP', policies: [denyOut('db')], from: 'default/db', to: '203.0.113.1', port: 443, want: true, bypass: 'pod-to-own-node' },
  { name: 'egress-isolated pod to its own node\'s InternalIP over IPv6', policies: [denyOut('v6')], from: 'default/v6a', to: 'fd00:ff::1', port: 10250, want: true, sides: ['denied', 'not-a-pod'], bypass: 'pod-to-own-node' },
  { name: 'egress-isolated pod to its own node\'s ExternalIP over IPv6', policies: [denyOut('v6')], from: 'default/v6a', to: '2001:db8:ff::1', port: 443, want: true, bypass: 'pod-to-own-node' },
  { name: 'dual-stack egress-isolated pod to its own node over IPv6', policies: [denyOut('dual')], from: 'default/dual', to: 'fd00:ff::1', port: 53, protocol: 'UDP', want: true, bypass: 'pod-to-own-node' },
  { name: 'egress-isolated pod to another node\'s address: policed', policies: [denyOut('db')], from: 'default/db', to: '192.168.0.2', port: 10250, want: false, sides: ['denied', 'not-a-pod'], bypass: null },
  { name: 'egress-isolated pod to another node\'s address over IPv6: policed', policies: [denyOut('v6')], from: 'default/v6a', to: 'fd00:ff::2', port: 10250, want: false, bypass: null },
  { name: 'egress-isolated pod to a hostNetwork pod on its own node', policies: [denyOut('db')], from: 'default/db', to: 'default/host', port: 10250, want: true, sides: ['denied', 'host-network'], bypass: 'pod-to-own-node' },
  { name: 'egress-isolated pod to a hostNetwork pod on another node: policed', policies: [denyOut('db')], from: 'default/db', to: 'default/host2', port: 10250, want: false, sides: ['denied', 'host-network'], bypass: null },
  { name: 'egress-isolated pod to a hostNetwork pod on another node over IPv6: policed', policies: [denyOut('v6')], from: 'default/v6a', to: 'default/host2', port: 10250, want: false, bypass: null },
  { name: 'a pod without a node to a node\'s address: policed', policies: [denyOut('frontend')], from: 'default/tmpl', to: '192.168.0.1', port: 10250, want: false, bypass: null },
  { name: 'hostNetwork pods are not matched by selectors', policies: [policy('default', 'p', sel({ role: 'other' }), { ingress: [rule([podPeer(sel({ role: 'frontend' }))])] })], from: 'default/host', to: 'default/other', port: 80, want: false },
  { name: 'hostNetwork pods are matched by ipBlocks on their address', policies: [policy('default', 'p', sel({ role: 'other' }), { ingress: [rule([ipBlock('192.168.0.0/24')])] })], from: 'default/host', to: 'default/other', port: 80, want: true },
  { name: 'hostNetwork pods are never selected', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [] })], from: 'default/db', to: 'default/host', port: 80, want: true, sides: ['not-isolated', 'host-network'] },
  { name: 'a pod without IP is still matched by selectors', policies: [dbIngress([rule([podPeer(sel({ role: 'frontend' }))])])], from: 'default/tmpl', to: 'default/db', port: 1, want: true },
  { name: 'a pod without IP never matches an ipBlock', policies: [dbIngress([rule([ipBlock('0.0.0.0/0')])])], from: 'default/tmpl', to: 'default/db', port: 1, want: false },
  { name: 'finished pods are not matched by selectors as peers', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [rule([podPeer(sel({ role: 'db' }))])] })], from: 'default/done', to: 'default/web', port: 1, want: false },
  { name: 'finished pods are not selected', policies: [policy('default', 'p', sel({ role: 'db' }), { ingress: [] })], from: 'default/web', to: 'default/done', port: 1, want: true },
  { name: 'IPv6 ipBlock admits an IPv6 pod', policies: [policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([ipBlock('fd00::/64', ['fd00::10/128'])])] })], from: 'default/v6b', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 except excludes', policies: [policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([ipBlock('fd00::/64', ['fd00::11/128'])])] })], from: 'default/v6b', to: 'default/v6a', port: 443, want: false },
  // Pod v6b is fd00::11 (odd: it can end a block, and only a /128 starts on it).
  { name: 'IPv6 pod IP edge: last address of the except (fd00::10/127 = ::10-::11)', policies: [v6aFrom(ipBlock('fd00::/64', ['fd00::10/127']))], from: 'default/v6b', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 pod IP edge: last address before the except (fd00::12/127)', policies: [v6aFrom(ipBlock('fd00::/64', ['fd00::12/127']))], from: 'default/v6b', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 pod IP edge: first address after the except (fd00::10/128)', policies: [v6aFrom(ipBlock('fd00::/64', ['fd00::10/128']))], from: 'default/v6b', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 pod IP edge: last address of the cidr (fd00::10/127)', policies: [v6aFrom(ipBlock('fd00::10/127'))], from: 'default/v6b', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 pod IP edge: one after the cidr (fd00::10/128)', policies: [v6aFrom(ipBlock('fd00::10/128'))], from: 'default/v6b', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 pod IP edge: one before the cidr (fd00::12/127)', policies: [v6aFrom(ipBlock('fd00::12/127'))], from: 'default/v6b', to: 'default/v6a', port: 443, want: false },
  // External IPv6 sources on every edge of 2001:db8:1::/64 except 2001:db8:1::1:0/126 (edges cross 16-bit groups and bit 64).
  { name: 'IPv6 edge /64: first address of the cidr', policies: [v6aFrom(v6Block)], from: '2001:db8:1::', to: 'default/v6a', port: 443, want: true, sides: ['not-a-pod', 'allowed'] },
  { name: 'IPv6 edge /64: last address of the cidr', policies: [v6aFrom(v6Block)], from: '2001:db8:1:0:ffff:ffff:ffff:ffff', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge /64: one before the cidr', policies: [v6aFrom(v6Block)], from: '2001:db8:0:ffff:ffff:ffff:ffff:ffff', to: 'default/v6a', port: 443, want: false, sides: ['not-a-pod', 'denied'] },
  { name: 'IPv6 edge /64: one after the cidr', policies: [v6aFrom(v6Block)], from: '2001:db8:1:1::', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /126 except: first address of the except', policies: [v6aFrom(v6Block)], from: '2001:db8:1::1:0', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /126 except: last address of the except', policies: [v6aFrom(v6Block)], from: '2001:db8:1::1:3', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /126 except: last address before the except', policies: [v6aFrom(v6Block)], from: '2001:db8:1::ffff', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge /126 except: first address after the except', policies: [v6aFrom(v6Block)], from: '2001:db8:1::1:4', to: 'default/v6a', port: 443, want: true },
  // fd00:5::/120 except fd00:5::80/127.
  { name: 'IPv6 edge /120: first address of the cidr', policies: [v6aFrom(v6Small)], from: 'fd00:5::', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge /120: last address of the cidr', policies: [v6aFrom(v6Small)], from: 'fd00:5::ff', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge /120: one before the cidr', policies: [v6aFrom(v6Small)], from: 'fd00:4:ffff:ffff:ffff:ffff:ffff:ffff', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /120: one after the cidr', policies: [v6aFrom(v6Small)], from: 'fd00:5::100', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /127 except: first address of the except', policies: [v6aFrom(v6Small)], from: 'fd00:5::80', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /127 except: last address of the except', policies: [v6aFrom(v6Small)], from: 'fd00:5::81', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge /127 except: last address before the except', policies: [v6aFrom(v6Small)], from: 'fd00:5::7f', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge /127 except: first address after the except', policies: [v6aFrom(v6Small)], from: 'fd00:5::82', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge, host bits masked: fd00:5::ab/120 is fd00:5::/120', policies: [v6aFrom(ipBlock('fd00:5::ab/120'))], from: 'fd00:5::', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge, egress: last address of the except', policies: [policy('default', 'p', sel({ role: 'v6c' }), { types: ['Egress'], egress: [rule([v6Small])] })], from: 'default/v6b', to: 'fd00:5::81', port: 443, want: false, sides: ['denied', 'not-a-pod'] },
  { name: 'IPv6 edge: except 8000::/1 starts at 8000::', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], from: '8000::', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 edge: except 8000::/1 leaves 7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], from: '7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', to: 'default/v6a', port: 443, want: true },
  { name: 'IPv6 edge: except 8000::/1 holds the last address', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], from: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv4 block never matches an IPv6 connection', policies: [policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([ipBlock('0.0.0.0/0')])] })], from: 'default/v6b', to: 'default/v6a', port: 443, want: false },
  { name: 'IPv6 external source', policies: [policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([ipBlock('2001:db8::/32')], [port('web')])] })], from: '2001:db8::1', to: 'default/v6a', port: 443, want: true },
  { name: 'dual-stack pod matched over IPv4 from an IPv4 peer', policies: [policy('default', 'p', sel({ role: 'db' }), { ingress: [rule([ipBlock('10.0.1.50/32')])] })], from: 'default/dual', to: 'default/db', port: 1, want: true },
];

const world = (policies: NetworkPolicy[]) => compileSnapshot(snapshot({ namespaces, pods, nodes, policies }));

function endpoint(text: string): Endpoint {
  const p = pods.find((x) => `${x.namespace}/${x.name}` === text);
  return p ? { kind: 'pod', pod: p } : { kind: 'ip', ip: ip(text) };
}

for (const c of cases) {
  test(c.name, () => {
    const v = evaluateConnection(world(c.policies), { src: endpoint(c.from), dst: endpoint(c.to), port: c.port, protocol: c.protocol ?? 'TCP' });
    assert.equal(isAllowed(v), c.want, JSON.stringify(v, null, 1));
    if (c.sides) assert.deepEqual([v.egress.kind, v.ingress.kind], c.sides);
    if (c.bypass !== undefined) assert.equal(v.bypass ?? null, c.bypass);
  });
}

test('a denial names every isolating policy and what each rule missed', () => {
  const policies = [dbIngress([rule([podPeer(sel({ role: 'frontend' })), ipBlock('10.0.0.0/16', ['10.0.3.0/24'])], [port('redis')])]), policy('default', 'empty', sel({ role: 'db' }), { ingress: [] })];
  const v = evaluateConnection(world(policies), { src: endpoint('dev/client'), dst: endpoint('default/db'), port: 6379, protocol: 'TCP' });
  assert.equal(v.ingress.kind, 'denied');
  if (v.ingress.kind !== 'denied') return;
  assert.deepEqual(v.ingress.policies.map((p) => p.policy), ['default/db-in', 'default/empty']);
  const r = v.ingress.policies[0]?.rules[0];
  assert.deepEqual(r?.peerMisses, [
    { kind: 'other-namespace', want: 'default', got: 'dev' },
    { kind: 'in-except', address: '10.0.3.30', cidr: '10.0.0.0/16', except: '10.0.3.0/24' },
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
