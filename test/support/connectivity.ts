/**
 * @module test/support/connectivity
 * The one connectivity table of NETPOL-SEMANTICS.md, run by every implementation the way hono
 * runs one `runTest` against every router: the engine's verdict (test/engine), the node rule set
 * interpreted packet by packet (test/node) and real packets in the netns lab (test/lab). A row is
 * a set of policies over one fixed world, one connection and the verdict the semantics demand.
 *
 * The world is laid out as scripts/lab.sh lays out a lab, so that one lab hosts every row: pods at
 * 10.244.N.H (and fd00:244:N::H) on node N, nodes at 192.168.56.(10+N) and fd00:56::(10+N) on the
 * node link and at 10.244.N.1 on their bridge, external hosts anywhere else on the node link
 * (192.168.56.0/24, fd00:56::/64). Rows that need an address no lab member can hold (template
 * pods, 255.255.255.255, 2001:db8:1::/64) stay in the table; the lab says why it skips them.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoint } from '../../src/engine/index.js';
import type { ClusterNode, IpFamily, NetworkPolicy, Peer, Protocol, Rule, Snapshot, TierPolicy, TierRule } from '../../src/model/index.js';
import {
  anp,
  banp,
  cnp,
  ip,
  ipBlock,
  ns,
  pod,
  podPeer,
  policy,
  port,
  rule,
  sel,
  snapshot,
  subjectNamespaces,
  subjectPods,
  tierNamespaces,
  tierNetworks,
  tierNodes,
  tierPods,
  tierPort,
  tierRule,
  tierUnknown,
} from './build.js';

export const NAMESPACES = [ns('default'), ns('prod', { team: 'a', project: 'myproject' }), ns('dev', { team: 'b' })];

/** node-a is lab node 1 (pods 10.244.1.H), node-b lab node 2. */
export const PODS = [
  pod('default', 'db', { role: 'db' }, { ips: ['10.244.1.10'], node: 'node-a', ports: [{ name: 'redis', port: 6379 }, { name: 'metrics', port: 9090 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
  pod('default', 'web', { role: 'frontend' }, { ips: ['10.244.1.11'], node: 'node-a', ports: [{ name: 'http', port: 8080 }] }),
  pod('default', 'v6a', { role: 'v6' }, { ips: ['10.244.1.16', 'fd00:244:1::16'], node: 'node-a', ports: [{ name: 'web', port: 443 }] }),
  pod('default', 'dual', { role: 'dual' }, { ips: ['10.244.1.50', 'fd00:244:1::50'], node: 'node-a' }),
  // A finished pod whose address is still on the wire: it takes no part, so policies never name it.
  pod('default', 'done', { role: 'db' }, { ips: ['10.244.1.99'], node: 'node-a', phase: 'Succeeded' }),
  pod('default', 'host', { role: 'frontend' }, { ips: ['192.168.56.11', 'fd00:56::11'], node: 'node-a', hostNetwork: true }),
  pod('default', 'other', { role: 'other' }, { ips: ['10.244.2.12'], node: 'node-b', ports: [{ name: 'http', port: 80 }] }),
  pod('default', 'v6b', { role: 'v6c' }, { ips: ['10.244.2.11', 'fd00:244:2::11'], node: 'node-b' }),
  pod('prod', 'client', { role: 'client' }, { ips: ['10.244.2.20'], node: 'node-b' }),
  pod('dev', 'client', { role: 'client' }, { ips: ['10.244.2.30'], node: 'node-b' }),
  pod('default', 'host2', { role: 'frontend' }, { ips: ['192.168.56.12', 'fd00:56::12'], node: 'node-b', hostNetwork: true }),
  // A workload template: no node, no address; selectors still match it.
  pod('default', 'tmpl', { role: 'frontend' }),
];

function addresses(...list: [string, string][]): ClusterNode['addresses'] {
  return list.map(([type, a]) => ({ type, ip: ip(a) }));
}

/** Every address a node holds is the node's: link, bridge, and node-a's ExternalIPs too. Labelled as the kubelet labels them, for tier `nodes` peers. */
export const NODES: ClusterNode[] = [
  {
    name: 'node-a',
    labels: { 'kubernetes.io/hostname': 'node-a' },
    addresses: addresses(
      ['InternalIP', '192.168.56.11'], ['InternalIP', 'fd00:56::11'], ['InternalIP', '10.244.1.1'], ['InternalIP', 'fd00:244:1::1'],
      ['ExternalIP', '203.0.113.1'], ['ExternalIP', '2001:db8:ff::1'],
    ),
  },
  { name: 'node-b', labels: { 'kubernetes.io/hostname': 'node-b' }, addresses: addresses(['InternalIP', '192.168.56.12'], ['InternalIP', 'fd00:56::12'], ['InternalIP', '10.244.2.1'], ['InternalIP', 'fd00:244:2::1']) },
];

export interface Row {
  readonly name: string;
  readonly policies: readonly NetworkPolicy[];
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy objects; none when left out. */
  readonly tierPolicies?: readonly TierPolicy[];
  /** `namespace/name` of a pod of PODS, or an address. */
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  /** TCP when left out. */
  readonly protocol?: Protocol;
  /** The family to connect over when both ends have both; left out, the engine's default. */
  readonly family?: IpFamily;
  readonly allowed: boolean;
}

export function snapshotOf(row: Pick<Row, 'policies' | 'tierPolicies'>): Snapshot {
  return snapshot({ namespaces: NAMESPACES, pods: PODS, nodes: NODES, policies: [...row.policies], tierPolicies: [...(row.tierPolicies ?? [])] });
}

/** A pod is returned as the very object of PODS: the engine tells "a pod to itself" by identity. */
export function endpointOf(text: string): Endpoint {
  const p = PODS.find((x) => `${x.namespace}/${x.name}` === text);
  if (p !== undefined) return { kind: 'pod', pod: p };
  if (!/^[0-9a-f.:]+$/.test(text)) throw new Error(`connectivity: ${text} is neither a pod of the world nor an address`);
  return { kind: 'ip', ip: ip(text) };
}

const dbIngress = (rules: Rule[], types?: ('Ingress' | 'Egress')[]) => policy('default', 'db-in', sel({ role: 'db' }), { ingress: rules, ...(types ? { types } : {}) });
const clientEgress = (rules: Rule[]) => policy('prod', 'client-out', sel({ role: 'client' }), { types: ['Egress'], egress: rules });
const dbFrom = (peer: Peer) => dbIngress([rule([peer])]);
/** Default deny egress for the pods matching `role`. */
const denyOut = (role: string) => policy('default', `${role}-out`, sel({ role }), { types: ['Egress'] });
const v6aFrom = (peer: Peer) => policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([peer])] });
const webOut = (rules: Rule[]) => policy('default', 'web-out', sel({ role: 'frontend' }), { types: ['Egress'], egress: rules });
const httpIn = policy('default', 'http-in', sel({}, [{ key: 'role', operator: 'In', values: ['frontend', 'other'] }]), { ingress: [rule([], [port('http')])] });
const denyAllDefault = policy('default', 'deny-all', sel(), { types: ['Ingress', 'Egress'] });

// Boundary blocks, with their ranges worked out by hand:
//   192.168.56.128/26 = .128 .. .191; except 192.168.56.144/30 = .144 .. .147 (external hosts on the node link).
//   fd00:56::1:0/120 = fd00:56::1:0 .. fd00:56::1:ff; except fd00:56::1:80/127 = ::1:80 .. ::1:81.
//   2001:db8:1::/64 = 2001:db8:1:: .. 2001:db8:1:0:ffff:ffff:ffff:ffff; except 2001:db8:1::1:0/126 = ::1:0 .. ::1:3
//   (edges that cross 16-bit groups and bit 64: no lab network holds them).
const v4Block = ipBlock('192.168.56.128/26', ['192.168.56.144/30']);
const v6Small = ipBlock('fd00:56::1:0/120', ['fd00:56::1:80/127']);
const v6Block = ipBlock('2001:db8:1::/64', ['2001:db8:1::1:0/126']);

const sameNs = (s: string): Peer => podPeer(sel({ role: s }));
const inNs = (labels: Record<string, string>): Peer => podPeer(undefined, sel(labels));

// The admin tiers (docs/TIERS.md). Subjects and peers as the API writes them: every namespace
// unless a namespaceSelector narrows it. Each set of tier policies is one constant, shared by the
// rows that probe it, so that the lab applies it once.
const inDefault = sel({ 'kubernetes.io/metadata.name': 'default' });
const dbSubject = subjectPods(sel({ role: 'db' }), inDefault);
const webSubject = subjectPods(sel({ role: 'frontend' }), inDefault);
const everyNs = tierNamespaces(sel());
const anpDbIn = (name: string, priority: number, ...ingress: TierRule[]): TierPolicy => anp(name, priority, dbSubject, { ingress });
const allowAllToDb = [anpDbIn('allow-db', 10, tierRule('Allow', [everyNs]))];
const denyTeamAToDb = [anpDbIn('deny-team-a', 10, tierRule('Deny', [tierNamespaces(sel({ team: 'a' }))]))];
const denyClientToDb = [anp('deny-db', 10, subjectNamespaces(sel({ team: 'a' })), { egress: [tierRule('Deny', [tierPods(sel({ role: 'db' }))])] })];
const passAll = anpDbIn('pass', 10, tierRule('Pass', [everyNs]));
const passThenDeny = [passAll, anpDbIn('later-deny', 20, tierRule('Deny', [everyNs]))];
const passThenAllow = [passAll, anpDbIn('later-allow', 20, tierRule('Allow', [everyNs]))];
const banpDenyDb = banp(dbSubject, { ingress: [tierRule('Deny', [everyNs])] });
const banpDbFrontendFirst = [banp(dbSubject, { ingress: [tierRule('Allow', [tierPods(sel({ role: 'frontend' }))]), tierRule('Deny', [everyNs])] })];
const banpAllowDb = [banp(dbSubject, { ingress: [tierRule('Allow', [everyNs])] })];
// Names in the opposite order of priorities: the priority must decide, not the name.
const allowBeforeDeny = [anpDbIn('a-deny', 20, tierRule('Deny', [everyNs])), anpDbIn('b-allow', 10, tierRule('Allow', [everyNs]))];
const denyBeforeAllow = [anpDbIn('a-deny', 10, tierRule('Deny', [everyNs])), anpDbIn('b-allow', 20, tierRule('Allow', [everyNs]))];
const frontendAllowedFirst = [anpDbIn('order', 10, tierRule('Allow', [tierPods(sel({ role: 'frontend' }))]), tierRule('Deny', [everyNs]))];
const denyAllFirst = [anpDbIn('order', 10, tierRule('Deny', [everyNs]), tierRule('Allow', [tierPods(sel({ role: 'frontend' }))]))];
const denyDbPorts = [anpDbIn('ports', 10, tierRule('Deny', [everyNs], [tierPort(6379), tierPort(9000, 'TCP', 9100), tierPort(53, 'UDP')]))];
const denyDbNamed = [anpDbIn('named', 10, tierRule('Deny', [everyNs], [tierPort('redis'), tierPort('dns')]))];
const webDeniesRedisOut = [anp('no-redis', 10, webSubject, { egress: [tierRule('Deny', [everyNs], [tierPort('redis')])] })];
const dbSubjectOut = (name: string, ...egress: TierRule[]): TierPolicy => anp(name, 10, dbSubject, { egress });
const dbDeniedLowLink = [dbSubjectOut('no-low-link', tierRule('Deny', [tierNetworks('192.168.56.0/25', 'fd00:56::/120')]))];
const dbAllowedLink = [dbSubjectOut('link', tierRule('Allow', [tierNetworks('192.168.56.0/24')]))];
const dbDeniedNodeB = [dbSubjectOut('no-node-b', tierRule('Deny', [tierNodes(sel({ 'kubernetes.io/hostname': 'node-b' }))]))];
const dbDeniedNodes = [dbSubjectOut('no-nodes', tierRule('Deny', [tierNodes(sel())]))];
const dbAllowedNodes = [dbSubjectOut('nodes', tierRule('Allow', [tierNodes(sel())]))];
const v6aDeniedNodes = [anp('no-nodes', 10, subjectPods(sel({ role: 'v6' }), inDefault), { egress: [tierRule('Deny', [tierNodes(sel())])] })];
const cnpDbIn = (name: string, tier: 'Admin' | 'Baseline', priority: number, ...ingress: TierRule[]): TierPolicy => cnp(name, tier, priority, dbSubject, { ingress });
const cnpAccept = [cnpDbIn('accept', 'Admin', 10, tierRule('Allow', [everyNs]))];
const cnpDeny = [cnpDbIn('deny', 'Admin', 10, tierRule('Deny', [tierNamespaces(sel({ team: 'a' }))]))];
const cnpPassThenBaselineDeny = [cnpDbIn('pass', 'Admin', 10, tierRule('Pass', [everyNs])), cnpDbIn('baseline-deny', 'Baseline', 10, tierRule('Deny', [everyNs]))];
const cnpBaselinePassFirst = [cnpDbIn('baseline-pass', 'Baseline', 10, tierRule('Pass', [tierPods(sel({ role: 'frontend' }))]), tierRule('Deny', [everyNs]))];
const webAllowedOut = [anp('web-out', 10, webSubject, { egress: [tierRule('Allow', [everyNs])] })];
const teamAAllowedOut = [anp('team-a-out', 10, subjectNamespaces(sel({ team: 'a' })), { egress: [tierRule('Allow', [everyNs])] })];
const unknownDeny = [anpDbIn('unknown-deny', 10, tierRule('Deny', [tierUnknown('domainNames')]))];
const unknownAllow = [anpDbIn('unknown-allow', 10, tierRule('Allow', [tierUnknown('domainNames')]))];
const v6aDeniedFromV6c = [anp('v6', 10, subjectPods(sel({ role: 'v6' }), inDefault), { ingress: [tierRule('Deny', [tierPods(sel({ role: 'v6c' }))])] })];

export const ROWS: readonly Row[] = [
  // Isolation, deny-all and the empty/absent lists.
  { name: 'no policies: everything allowed', policies: [], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'deny-all ingress (ingress: [])', policies: [dbIngress([])], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ingress absent, policyTypes [Ingress]: isolates ingress, admits nothing', policies: [policy('default', 'db-in', sel({ role: 'db' }), { types: ['Ingress'] })], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ingress absent, policyTypes absent (defaulted to [Ingress]): admits nothing', policies: [policy('default', 'db-in', sel({ role: 'db' }))], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'egress absent, policyTypes [Egress]: isolates egress, admits nothing', policies: [policy('prod', 'client-out', sel({ role: 'client' }), { types: ['Egress'] })], src: 'prod/client', dst: 'default/web', port: 8080, allowed: false },
  { name: 'deny-all does not touch unselected pods', policies: [dbIngress([])], src: 'default/db', dst: 'default/web', port: 8080, allowed: true },
  { name: 'namespace deny-all both ways: bridged pods', policies: [denyAllDefault], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'namespace deny-all both ways: routed pods', policies: [denyAllDefault], src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'namespace deny-all both ways: pods of other namespaces still talk', policies: [denyAllDefault], src: 'dev/client', dst: 'prod/client', port: 8080, allowed: true },
  { name: 'namespace deny-all both ways: external host to a pod', policies: [denyAllDefault], src: '192.168.56.100', dst: 'default/other', port: 80, allowed: false },
  { name: 'ingress [{}] allows all', policies: [dbIngress([rule()])], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'ingress [{}] allows external hosts too', policies: [dbIngress([rule()])], src: '192.168.56.100', dst: 'default/db', port: 1, allowed: true },
  { name: 'from [] means every peer', policies: [dbIngress([rule([], [port(6379)])])], src: 'dev/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'from [] means every address too', policies: [dbIngress([rule([], [port(6379)])])], src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: true },
  { name: 'from absent means every address', policies: [dbIngress([rule(undefined, [port(6379)])])], src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ports [] means every port', policies: [dbIngress([rule([sameNs('frontend')], [])])], src: 'default/web', dst: 'default/db', port: 12345, protocol: 'UDP', allowed: true },
  { name: 'podSelector {} admits every pod of the policy\'s namespace', policies: [dbFrom(podPeer(sel()))], src: 'default/other', dst: 'default/db', port: 6379, allowed: true },
  { name: 'podSelector {} admits no pod of another namespace', policies: [dbFrom(podPeer(sel()))], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'podSelector {} admits no external address', policies: [dbFrom(podPeer(sel()))], src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: false },
  // Selector peers: podSelector only, namespaceSelector only, both in one entry (AND), two entries (OR).
  { name: 'podSelector peer: same namespace only', policies: [dbIngress([rule([sameNs('client')])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'podSelector peer matches in own namespace', policies: [dbIngress([rule([sameNs('frontend')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'podSelector peer matches in own namespace across nodes', policies: [dbIngress([rule([sameNs('other')])])], src: 'default/other', dst: 'default/db', port: 6379, allowed: true },
  { name: 'podSelector peer: a pod with other labels is denied', policies: [dbIngress([rule([sameNs('other')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'namespaceSelector peer: all pods of matching namespaces', policies: [dbIngress([rule([inNs({ team: 'a' })])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'namespaceSelector peer: other namespaces denied', policies: [dbIngress([rule([inNs({ team: 'a' })])])], src: 'dev/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'namespaceSelector peer: the policy\'s own namespace only if it matches', policies: [dbIngress([rule([inNs({ team: 'a' })])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'namespaceSelector {} admits every namespace', policies: [dbIngress([rule([inNs({})])])], src: 'dev/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'namespaceSelector {} admits no external address', policies: [dbIngress([rule([inNs({})])])], src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: false },
  { name: 'AND: one entry with both selectors, pod matches, ns does not', policies: [dbIngress([rule([podPeer(sel({ role: 'client' }), sel({ team: 'a' }))])])], src: 'dev/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'AND: one entry with both selectors, both match', policies: [dbIngress([rule([podPeer(sel({ role: 'client' }), sel({ team: 'a' }))])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'AND: one entry with both selectors, ns matches, pod does not', policies: [dbIngress([rule([podPeer(sel({ role: 'nope' }), sel({ team: 'a' }))])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'OR: two entries, namespace one matches', policies: [dbIngress([rule([inNs({ team: 'b' }), sameNs('nope')])])], src: 'dev/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'OR: two entries, pod one matches in the policy\'s namespace', policies: [dbIngress([rule([inNs({ team: 'b' }), sameNs('frontend')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'OR: two entries, neither matches', policies: [dbIngress([rule([inNs({ team: 'b' }), sameNs('frontend')])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'AND inside a rule: peer matches but port does not', policies: [dbIngress([rule([sameNs('frontend')], [port(6379)])])], src: 'default/web', dst: 'default/db', port: 80, allowed: false },
  { name: 'matchExpressions In', policies: [dbIngress([rule([podPeer(sel({}, [{ key: 'role', operator: 'In', values: ['frontend', 'x'] }]))])])], src: 'default/web', dst: 'default/db', port: 1, allowed: true },
  { name: 'matchExpressions NotIn true when key absent on namespace', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'NotIn', values: ['b'] }]))])])], src: 'default/web', dst: 'default/db', port: 1, allowed: true },
  { name: 'matchExpressions NotIn false on matching value', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'NotIn', values: ['b'] }]))])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'matchExpressions Exists', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'Exists', values: [] }]))])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'matchExpressions DoesNotExist', policies: [dbIngress([rule([podPeer(undefined, sel({}, [{ key: 'team', operator: 'DoesNotExist', values: [] }]))])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  // ipBlock: pods matched by address, excepts, and the edges of both.
  { name: 'ipBlock admits a pod address inside', policies: [dbIngress([rule([ipBlock('10.244.0.0/16')])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'ipBlock admits a bridged pod address inside', policies: [dbIngress([rule([ipBlock('10.244.1.11/32')])])], src: 'default/web', dst: 'default/db', port: 1, allowed: true },
  { name: 'ipBlock except excludes', policies: [dbIngress([rule([ipBlock('10.244.0.0/16', ['10.244.2.0/24'])])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'ipBlock except covering the pod address mid-range (10.244.2.0/27 holds .30)', policies: [dbIngress([rule([ipBlock('10.244.0.0/16', ['10.244.2.0/27'])])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'ipBlock except below the pod address (10.244.2.0/28 ends at .15, pod is .30)', policies: [dbIngress([rule([ipBlock('10.244.0.0/16', ['10.244.2.0/28'])])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  // Pod dev/client is 10.244.2.30 (an even address: it can start a block, and only a /32 ends on it).
  { name: 'pod IP edge: first address of the cidr (10.244.2.30/31 = .30-.31)', policies: [dbFrom(ipBlock('10.244.2.30/31'))], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'pod IP edge: one after the cidr (10.244.2.28/31 = .28-.29)', policies: [dbFrom(ipBlock('10.244.2.28/31'))], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'pod IP edge: one before the cidr (10.244.2.31/32)', policies: [dbFrom(ipBlock('10.244.2.31/32'))], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'pod IP edge: first address of the except (10.244.2.30/31)', policies: [dbFrom(ipBlock('10.244.0.0/16', ['10.244.2.30/31']))], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'pod IP edge: the whole except (10.244.2.30/32)', policies: [dbFrom(ipBlock('10.244.0.0/16', ['10.244.2.30/32']))], src: 'dev/client', dst: 'default/db', port: 1, allowed: false },
  { name: 'pod IP edge: first address after the except (10.244.2.28/31 = .28-.29)', policies: [dbFrom(ipBlock('10.244.0.0/16', ['10.244.2.28/31']))], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'pod IP edge: last address before the except (10.244.2.31/32)', policies: [dbFrom(ipBlock('10.244.0.0/16', ['10.244.2.31/32']))], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  // External IPv4 sources on every edge of 192.168.56.128/26 except 192.168.56.144/30.
  { name: 'IPv4 edge: first address of the cidr', policies: [dbFrom(v4Block)], src: '192.168.56.128', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: last address of the cidr', policies: [dbFrom(v4Block)], src: '192.168.56.191', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: one before the cidr', policies: [dbFrom(v4Block)], src: '192.168.56.127', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: one after the cidr', policies: [dbFrom(v4Block)], src: '192.168.56.192', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: first address of the except', policies: [dbFrom(v4Block)], src: '192.168.56.144', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: last address of the except', policies: [dbFrom(v4Block)], src: '192.168.56.147', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: last address before the except', policies: [dbFrom(v4Block)], src: '192.168.56.143', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: first address after the except', policies: [dbFrom(v4Block)], src: '192.168.56.148', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge, egress: last address of the except', policies: [clientEgress([rule([v4Block])])], src: 'prod/client', dst: '192.168.56.147', port: 1, allowed: false },
  { name: 'IPv4 edge, egress: first address after the except', policies: [clientEgress([rule([v4Block])])], src: 'prod/client', dst: '192.168.56.148', port: 1, allowed: true },
  { name: 'IPv4 edge, host bits masked: 192.168.56.170/26 starts at 192.168.56.128', policies: [dbFrom(ipBlock('192.168.56.170/26'))], src: '192.168.56.128', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge, host bits masked: 192.168.56.170/26 ends before 192.168.56.192', policies: [dbFrom(ipBlock('192.168.56.170/26'))], src: '192.168.56.192', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: 0.0.0.0/0 holds an external host', policies: [dbFrom(ipBlock('0.0.0.0/0'))], src: '192.168.56.200', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: 0.0.0.0/0 holds 255.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0'))], src: '255.255.255.255', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: 0.0.0.0/0 except 192.168.56.128/25 leaves 192.168.56.127', policies: [dbFrom(ipBlock('0.0.0.0/0', ['192.168.56.128/25']))], src: '192.168.56.127', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: 0.0.0.0/0 except 192.168.56.128/25 holds 192.168.56.128', policies: [dbFrom(ipBlock('0.0.0.0/0', ['192.168.56.128/25']))], src: '192.168.56.128', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: except 128.0.0.0/1 starts at 128.0.0.0', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], src: '128.0.0.0', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: except 128.0.0.0/1 leaves 127.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], src: '127.255.255.255', dst: 'default/db', port: 1, allowed: true },
  { name: 'IPv4 edge: except 128.0.0.0/1 holds 255.255.255.255', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], src: '255.255.255.255', dst: 'default/db', port: 1, allowed: false },
  { name: 'IPv4 edge: except 128.0.0.0/1 holds the lab\'s node link', policies: [dbFrom(ipBlock('0.0.0.0/0', ['128.0.0.0/1']))], src: '192.168.56.100', dst: 'default/db', port: 1, allowed: false },
  { name: 'ipBlock host bits masked (10.244.9.9/16 = 10.244.0.0/16)', policies: [dbIngress([rule([ipBlock('10.244.9.9/16')])])], src: 'dev/client', dst: 'default/db', port: 1, allowed: true },
  { name: 'ipBlock with external source', policies: [dbIngress([rule([ipBlock('192.168.56.64/26', ['192.168.56.96/27'])])])], src: '192.168.56.70', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ipBlock except with external source', policies: [dbIngress([rule([ipBlock('192.168.56.64/26', ['192.168.56.96/27'])])])], src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: false },
  { name: 'selector peers never match external addresses', policies: [dbIngress([rule([inNs({})])])], src: '192.168.56.70', dst: 'default/db', port: 6379, allowed: false },
  // Ports: numbers, protocols, ranges, names.
  { name: 'numeric port', policies: [dbIngress([rule([], [port(6379)])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'numeric port: another number denied', policies: [dbIngress([rule([], [port(6379)])])], src: 'default/web', dst: 'default/db', port: 9090, allowed: false },
  { name: 'protocol must match (UDP vs TCP)', policies: [dbIngress([rule([], [port(6379)])])], src: 'default/web', dst: 'default/db', port: 6379, protocol: 'UDP', allowed: false },
  { name: 'UDP port', policies: [dbIngress([rule([], [port(53, 'UDP')])])], src: 'prod/client', dst: 'default/db', port: 53, protocol: 'UDP', allowed: true },
  { name: 'UDP port: TCP on the same number denied', policies: [dbIngress([rule([], [port(53, 'UDP')])])], src: 'prod/client', dst: 'default/db', port: 53, allowed: false },
  { name: 'port without number: whole protocol', policies: [dbIngress([rule([], [port(undefined, 'UDP')])])], src: 'default/web', dst: 'default/db', port: 999, protocol: 'UDP', allowed: true },
  { name: 'port without number: other protocols denied', policies: [dbIngress([rule([], [port(undefined, 'UDP')])])], src: 'default/web', dst: 'default/db', port: 999, allowed: false },
  { name: 'SCTP port', policies: [dbIngress([rule([], [port(5000, 'SCTP')])])], src: 'default/web', dst: 'default/db', port: 5000, protocol: 'SCTP', allowed: true },
  { name: 'SCTP port: another number denied', policies: [dbIngress([rule([], [port(5000, 'SCTP')])])], src: 'default/web', dst: 'default/db', port: 5001, protocol: 'SCTP', allowed: false },
  { name: 'SCTP port: TCP on the same number denied', policies: [dbIngress([rule([], [port(5000, 'SCTP')])])], src: 'default/web', dst: 'default/db', port: 5000, allowed: false },
  { name: 'SCTP without number: whole protocol, across nodes', policies: [dbIngress([rule([], [port(undefined, 'SCTP')])])], src: 'prod/client', dst: 'default/db', port: 9999, protocol: 'SCTP', allowed: true },
  { name: 'endPort lower edge', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], src: 'default/web', dst: 'default/db', port: 6000, allowed: true },
  { name: 'endPort upper edge', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'endPort just past', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], src: 'default/web', dst: 'default/db', port: 6380, allowed: false },
  { name: 'endPort just before', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], src: 'default/web', dst: 'default/db', port: 5999, allowed: false },
  { name: 'endPort range is one protocol: UDP inside a TCP range denied', policies: [dbIngress([rule([], [port(6000, 'TCP', 6379)])])], src: 'default/web', dst: 'default/db', port: 6100, protocol: 'UDP', allowed: false },
  { name: 'UDP endPort upper edge, across nodes', policies: [dbIngress([rule([], [port(5000, 'UDP', 5010)])])], src: 'prod/client', dst: 'default/db', port: 5010, protocol: 'UDP', allowed: true },
  { name: 'UDP endPort just past, across nodes', policies: [dbIngress([rule([], [port(5000, 'UDP', 5010)])])], src: 'prod/client', dst: 'default/db', port: 5011, protocol: 'UDP', allowed: false },
  { name: 'egress endPort lower edge', policies: [clientEgress([rule([], [port(8000, 'TCP', 8080)])])], src: 'prod/client', dst: 'default/web', port: 8000, allowed: true },
  { name: 'egress endPort just before', policies: [clientEgress([rule([], [port(8000, 'TCP', 8080)])])], src: 'prod/client', dst: 'default/web', port: 7999, allowed: false },
  { name: 'named ingress port resolves on the selected pod', policies: [dbIngress([rule([], [port('redis')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'named ingress port: other number denied', policies: [dbIngress([rule([], [port('redis')])])], src: 'default/web', dst: 'default/db', port: 6380, allowed: false },
  { name: 'named port needs the right protocol', policies: [dbIngress([rule([], [port('dns', 'TCP')])])], src: 'default/web', dst: 'default/db', port: 53, allowed: false },
  { name: 'named port UDP', policies: [dbIngress([rule([], [port('dns', 'UDP')])])], src: 'default/web', dst: 'default/db', port: 53, protocol: 'UDP', allowed: true },
  { name: 'named ingress port "http" is 8080 on web', policies: [httpIn], src: 'prod/client', dst: 'default/web', port: 8080, allowed: true },
  { name: 'named ingress port "http" is 80 on other', policies: [httpIn], src: 'prod/client', dst: 'default/other', port: 80, allowed: true },
  { name: 'named ingress port "http": 80 is not http on web', policies: [httpIn], src: 'prod/client', dst: 'default/web', port: 80, allowed: false },
  { name: 'named ingress port "http": 8080 is not http on other', policies: [httpIn], src: 'dev/client', dst: 'default/other', port: 8080, allowed: false },
  { name: 'named ingress port the selected pod lacks admits nothing', policies: [dbIngress([rule([], [port('http')])])], src: 'default/web', dst: 'default/db', port: 8080, allowed: false },
  { name: 'named egress port "http" is 8080 on web', policies: [clientEgress([rule([], [port('http')])])], src: 'prod/client', dst: 'default/web', port: 8080, allowed: true },
  { name: 'named egress port "http" is 80 on other', policies: [clientEgress([rule([], [port('http')])])], src: 'prod/client', dst: 'default/other', port: 80, allowed: true },
  { name: 'named egress port "http": 8080 is not http on other', policies: [clientEgress([rule([], [port('http')])])], src: 'prod/client', dst: 'default/other', port: 8080, allowed: false },
  { name: 'named egress port the peer lacks admits nothing', policies: [clientEgress([rule([], [port('http')])])], src: 'prod/client', dst: 'default/db', port: 8080, allowed: false },
  { name: 'named egress port never matches an external address', policies: [clientEgress([rule([], [port('http')])])], src: 'prod/client', dst: '192.168.56.100', port: 80, allowed: false },
  { name: 'named egress port on a bridged peer', policies: [webOut([rule([], [port('redis')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'named egress port on a bridged peer: the name is the peer\'s, not the sender\'s', policies: [webOut([rule([], [port('http')])])], src: 'default/web', dst: 'default/db', port: 8080, allowed: false },
  // Egress, both sides, policyTypes defaults, union of policies.
  { name: 'egress isolation: deny all egress', policies: [clientEgress([])], src: 'prod/client', dst: 'default/web', port: 8080, allowed: false },
  { name: 'egress ipBlock to an external address', policies: [clientEgress([rule([ipBlock('192.168.56.64/26')], [port(443)])])], src: 'prod/client', dst: '192.168.56.100', port: 443, allowed: true },
  { name: 'egress ipBlock to an external address: another port denied', policies: [clientEgress([rule([ipBlock('192.168.56.64/26')], [port(443)])])], src: 'prod/client', dst: '192.168.56.100', port: 80, allowed: false },
  { name: 'egress rules to another node\'s address are like any address', policies: [clientEgress([rule([ipBlock('192.168.56.11/32')])])], src: 'prod/client', dst: '192.168.56.11', port: 10250, allowed: true },
  { name: 'both sides: egress allows, ingress denies', policies: [clientEgress([rule()]), dbIngress([])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'both sides: egress denies, ingress allows', policies: [clientEgress([]), dbIngress([rule()])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'both sides: both allow', policies: [clientEgress([rule([], [port(6379)])]), dbIngress([rule([inNs({ team: 'a' })])])], src: 'prod/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'both sides on one node: egress allows, ingress denies', policies: [webOut([rule()]), dbIngress([])], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'both sides on one node: egress denies, ingress allows', policies: [webOut([]), dbIngress([rule()])], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'both sides on one node: both allow', policies: [webOut([rule([sameNs('db')])]), dbIngress([rule([sameNs('frontend')], [port('redis')])])], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'both sides on one node: both allow, but ingress not this port', policies: [webOut([rule([sameNs('db')])]), dbIngress([rule([sameNs('frontend')], [port('redis')])])], src: 'default/web', dst: 'default/db', port: 9090, allowed: false },
  { name: 'policies are additive (union)', policies: [dbIngress([]), policy('default', 'extra', sel({ role: 'db' }), { ingress: [rule([sameNs('frontend')])] })], src: 'default/web', dst: 'default/db', port: 1, allowed: true },
  { name: 'two policies OR: the first admits its port', policies: [dbIngress([rule([sameNs('frontend')], [port(6379)])]), policy('default', 'metrics', sel({ role: 'db' }), { ingress: [rule([inNs({ team: 'a' })], [port('metrics')])] })], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'two policies OR: neither admits this peer on this port', policies: [dbIngress([rule([sameNs('frontend')], [port(6379)])]), policy('default', 'metrics', sel({ role: 'db' }), { ingress: [rule([inNs({ team: 'a' })], [port('metrics')])] })], src: 'default/web', dst: 'default/db', port: 9090, allowed: false },
  { name: 'two policies OR: the second admits another peer', policies: [dbIngress([rule([sameNs('frontend')], [port(6379)])]), policy('default', 'metrics', sel({ role: 'db' }), { ingress: [rule([inNs({ team: 'a' })], [port('metrics')])] })], src: 'prod/client', dst: 'default/db', port: 9090, allowed: true },
  { name: 'policyTypes default: egress rules also isolate ingress', policies: [policy('default', 'eg', sel({ role: 'db' }), { egress: [rule([], [port(53, 'UDP')])] })], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'policyTypes default: egress rules isolate egress', policies: [policy('default', 'eg', sel({ role: 'db' }), { egress: [rule([], [port(53, 'UDP')])] })], src: 'default/db', dst: 'default/web', port: 8080, allowed: false },
  { name: 'policyTypes default: egress rules admit their port', policies: [policy('default', 'eg', sel({ role: 'db' }), { egress: [rule([], [port(53, 'UDP')])] })], src: 'default/db', dst: 'default/other', port: 53, protocol: 'UDP', allowed: true },
  { name: 'policyTypes [Egress] only: ingress rules ignored', policies: [policy('default', 'eg', sel({ role: 'db' }), { types: ['Egress'], ingress: [], egress: [rule()] })], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'policyTypes [Egress] only: ingress stays open across nodes', policies: [clientEgress([])], src: 'default/other', dst: 'prod/client', port: 8080, allowed: true },
  { name: 'policyTypes [Ingress] only: egress rules ignored', policies: [policy('default', 'in', sel({ role: 'db' }), { types: ['Ingress'], ingress: [rule()], egress: [] })], src: 'default/db', dst: 'default/web', port: 8080, allowed: true },
  // A pod and itself, a pod and its node: always allowed; other nodes are addresses like any other.
  { name: 'a pod may always reach itself', policies: [dbIngress([]), policy('default', 'eg', sel({ role: 'db' }), { types: ['Egress'] })], src: 'default/db', dst: 'default/db', port: 6379, allowed: true },
  { name: 'a pod may always reach itself over IPv6', policies: [denyAllDefault], src: 'default/v6a', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'node to its own pod is always allowed', policies: [dbIngress([])], src: '192.168.56.11', dst: 'default/db', port: 6379, allowed: true },
  { name: 'node to its own pod from its bridge address', policies: [dbIngress([])], src: '10.244.1.1', dst: 'default/db', port: 6379, allowed: true },
  { name: 'node to its own pod from an ExternalIP', policies: [dbIngress([])], src: '203.0.113.1', dst: 'default/db', port: 6379, allowed: true },
  { name: 'node to its own pod over IPv6', policies: [v6aFrom(ipBlock('2001:db8::/32'))], src: 'fd00:56::11', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'another node to a pod is governed by ipBlocks', policies: [dbIngress([])], src: '192.168.56.12', dst: 'default/db', port: 6379, allowed: false },
  { name: 'another node to a pod over IPv6 is governed by ipBlocks', policies: [v6aFrom(ipBlock('2001:db8::/32'))], src: 'fd00:56::12', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'another node to a pod: an ipBlock holding its address admits it', policies: [dbFrom(ipBlock('192.168.56.12/32'))], src: '192.168.56.12', dst: 'default/db', port: 6379, allowed: true },
  { name: 'hostNetwork pod on the same node = its node: allowed', policies: [dbIngress([])], src: 'default/host', dst: 'default/db', port: 6379, allowed: true },
  { name: 'hostNetwork pod on another node to a pod: policed', policies: [dbIngress([])], src: 'default/host2', dst: 'default/db', port: 6379, allowed: false },
  { name: 'egress-isolated pod to its own node\'s InternalIP', policies: [denyOut('db')], src: 'default/db', dst: '192.168.56.11', port: 10250, allowed: true },
  { name: 'egress-isolated pod to its own node\'s bridge address', policies: [denyOut('db')], src: 'default/db', dst: '10.244.1.1', port: 10250, allowed: true },
  { name: 'egress-isolated pod to its own node\'s ExternalIP', policies: [denyOut('db')], src: 'default/db', dst: '203.0.113.1', port: 443, allowed: true },
  { name: 'egress-isolated pod to its own node\'s InternalIP over IPv6', policies: [denyOut('v6')], src: 'default/v6a', dst: 'fd00:56::11', port: 10250, allowed: true },
  { name: 'egress-isolated pod to its own node\'s ExternalIP over IPv6', policies: [denyOut('v6')], src: 'default/v6a', dst: '2001:db8:ff::1', port: 443, allowed: true },
  { name: 'dual-stack egress-isolated pod to its own node over IPv6', policies: [denyOut('dual')], src: 'default/dual', dst: 'fd00:56::11', port: 53, protocol: 'UDP', allowed: true },
  { name: 'egress-isolated pod to another node\'s address: policed', policies: [denyOut('db')], src: 'default/db', dst: '192.168.56.12', port: 10250, allowed: false },
  { name: 'egress-isolated pod to another node\'s bridge address: policed', policies: [denyOut('db')], src: 'default/db', dst: '10.244.2.1', port: 10250, allowed: false },
  { name: 'egress-isolated pod to another node\'s address over IPv6: policed', policies: [denyOut('v6')], src: 'default/v6a', dst: 'fd00:56::12', port: 10250, allowed: false },
  { name: 'egress-isolated pod to a hostNetwork pod on its own node', policies: [denyOut('db')], src: 'default/db', dst: 'default/host', port: 10250, allowed: true },
  { name: 'egress-isolated pod to a hostNetwork pod on another node: policed', policies: [denyOut('db')], src: 'default/db', dst: 'default/host2', port: 10250, allowed: false },
  { name: 'egress-isolated pod to a hostNetwork pod on another node over IPv6: policed', policies: [denyOut('v6')], src: 'default/v6a', dst: 'default/host2', port: 10250, family: 6, allowed: false },
  { name: 'a pod without a node to a node\'s address: policed', policies: [denyOut('frontend')], src: 'default/tmpl', dst: '192.168.56.11', port: 10250, allowed: false },
  // hostNetwork pods: never selected, matched only by ipBlocks; pods without IP; finished pods.
  { name: 'hostNetwork pods are not matched by selectors', policies: [policy('default', 'p', sel({ role: 'other' }), { ingress: [rule([sameNs('frontend')])] })], src: 'default/host', dst: 'default/other', port: 80, allowed: false },
  { name: 'hostNetwork pods are matched by ipBlocks on their address', policies: [policy('default', 'p', sel({ role: 'other' }), { ingress: [rule([ipBlock('192.168.56.0/24')])] })], src: 'default/host', dst: 'default/other', port: 80, allowed: true },
  { name: 'hostNetwork pods are matched by ipBlocks on their address over IPv6', policies: [v6aFrom(ipBlock('fd00:56::12/128'))], src: 'default/host2', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'hostNetwork pods are never selected', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [] })], src: 'default/db', dst: 'default/host', port: 80, allowed: true },
  { name: 'hostNetwork pods are never selected, from another node', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [] })], src: 'prod/client', dst: 'default/host', port: 80, allowed: true },
  { name: 'a pod selected alongside a hostNetwork pod is isolated', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [] })], src: 'prod/client', dst: 'default/web', port: 8080, allowed: false },
  { name: 'a pod without IP is still matched by selectors', policies: [dbIngress([rule([sameNs('frontend')])])], src: 'default/tmpl', dst: 'default/db', port: 1, allowed: true },
  { name: 'a pod without IP never matches an ipBlock', policies: [dbIngress([rule([ipBlock('0.0.0.0/0')])])], src: 'default/tmpl', dst: 'default/db', port: 1, allowed: false },
  { name: 'finished pods are not matched by selectors as peers', policies: [policy('default', 'p', sel({ role: 'frontend' }), { ingress: [rule([sameNs('db')])] })], src: 'default/done', dst: 'default/web', port: 1, allowed: false },
  { name: 'finished pods are not selected', policies: [policy('default', 'p', sel({ role: 'db' }), { ingress: [] })], src: 'default/web', dst: 'default/done', port: 1, allowed: true },
  // IPv6 and dual-stack.
  { name: 'IPv6 ipBlock admits an IPv6 pod', policies: [v6aFrom(ipBlock('fd00:244:2::/64', ['fd00:244:2::10/128']))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 except excludes', policies: [v6aFrom(ipBlock('fd00:244:2::/64', ['fd00:244:2::11/128']))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  // Pod v6b is fd00:244:2::11 (odd: it can end a block, and only a /128 starts on it).
  { name: 'IPv6 pod IP edge: last address of the except (fd00:244:2::10/127 = ::10-::11)', policies: [v6aFrom(ipBlock('fd00:244:2::/64', ['fd00:244:2::10/127']))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'IPv6 pod IP edge: last address before the except (fd00:244:2::12/127)', policies: [v6aFrom(ipBlock('fd00:244:2::/64', ['fd00:244:2::12/127']))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 pod IP edge: first address after the except (fd00:244:2::10/128)', policies: [v6aFrom(ipBlock('fd00:244:2::/64', ['fd00:244:2::10/128']))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 pod IP edge: last address of the cidr (fd00:244:2::10/127)', policies: [v6aFrom(ipBlock('fd00:244:2::10/127'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 pod IP edge: one after the cidr (fd00:244:2::10/128)', policies: [v6aFrom(ipBlock('fd00:244:2::10/128'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'IPv6 pod IP edge: one before the cidr (fd00:244:2::12/127)', policies: [v6aFrom(ipBlock('fd00:244:2::12/127'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  // External IPv6 sources on every edge of 2001:db8:1::/64 except 2001:db8:1::1:0/126.
  { name: 'IPv6 edge /64: first address of the cidr', policies: [v6aFrom(v6Block)], src: '2001:db8:1::', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /64: last address of the cidr', policies: [v6aFrom(v6Block)], src: '2001:db8:1:0:ffff:ffff:ffff:ffff', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /64: one before the cidr', policies: [v6aFrom(v6Block)], src: '2001:db8:0:ffff:ffff:ffff:ffff:ffff', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /64: one after the cidr', policies: [v6aFrom(v6Block)], src: '2001:db8:1:1::', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /126 except: first address of the except', policies: [v6aFrom(v6Block)], src: '2001:db8:1::1:0', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /126 except: last address of the except', policies: [v6aFrom(v6Block)], src: '2001:db8:1::1:3', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /126 except: last address before the except', policies: [v6aFrom(v6Block)], src: '2001:db8:1::ffff', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /126 except: first address after the except', policies: [v6aFrom(v6Block)], src: '2001:db8:1::1:4', dst: 'default/v6a', port: 443, allowed: true },
  // External IPv6 sources on the node link: fd00:56::1:0/120 except fd00:56::1:80/127.
  { name: 'IPv6 edge /120: first address of the cidr', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:0', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /120: last address of the cidr', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:ff', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /120: one before the cidr', policies: [v6aFrom(v6Small)], src: 'fd00:56::ffff', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /120: one after the cidr', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:100', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /127 except: first address of the except', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:80', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /127 except: last address of the except', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:81', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge /127 except: last address before the except', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:7f', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge /127 except: first address after the except', policies: [v6aFrom(v6Small)], src: 'fd00:56::1:82', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge, host bits masked: fd00:56::1:ab/120 is fd00:56::1:0/120', policies: [v6aFrom(ipBlock('fd00:56::1:ab/120'))], src: 'fd00:56::1:0', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge, egress: last address of the except', policies: [policy('default', 'p', sel({ role: 'v6c' }), { types: ['Egress'], egress: [rule([v6Small])] })], src: 'default/v6b', dst: 'fd00:56::1:81', port: 443, allowed: false },
  { name: 'IPv6 edge, egress: first address after the except', policies: [policy('default', 'p', sel({ role: 'v6c' }), { types: ['Egress'], egress: [rule([v6Small])] })], src: 'default/v6b', dst: 'fd00:56::1:82', port: 443, allowed: true },
  { name: 'IPv6 edge: except 8000::/1 starts at 8000::', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], src: '8000::', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge: except 8000::/1 leaves 7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], src: '7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 edge: except 8000::/1 holds the last address', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], src: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge: ::/0 except 8000::/1 holds the node link', policies: [v6aFrom(ipBlock('::/0', ['8000::/1']))], src: 'fd00:56::100', dst: 'default/v6a', port: 443, allowed: false },
  { name: 'IPv6 edge: ::/0 holds the node link', policies: [v6aFrom(ipBlock('::/0'))], src: 'fd00:56::100', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv4 block never matches an IPv6 connection', policies: [v6aFrom(ipBlock('0.0.0.0/0'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'the same IPv4 block admits the IPv4 connection of the same pods', policies: [v6aFrom(ipBlock('0.0.0.0/0'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 4, allowed: true },
  { name: 'IPv6 external source with a named port', policies: [policy('default', 'p', sel({ role: 'v6' }), { ingress: [rule([ipBlock('fd00:56::/64')], [port('web')])] })], src: 'fd00:56::200', dst: 'default/v6a', port: 443, allowed: true },
  { name: 'IPv6 selector peer, bridged', policies: [v6aFrom(sameNs('dual'))], src: 'default/dual', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 selector peer, routed', policies: [v6aFrom(sameNs('v6c'))], src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'IPv6 selector peer: a pod with other labels is denied', policies: [v6aFrom(sameNs('v6c'))], src: 'default/dual', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'IPv6 deny-all both ways, bridged', policies: [denyAllDefault], src: 'default/dual', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'IPv6 UDP, routed', policies: [v6aFrom(ipBlock('fd00:244:2::/64'))], src: 'default/v6b', dst: 'default/v6a', port: 5353, protocol: 'UDP', family: 6, allowed: true },
  { name: 'dual-stack pod matched over IPv4 from an IPv4 peer', policies: [policy('default', 'p', sel({ role: 'db' }), { ingress: [rule([ipBlock('10.244.1.50/32')])] })], src: 'default/dual', dst: 'default/db', port: 1, allowed: true },
  { name: 'dual-stack: an IPv6 block admits the IPv6 connection', policies: [v6aFrom(ipBlock('fd00:244:1::/64'))], src: 'default/dual', dst: 'default/v6a', port: 443, family: 6, allowed: true },
  { name: 'dual-stack: an IPv6 block does not admit the IPv4 connection', policies: [v6aFrom(ipBlock('fd00:244:1::/64'))], src: 'default/dual', dst: 'default/v6a', port: 443, family: 4, allowed: false },
  // Admin tiers: the admin tier before NetworkPolicies, the baseline tier after them, first match decides.
  { name: 'ANP Allow overrides a NetworkPolicy deny-all', policies: [dbIngress([])], tierPolicies: allowAllToDb, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP Allow overrides a NetworkPolicy deny-all, routed', policies: [dbIngress([])], tierPolicies: allowAllToDb, src: 'dev/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP Allow of pods does not admit an external address (NetworkPolicy denies)', policies: [dbIngress([])], tierPolicies: allowAllToDb, src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny overrides a NetworkPolicy allow, ingress', policies: [dbIngress([rule()])], tierPolicies: denyTeamAToDb, src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny of one namespace leaves the NetworkPolicy to admit the others', policies: [dbIngress([rule()])], tierPolicies: denyTeamAToDb, src: 'dev/client', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP Deny with no NetworkPolicy at all, ingress', policies: [], tierPolicies: denyTeamAToDb, src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny overrides a NetworkPolicy allow, egress', policies: [clientEgress([rule()])], tierPolicies: denyClientToDb, src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP egress Deny leaves other destinations to the NetworkPolicy', policies: [clientEgress([rule()])], tierPolicies: denyClientToDb, src: 'prod/client', dst: 'default/web', port: 8080, allowed: true },
  { name: 'ANP Pass hands over to a NetworkPolicy that admits (a later ANP Deny is skipped)', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: passThenDeny, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP Pass hands over to a NetworkPolicy that denies', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: passThenDeny, src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Pass hands over to a NetworkPolicy deny-all (a later ANP Allow is skipped)', policies: [dbIngress([])], tierPolicies: passThenAllow, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Pass then BANP Deny when no NetworkPolicy isolates', policies: [], tierPolicies: [passAll, banpDenyDb], src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Pass then BANP Deny, routed', policies: [], tierPolicies: [passAll, banpDenyDb], src: 'dev/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Pass then a NetworkPolicy that isolates: BANP Deny is not asked', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: [passAll, banpDenyDb], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP Allow wins over BANP Deny', policies: [], tierPolicies: [...allowAllToDb, banpDenyDb], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'BANP Deny alone', policies: [], tierPolicies: [banpDenyDb], src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'BANP Deny overridden by a NetworkPolicy allow', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: [banpDenyDb], src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'BANP Deny with a NetworkPolicy that isolates: the NetworkPolicy denies alone', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: [banpDenyDb], src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'BANP Allow before its Deny: first rule matches', policies: [], tierPolicies: banpDbFrontendFirst, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'BANP Allow before its Deny: others reach the Deny', policies: [], tierPolicies: banpDbFrontendFirst, src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'BANP Allow does not lift a NetworkPolicy deny-all', policies: [dbIngress([])], tierPolicies: banpAllowDb, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP priority: lower number first (Allow 10 before Deny 20)', policies: [], tierPolicies: allowBeforeDeny, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP priority: lower number first (Deny 10 before Allow 20)', policies: [], tierPolicies: denyBeforeAllow, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP rule order: Allow written before Deny admits', policies: [], tierPolicies: frontendAllowedFirst, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP rule order: the peer the Allow misses meets the Deny', policies: [], tierPolicies: frontendAllowedFirst, src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP rule order: Deny written before Allow denies', policies: [], tierPolicies: denyAllFirst, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP port number: matched', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP port number: another port passes the rule by', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 6380, allowed: true },
  { name: 'ANP port range: first port', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 9000, allowed: false },
  { name: 'ANP port range: last port', policies: [], tierPolicies: denyDbPorts, src: 'default/other', dst: 'default/db', port: 9100, allowed: false },
  { name: 'ANP port range: one past the end', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 9101, allowed: true },
  { name: 'ANP port UDP: matched', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 53, protocol: 'UDP', allowed: false },
  { name: 'ANP port UDP: the same number over TCP passes', policies: [], tierPolicies: denyDbPorts, src: 'default/web', dst: 'default/db', port: 53, allowed: true },
  { name: 'ANP named port on ingress: the pod\'s number for it', policies: [], tierPolicies: denyDbNamed, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP named port on ingress: another number passes', policies: [], tierPolicies: denyDbNamed, src: 'default/web', dst: 'default/db', port: 9090, allowed: true },
  { name: 'ANP named port on ingress: a UDP name matches UDP', policies: [], tierPolicies: denyDbNamed, src: 'default/other', dst: 'default/db', port: 53, protocol: 'UDP', allowed: false },
  { name: 'ANP named port on ingress: a UDP name does not match TCP', policies: [], tierPolicies: denyDbNamed, src: 'default/web', dst: 'default/db', port: 53, allowed: true },
  { name: 'ANP named port on egress: resolved on the destination', policies: [], tierPolicies: webDeniesRedisOut, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP named port on egress: another number on the destination passes', policies: [], tierPolicies: webDeniesRedisOut, src: 'default/web', dst: 'default/db', port: 9090, allowed: true },
  { name: 'ANP named port on egress: a destination without the name passes', policies: [], tierPolicies: webDeniesRedisOut, src: 'default/web', dst: 'default/other', port: 6379, allowed: true },
  { name: 'ANP named port on egress: an external destination never matches it', policies: [], tierPolicies: webDeniesRedisOut, src: 'default/web', dst: '192.168.56.100', port: 6379, allowed: true },
  { name: 'ANP networks egress Deny: inside the CIDR', policies: [], tierPolicies: dbDeniedLowLink, src: 'default/db', dst: '192.168.56.100', port: 80, allowed: false },
  { name: 'ANP networks egress Deny: outside the CIDR', policies: [], tierPolicies: dbDeniedLowLink, src: 'default/db', dst: '192.168.56.200', port: 80, allowed: true },
  { name: 'ANP networks egress Deny: an IPv6 CIDR of the same peer', policies: [], tierPolicies: [anp('no-low-link', 10, subjectPods(sel({ role: 'v6' }), inDefault), { egress: [tierRule('Deny', [tierNetworks('192.168.56.0/25', 'fd00:56::/120')])] })], src: 'default/v6a', dst: 'fd00:56::64', port: 80, allowed: false },
  { name: 'ANP networks egress Allow overrides a NetworkPolicy deny', policies: [denyOut('db')], tierPolicies: dbAllowedLink, src: 'default/db', dst: '192.168.56.200', port: 80, allowed: true },
  { name: 'ANP networks egress Allow: outside it the NetworkPolicy denies', policies: [denyOut('db')], tierPolicies: dbAllowedLink, src: 'default/db', dst: 'default/other', port: 80, allowed: false },
  { name: 'ANP nodes egress Deny: a selected node\'s address', policies: [], tierPolicies: dbDeniedNodeB, src: 'default/db', dst: '192.168.56.12', port: 10250, allowed: false },
  { name: 'ANP nodes egress Deny: a selected node\'s bridge address', policies: [], tierPolicies: dbDeniedNodeB, src: 'default/db', dst: '10.244.2.1', port: 10250, allowed: false },
  { name: 'ANP nodes egress Deny: a hostNetwork pod on the selected node', policies: [], tierPolicies: dbDeniedNodeB, src: 'default/db', dst: 'default/host2', port: 10250, allowed: false },
  { name: 'ANP nodes egress Deny: a pod on the selected node is no node', policies: [], tierPolicies: dbDeniedNodeB, src: 'default/db', dst: 'default/other', port: 80, allowed: true },
  { name: 'ANP nodes egress Deny: the pod\'s own node is always reachable', policies: [], tierPolicies: dbDeniedNodes, src: 'default/db', dst: '192.168.56.11', port: 10250, allowed: true },
  { name: 'ANP nodes egress Deny over IPv6', policies: [], tierPolicies: v6aDeniedNodes, src: 'default/v6a', dst: 'fd00:56::12', port: 10250, allowed: false },
  { name: 'ANP nodes egress Allow overrides a NetworkPolicy deny', policies: [denyOut('db')], tierPolicies: dbAllowedNodes, src: 'default/db', dst: '192.168.56.12', port: 10250, allowed: true },
  { name: 'CNP Admin Accept overrides a NetworkPolicy deny-all', policies: [dbIngress([])], tierPolicies: cnpAccept, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'CNP Admin Deny overrides a NetworkPolicy allow', policies: [dbIngress([rule()])], tierPolicies: cnpDeny, src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'CNP Admin Pass then CNP Baseline Deny', policies: [], tierPolicies: cnpPassThenBaselineDeny, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'CNP Admin Pass then a NetworkPolicy: CNP Baseline Deny is not asked', policies: [dbIngress([rule([sameNs('frontend')])])], tierPolicies: cnpPassThenBaselineDeny, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'CNP Baseline Deny alone', policies: [], tierPolicies: [cnpDbIn('baseline-deny', 'Baseline', 10, tierRule('Deny', [everyNs]))], src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'CNP Baseline Pass: the default allows, its later Deny is skipped', policies: [], tierPolicies: cnpBaselinePassFirst, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'CNP Baseline Pass misses: its later Deny denies', policies: [], tierPolicies: cnpBaselinePassFirst, src: 'default/other', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP egress Allow is still subject to the destination\'s ingress, bridged', policies: [dbIngress([])], tierPolicies: webAllowedOut, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP egress Allow overrides the source\'s own NetworkPolicy deny', policies: [webOut([])], tierPolicies: webAllowedOut, src: 'default/web', dst: 'default/db', port: 6379, allowed: true },
  { name: 'ANP egress Allow is still subject to the destination\'s ingress, routed', policies: [dbIngress([])], tierPolicies: teamAAllowedOut, src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP egress Allow is still subject to an ANP ingress Deny', policies: [], tierPolicies: [...teamAAllowedOut, ...denyTeamAToDb], src: 'prod/client', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny with an unknown peer fails closed: denies everything', policies: [], tierPolicies: unknownDeny, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny with an unknown peer fails closed: external sources too', policies: [], tierPolicies: unknownDeny, src: '192.168.56.100', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Allow with an unknown peer fails closed: admits nothing', policies: [dbIngress([])], tierPolicies: unknownAllow, src: 'default/web', dst: 'default/db', port: 6379, allowed: false },
  { name: 'ANP Deny over IPv6, routed', policies: [], tierPolicies: v6aDeniedFromV6c, src: 'default/v6b', dst: 'default/v6a', port: 443, family: 6, allowed: false },
  { name: 'ANP Deny over IPv6: another pod passes, bridged', policies: [], tierPolicies: v6aDeniedFromV6c, src: 'default/dual', dst: 'default/v6a', port: 443, family: 6, allowed: true },
];

/**
 * What one implementation makes of a row: a verdict; why it cannot judge this one; or an outcome
 * that is neither verdict (a lab probe that timed out instead of being REJECTed), which fails.
 */
export type Judgement = { readonly allowed: boolean; readonly detail?: string } | { readonly skip: string } | { readonly failure: string };

/**
 * Runs the table through one implementation, one subtest per row it can judge (so a disagreement
 * names its row), and a diagnostic line naming each row it cannot, with the reason. `judge` sees every row at once, so that the lab can batch its probes.
 */
async function checkTable(t: TestContext, judge: (rows: readonly Row[]) => Promise<readonly Judgement[]>): Promise<void> {
  const names = new Set(ROWS.map((r) => r.name));
  assert.equal(names.size, ROWS.length, 'row names are unique');
  const got = await judge(ROWS);
  assert.equal(got.length, ROWS.length, 'one judgement per row');
  for (const [i, row] of ROWS.entries()) {
    const j = got[i];
    if (j === undefined) throw new Error(`no judgement for ${row.name}`);
    if ('skip' in j) {
      // Not a skipped test: a row this implementation cannot hold (no SCTP sockets, an address no
      // host can send from). Said in the output; every other row is judged.
      t.diagnostic(`${row.name}: not judged by this implementation: ${j.skip}`);
      continue;
    }
    await t.test(row.name, () => {
      const conn = `${row.src} -> ${row.dst} ${row.port}/${row.protocol ?? 'TCP'}${row.family === undefined ? '' : ` IPv${row.family}`}`;
      if ('failure' in j) assert.fail(`${conn}: want ${row.allowed ? 'allowed' : 'denied'}; ${j.failure}`);
      assert.equal(j.allowed, row.allowed, `${conn}: want ${row.allowed ? 'allowed' : 'denied'}${j.detail === undefined ? '' : `; ${j.detail}`}`);
    });
  }
}

/** The whole table as one test of `implementation`; runners call this once. */
export function runTable(implementation: string, judge: (rows: readonly Row[]) => Promise<readonly Judgement[]>, skip: string | false = false): void {
  test(`connectivity table (${ROWS.length} rows): ${implementation}`, { skip }, (t) => checkTable(t, judge));
}
