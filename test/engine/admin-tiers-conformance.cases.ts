/**
 * Expectations of the sig-network network-policy-api conformance suite
 * (kubernetes-sigs/network-policy-api, folder conformance/), written down as data:
 * which pod-to-pod (or pod-to-IP) connection the suite expects allowed or denied,
 * under which objects.
 *
 * Each case is one upstream subtest. Upstream subtests of one test run in order
 * against one policy object and their updates accumulate (a rule swap made in one
 * subtest is still in force in the next ones); `objects` always holds the policy
 * exactly as it is when that subtest probes.
 *
 * Cases whose `source` starts with "mirrors" are not in the upstream suite for
 * that API: they restate an upstream case for the other API (ANP/BANP v1alpha1 vs.
 * ClusterNetworkPolicy v1alpha2, Allow <-> Accept, BANP <-> tier Baseline).
 *
 * Self-contained: no imports.
 */

/** A Kubernetes object as its manifest would be written (apiVersion, kind, metadata, spec ...; pods also status.podIP/podIPs and status.phase 'Running', spec.nodeName). */
export type Manifest = Record<string, unknown>;

export interface ConformanceCheck {
  /** 'namespace/pod' */
  from: string;
  /** 'namespace/pod' or an IP address (egress to networks / nodes) */
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  allowed: boolean;
}

export interface ConformanceCase {
  /** e.g. 'AdminNetworkPolicyIngressSCTP: should allow/deny ...' */
  name: string;
  /** upstream file and test (and subtest) the expectation comes from */
  source: string;
  /** every object in force for this check: the base namespaces and pods plus the policies as the test has them at that step */
  objects: Manifest[];
  checks: ConformanceCheck[];
}

// ---------------------------------------------------------------------------
// Base namespaces and pods (conformance/base/manifests.yaml)
// ---------------------------------------------------------------------------

type House = 'gryffindor' | 'slytherin' | 'hufflepuff' | 'ravenclaw';
type Proto = 'TCP' | 'UDP' | 'SCTP';

const ns = (h: House | 'forbidden-forrest'): string => `network-policy-conformance-${h}`;

const STS: Record<House, { sts: string; subnet: number }> = {
  gryffindor: { sts: 'harry-potter', subnet: 1 },
  slytherin: { sts: 'draco-malfoy', subnet: 2 },
  hufflepuff: { sts: 'cedric-diggory', subnet: 3 },
  ravenclaw: { sts: 'luna-lovegood', subnet: 4 },
};
const HOUSES: House[] = ['gryffindor', 'slytherin', 'hufflepuff', 'ravenclaw'];

/** IP of pod `<sts>-<i>` of a house: 10.244.<subnet>.<10+i> */
const ipOf = (h: House, i: 0 | 1): string => `10.244.${STS[h].subnet}.${10 + i}`;
/** 'namespace/pod' of pod `<sts>-<i>` of a house */
const pod = (h: House, i: 0 | 1): string => `${ns(h)}/${STS[h].sts}-${i}`;

function namespaceManifest(name: string, house: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'conformance-house': house, 'kubernetes.io/metadata.name': name } },
  };
}

/**
 * One StatefulSet replica. Containers as upstream: a client container plus one
 * server container per port; only the port-80 (TCP, "web") and port-53 (UDP, "dns")
 * containers declare a containerPort. The 8080/TCP, 5353/UDP, 9003/SCTP and
 * 9005/SCTP servers listen without declaring a port.
 */
function podManifest(h: House, i: 0 | 1): Manifest {
  const sts = STS[h].sts;
  const name = `${sts}-${i}`;
  const ip = ipOf(h, i);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: ns(h),
      name,
      labels: {
        'conformance-house': h,
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(i),
      },
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        { name: `${sts}-client` },
        { name: `${sts}-80`, ports: [{ containerPort: 80, protocol: 'TCP', name: 'web' }] },
        { name: `${sts}-8080` },
        { name: `${sts}-5353` },
        { name: `${sts}-53`, ports: [{ containerPort: 53, protocol: 'UDP', name: 'dns' }] },
        { name: `${sts}-9003` },
        { name: `${sts}-9005` },
      ],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/**
 * Base namespaces and pods. Upstream also creates namespace
 * network-policy-conformance-forbidden-forrest with two hostNetwork pods
 * (centaur-0/1); they are represented here only by the namespace, and by the
 * Node objects (NODES) whose IPs the node-peer cases probe.
 */
export const BASE: Manifest[] = [
  ...HOUSES.map((h) => namespaceManifest(ns(h), h)),
  namespaceManifest(ns('forbidden-forrest'), 'forbidden-forrest'),
  ...HOUSES.flatMap((h) => [podManifest(h, 0), podManifest(h, 1)]),
];

/** Nodes for the egress node-peer cases; centaur-1 (hostNetwork) answers on node-2's IP. */
export const NODES: Manifest[] = [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-1' } },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-2', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node-2' } },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] },
  },
];
/** IP of the node hosting centaur-1 (the hostNetwork server of the node-peer tests). */
const CENTAUR_1_IP = '172.18.0.3';

// ---------------------------------------------------------------------------
// Abstract rules, rendered either as ANP/BANP v1alpha1 or as CNP v1alpha2
// ---------------------------------------------------------------------------

type Selector = Record<string, unknown>;
type Peer =
  | { namespaces: Selector }
  | { pods: { namespaceSelector: Selector; podSelector: Selector } }
  | { networks: string[] }
  | { nodes: Selector };
type PortSpec =
  | { protocol: Proto; port: number }
  | { protocol: Proto; start: number; end: number }
  | { named: string };
interface Rule {
  name: string;
  action: 'Allow' | 'Deny' | 'Pass';
  peers: Peer[];
  ports?: PortSpec[];
}
type Subject = { namespaces: Selector } | { pods: { namespaceSelector: Selector; podSelector: Selector } };
type Dir = 'ingress' | 'egress';

const byName = (h: House): Selector => ({ matchLabels: { 'kubernetes.io/metadata.name': ns(h) } });
const byHouse = (h: House): Selector => ({ matchLabels: { 'conformance-house': h } });
const nsPeer = (h: House): Peer => ({ namespaces: byName(h) });
const housePodsPeer = (h: House): Peer => ({ pods: { namespaceSelector: byHouse(h), podSelector: byHouse(h) } });
const nsSubject = (h: House): Subject => ({ namespaces: byName(h) });
const houseNsSubject = (h: House): Subject => ({ namespaces: byHouse(h) });
const housePodsSubject = (h: House): Subject => ({ pods: { namespaceSelector: byHouse(h), podSelector: byHouse(h) } });

function anpPort(p: PortSpec): Manifest {
  if ('named' in p) return { namedPort: p.named };
  if ('start' in p) return { portRange: { protocol: p.protocol, start: p.start, end: p.end } };
  return { portNumber: { protocol: p.protocol, port: p.port } };
}

function cnpProtocol(p: PortSpec): Manifest {
  if ('named' in p) return { destinationNamedPort: p.named };
  const key = p.protocol.toLowerCase();
  if ('start' in p) return { [key]: { destinationPort: { range: { start: p.start, end: p.end } } } };
  return { [key]: { destinationPort: { number: p.port } } };
}

function anpRule(r: Rule, dir: Dir): Manifest {
  const out: Manifest = { name: r.name, action: r.action, [dir === 'ingress' ? 'from' : 'to']: r.peers };
  if (r.ports) out.ports = r.ports.map(anpPort);
  return out;
}

function cnpRule(r: Rule, dir: Dir): Manifest {
  const action = r.action === 'Allow' ? 'Accept' : r.action;
  const out: Manifest = { name: r.name, action, [dir === 'ingress' ? 'from' : 'to']: r.peers };
  if (r.ports) out.protocols = r.ports.map(cnpProtocol);
  return out;
}

interface PolicySpec {
  name: string;
  priority: number;
  subject: Subject;
  ingress?: Rule[];
  egress?: Rule[];
}

function anp(p: PolicySpec): Manifest {
  const spec: Manifest = { priority: p.priority, subject: p.subject };
  if (p.ingress) spec.ingress = p.ingress.map((r) => anpRule(r, 'ingress'));
  if (p.egress) spec.egress = p.egress.map((r) => anpRule(r, 'egress'));
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: p.name }, spec };
}

/** BANP is a singleton named "default" and has no priority. */
function banp(p: Omit<PolicySpec, 'name' | 'priority'>): Manifest {
  const spec: Manifest = { subject: p.subject };
  if (p.ingress) spec.ingress = p.ingress.map((r) => anpRule(r, 'ingress'));
  if (p.egress) spec.egress = p.egress.map((r) => anpRule(r, 'egress'));
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec };
}

function cnp(tier: 'Admin' | 'Baseline', p: PolicySpec): Manifest {
  const spec: Manifest = { tier, priority: p.priority, subject: p.subject };
  if (p.ingress) spec.ingress = p.ingress.map((r) => cnpRule(r, 'ingress'));
  if (p.egress) spec.egress = p.egress.map((r) => cnpRule(r, 'egress'));
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: p.name }, spec };
}

function swap<T>(list: readonly T[], i: number, j: number): T[] {
  const out = [...list];
  const a = out[i] as T;
  out[i] = out[j] as T;
  out[j] = a;
  return out;
}

function replacePorts(list: readonly Rule[], i: number, ports: PortSpec[]): Rule[] {
  return list.map((r, k) => (k === i ? { ...r, ports } : r));
}

function withAction(list: readonly Rule[], i: number, action: Rule['action']): Rule[] {
  return list.map((r, k) => (k === i ? { ...r, action } : r));
}

function chk(from: string, to: string, port: number, protocol: Proto, allowed: boolean): ConformanceCheck {
  return { from, to, port, protocol, allowed };
}

const objs = (...extra: Manifest[]): Manifest[] => [...BASE, ...extra];

// ---------------------------------------------------------------------------
// The per-protocol ingress/egress tests (ANP 7 rules with Pass, BANP 5 rules)
// ---------------------------------------------------------------------------

/**
 * ANP per-protocol policy, rules in upstream order:
 *  0 allow A everything, 1 deny A everything, 2 pass A everything,
 *  3 deny S at port, 4 pass S at port, 5 allow H at port, 6 deny H everything else.
 */
function anpProtoRules(dir: Dir, a: House, s: House, sPort: number, h: House, hPort: number, proto: Proto): Rule[] {
  const ft = dir === 'ingress' ? 'from' : 'to';
  return [
    { name: `allow-${ft}-${a}-everything`, action: 'Allow', peers: [nsPeer(a)] },
    { name: `deny-${ft}-${a}-everything`, action: 'Deny', peers: [nsPeer(a)] },
    { name: `pass-${ft}-${a}-everything`, action: 'Pass', peers: [nsPeer(a)] },
    { name: `deny-${ft}-${s}-at-port-${sPort}`, action: 'Deny', peers: [nsPeer(s)], ports: [{ protocol: proto, port: sPort }] },
    { name: `pass-${ft}-${s}-at-port-${sPort}`, action: 'Pass', peers: [nsPeer(s)], ports: [{ protocol: proto, port: sPort }] },
    { name: `allow-${ft}-${h}-at-port-${hPort}`, action: 'Allow', peers: [nsPeer(h)], ports: [{ protocol: proto, port: hPort }] },
    { name: `deny-${ft}-${h}-everything-else`, action: 'Deny', peers: [nsPeer(h)] },
  ];
}

/**
 * BANP per-protocol policy, rules in upstream order:
 *  0 allow A everything, 1 deny A everything, 2 deny S at port, 3 allow H at port, 4 deny H everything else.
 */
function banpProtoRules(dir: Dir, a: House, s: House, sPort: number, h: House, hPort: number, proto: Proto): Rule[] {
  const all = anpProtoRules(dir, a, s, sPort, h, hPort, proto);
  return [all[0], all[1], all[3], all[5], all[6]] as Rule[];
}

interface ProtoTest {
  short: string; // ANP ShortName suffix, e.g. 'IngressTCP'
  anpFile: string;
  banpFile: string;
  dir: Dir;
  proto: Proto;
  subject: House;
  anpName: string;
  anpPriority: number;
  a: House;
  s: House;
  sPort: number;
  h: House;
  hPort: number;
  checks: {
    allowOrder: ConformanceCheck[];
    allowPort: ConformanceCheck[];
    denyOrder: ConformanceCheck[];
    denyPort: ConformanceCheck[];
    passOrder: ConformanceCheck[];
    passPort: ConformanceCheck[];
  };
}

const G0 = pod('gryffindor', 0), G1 = pod('gryffindor', 1);
const S0 = pod('slytherin', 0), S1 = pod('slytherin', 1);
const H0 = pod('hufflepuff', 0), H1 = pod('hufflepuff', 1);
const R0 = pod('ravenclaw', 0), R1 = pod('ravenclaw', 1);

const PROTO_TESTS: ProtoTest[] = [
  {
    short: 'IngressTCP', dir: 'ingress', proto: 'TCP',
    anpFile: 'conformance/tests/admin-network-policy-core-ingress-tcp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-ingress-tcp-rules.go',
    subject: 'gryffindor', anpName: 'ingress-tcp', anpPriority: 3,
    a: 'ravenclaw', s: 'slytherin', sPort: 80, h: 'hufflepuff', hPort: 80,
    checks: {
      allowOrder: [chk(R0, G0, 80, 'TCP', true), chk(R1, G0, 8080, 'TCP', true)],
      allowPort: [chk(H0, G1, 80, 'TCP', true), chk(H1, G1, 8080, 'TCP', false)],
      denyOrder: [chk(R0, G1, 80, 'TCP', false), chk(R1, G1, 8080, 'TCP', false)],
      denyPort: [chk(S0, G0, 80, 'TCP', false), chk(S1, G0, 8080, 'TCP', true)],
      passOrder: [chk(R0, G0, 80, 'TCP', true), chk(R1, G0, 8080, 'TCP', true)],
      passPort: [chk(S0, G0, 80, 'TCP', true), chk(S1, G0, 8080, 'TCP', true)],
    },
  },
  {
    short: 'IngressUDP', dir: 'ingress', proto: 'UDP',
    anpFile: 'conformance/tests/admin-network-policy-core-ingress-udp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-ingress-udp-rules.go',
    subject: 'hufflepuff', anpName: 'ingress-udp', anpPriority: 4,
    a: 'ravenclaw', s: 'slytherin', sPort: 5353, h: 'gryffindor', hPort: 53,
    checks: {
      allowOrder: [chk(R0, H0, 53, 'UDP', true), chk(R1, H0, 5353, 'UDP', true)],
      allowPort: [chk(G0, H1, 53, 'UDP', true), chk(G1, H1, 5353, 'UDP', false)],
      denyOrder: [chk(R0, H1, 53, 'UDP', false), chk(R1, H1, 5353, 'UDP', false)],
      denyPort: [chk(S0, H0, 5353, 'UDP', false), chk(S1, H0, 53, 'UDP', true)],
      passOrder: [chk(R0, H1, 5353, 'UDP', true), chk(R1, H1, 53, 'UDP', true)],
      passPort: [chk(S0, H0, 5353, 'UDP', true), chk(S1, H0, 53, 'UDP', true)],
    },
  },
  {
    short: 'IngressSCTP', dir: 'ingress', proto: 'SCTP',
    anpFile: 'conformance/tests/admin-network-policy-core-ingress-sctp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-ingress-sctp-rules.go',
    subject: 'ravenclaw', anpName: 'ingress-sctp', anpPriority: 5,
    a: 'gryffindor', s: 'slytherin', sPort: 9003, h: 'hufflepuff', hPort: 9003,
    checks: {
      allowOrder: [chk(G0, R0, 9003, 'SCTP', true), chk(G1, R0, 9005, 'SCTP', true)],
      allowPort: [chk(H0, R1, 9003, 'SCTP', true), chk(H1, R1, 9005, 'SCTP', false)],
      denyOrder: [chk(G0, R1, 9003, 'SCTP', false), chk(G1, R1, 9005, 'SCTP', false)],
      denyPort: [chk(S0, R0, 9003, 'SCTP', false), chk(S1, R0, 9005, 'SCTP', true)],
      passOrder: [chk(G0, R1, 9003, 'SCTP', true), chk(G1, R1, 9005, 'SCTP', true)],
      passPort: [chk(S0, R0, 9003, 'SCTP', true), chk(S1, R0, 9005, 'SCTP', true)],
    },
  },
  {
    short: 'EgressTCP', dir: 'egress', proto: 'TCP',
    anpFile: 'conformance/tests/admin-network-policy-core-egress-tcp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-egress-tcp-rules.go',
    subject: 'gryffindor', anpName: 'egress-tcp', anpPriority: 6,
    a: 'ravenclaw', s: 'slytherin', sPort: 80, h: 'hufflepuff', hPort: 8080,
    checks: {
      allowOrder: [chk(G0, R0, 80, 'TCP', true), chk(G1, R0, 8080, 'TCP', true)],
      allowPort: [chk(G0, H1, 8080, 'TCP', true), chk(G1, H1, 80, 'TCP', false)],
      denyOrder: [chk(G0, R1, 80, 'TCP', false), chk(G1, R1, 8080, 'TCP', false)],
      denyPort: [chk(G0, S0, 80, 'TCP', false), chk(G1, S0, 8080, 'TCP', true)],
      passOrder: [chk(G0, R0, 80, 'TCP', true), chk(G1, R0, 8080, 'TCP', true)],
      passPort: [chk(G0, S0, 80, 'TCP', true), chk(G1, S0, 8080, 'TCP', true)],
    },
  },
  {
    short: 'EgressUDP', dir: 'egress', proto: 'UDP',
    anpFile: 'conformance/tests/admin-network-policy-core-egress-udp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-egress-udp-rules.go',
    subject: 'hufflepuff', anpName: 'egress-udp', anpPriority: 7,
    a: 'ravenclaw', s: 'slytherin', sPort: 5353, h: 'gryffindor', hPort: 53,
    checks: {
      allowOrder: [chk(H0, R0, 53, 'UDP', true), chk(H1, R0, 5353, 'UDP', true)],
      allowPort: [chk(H0, G1, 53, 'UDP', true), chk(H1, G1, 5353, 'UDP', false)],
      denyOrder: [chk(H0, R1, 53, 'UDP', false), chk(H1, R1, 5353, 'UDP', false)],
      denyPort: [chk(H0, S0, 5353, 'UDP', false), chk(H1, S0, 53, 'UDP', true)],
      passOrder: [chk(H0, R1, 5353, 'UDP', true), chk(H1, R1, 53, 'UDP', true)],
      passPort: [chk(H0, S0, 5353, 'UDP', true), chk(H1, S0, 53, 'UDP', true)],
    },
  },
  {
    short: 'EgressSCTP', dir: 'egress', proto: 'SCTP',
    anpFile: 'conformance/tests/admin-network-policy-core-egress-sctp-rules.go',
    banpFile: 'conformance/tests/baseline-admin-network-policy-core-egress-sctp-rules.go',
    subject: 'ravenclaw', anpName: 'egress-sctp', anpPriority: 8,
    a: 'gryffindor', s: 'slytherin', sPort: 9003, h: 'hufflepuff', hPort: 9003,
    checks: {
      allowOrder: [chk(R0, G0, 9003, 'SCTP', true), chk(R1, G0, 9005, 'SCTP', true)],
      allowPort: [chk(R0, H1, 9003, 'SCTP', true), chk(R1, H1, 9005, 'SCTP', false)],
      denyOrder: [chk(R0, G1, 9003, 'SCTP', false), chk(R1, G1, 9005, 'SCTP', false)],
      denyPort: [chk(R0, S0, 9003, 'SCTP', false), chk(R1, S0, 9005, 'SCTP', true)],
      passOrder: [chk(R0, G1, 9003, 'SCTP', true), chk(R1, G1, 9005, 'SCTP', true)],
      passPort: [chk(R0, S0, 9003, 'SCTP', true), chk(R1, S0, 9005, 'SCTP', true)],
    },
  },
];

const SUBTEST = {
  allowOrder: (d: Dir, p: Proto) => `Should support an 'allow-${d}' policy for ${p} protocol; ensure rule ordering is respected`,
  allowPort: (d: Dir, p: Proto) => `Should support an 'allow-${d}' policy for ${p} protocol at the specified port`,
  denyOrder: (d: Dir, p: Proto) => `Should support an 'deny-${d}' policy for ${p} protocol; ensure rule ordering is respected`,
  denyPort: (d: Dir, p: Proto) => `Should support a 'deny-${d}' policy for ${p} protocol at the specified port`,
  passOrder: (d: Dir, p: Proto) => `Should support an 'pass-${d}' policy for ${p} protocol; ensure rule ordering is respected`,
  passPort: (d: Dir, p: Proto) => `Should support a 'pass-${d}' policy for ${p} protocol at the specified port`,
};

const CNP_PROTO_FILE: Record<string, string> = {
  IngressTCP: 'conformance/tests/admin-network-policy-standard-ingress-tcp-rules.go',
};

function protoCases(t: ProtoTest): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const { dir, proto } = t;
  // --- ANP (with Pass) ---
  const r0 = anpProtoRules(dir, t.a, t.s, t.sPort, t.h, t.hPort, proto);
  const r1 = swap(r0, 0, 1); // deny first
  const r2 = swap(r1, 0, 2); // pass first
  const r3 = swap(r2, 3, 4); // pass before deny for S
  const steps: [keyof ProtoTest['checks'], Rule[]][] = [
    ['allowOrder', r0], ['allowPort', r0], ['denyOrder', r1], ['denyPort', r1], ['passOrder', r2], ['passPort', r3],
  ];
  const pol = (rules: Rule[]): PolicySpec => ({
    name: t.anpName, priority: t.anpPriority, subject: nsSubject(t.subject), [dir]: rules,
  });
  for (const [key, rules] of steps) {
    const sub = SUBTEST[key](dir, proto);
    const src = `${t.anpFile}, AdminNetworkPolicy${t.short}, t.Run("${sub}")`;
    out.push({ name: `AdminNetworkPolicy${t.short}: ${sub}`, source: src, objects: objs(anp(pol(rules))), checks: t.checks[key] });
    // CNP Admin tier
    const cnpFile = CNP_PROTO_FILE[t.short];
    const cnpSrc = cnpFile ? `${cnpFile}, CNPAdminTier${t.short}, t.Run("${sub}")` : `mirrors ${src}`;
    out.push({ name: `CNPAdminTier${t.short}: ${sub}`, source: cnpSrc, objects: objs(cnp('Admin', pol(rules))), checks: t.checks[key] });
    if (key === 'allowPort' && t.short === 'IngressTCP') {
      // upstream CNP-only subtest, run on the unmodified policy
      const s2 = 'Should not affect egress traffic when only ingress rules are specified';
      out.push({
        name: `CNPAdminTierIngressTCP: ${s2}`,
        source: `conformance/tests/admin-network-policy-standard-ingress-tcp-rules.go, CNPAdminTierIngressTCP, t.Run("${s2}")`,
        objects: objs(cnp('Admin', pol(r0))),
        checks: [chk(G0, R0, 80, 'TCP', true), chk(G1, S0, 80, 'TCP', true)],
      });
    }
  }
  // --- BANP (no Pass): rules 0 allow A, 1 deny A, 2 deny S, 3 allow H, 4 deny H ---
  const b0 = banpProtoRules(dir, t.a, t.s, t.sPort, t.h, t.hPort, proto);
  const b1 = swap(b0, 0, 1);
  const bsteps: [keyof ProtoTest['checks'], Rule[]][] = [
    ['allowOrder', b0], ['allowPort', b0], ['denyOrder', b1], ['denyPort', b1],
  ];
  for (const [key, rules] of bsteps) {
    const sub = SUBTEST[key](dir, proto);
    const src = `${t.banpFile}, BaselineAdminNetworkPolicy${t.short}, t.Run("${sub}")`;
    out.push({
      name: `BaselineAdminNetworkPolicy${t.short}: ${sub}`, source: src,
      objects: objs(banp({ subject: nsSubject(t.subject), [dir]: rules })), checks: t.checks[key],
    });
    out.push({
      name: `CNPBaselineTier${t.short}: ${sub}`, source: `mirrors ${src}`,
      objects: objs(cnp('Baseline', { name: 'default', priority: 3, subject: nsSubject(t.subject), [dir]: rules })),
      checks: t.checks[key],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Named ports
// ---------------------------------------------------------------------------

function namedPortCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const sub = (d: Dir) => `Should support an 'allow-${d}' policy for named port`;
  // ANP egress-tcp, rule 5 (allow hufflepuff TCP 8080) becomes namedPort "web" (= TCP 80 in the pod spec)
  {
    const rules = replacePorts(anpProtoRules('egress', 'ravenclaw', 'slytherin', 80, 'hufflepuff', 8080, 'TCP'), 5, [{ named: 'web' }]);
    const p: PolicySpec = { name: 'egress-tcp', priority: 6, subject: nsSubject('gryffindor'), egress: rules };
    const checks = [chk(G0, H1, 80, 'TCP', true), chk(G1, H1, 8080, 'TCP', false)];
    out.push({
      name: `AdminNetworkPolicyEgressNamedPort: ${sub('egress')}`,
      source: `conformance/tests/admin-network-policy-extended-egress-rules.go, AdminNetworkPolicyEgressNamedPort, t.Run("${sub('egress')}")`,
      objects: objs(anp(p)), checks,
    });
    out.push({
      name: `CNPAdminTierEgressNamedPort: ${sub('egress')}`,
      source: `conformance/tests/admin-network-policy-experimental-egress-rules.go, CNPAdminTierEgressNamedPort, t.Run("${sub('egress')}")`,
      objects: objs(cnp('Admin', p)), checks,
    });
  }
  // ANP ingress-udp, rule 5 (allow gryffindor UDP 53) becomes namedPort "dns" (= UDP 53 in the pod spec)
  {
    const rules = replacePorts(anpProtoRules('ingress', 'ravenclaw', 'slytherin', 5353, 'gryffindor', 53, 'UDP'), 5, [{ named: 'dns' }]);
    const p: PolicySpec = { name: 'ingress-udp', priority: 4, subject: nsSubject('hufflepuff'), ingress: rules };
    const checks = [chk(G0, H1, 53, 'UDP', true), chk(G1, H1, 5353, 'UDP', false)];
    out.push({
      name: `AdminNetworkPolicyIngressNamedPort: ${sub('ingress')}`,
      source: `conformance/tests/admin-network-policy-extended-ingress-rules.go, AdminNetworkPolicyIngressNamedPort, t.Run("${sub('ingress')}")`,
      objects: objs(anp(p)), checks,
    });
    out.push({
      name: `CNPAdminTierIngressNamedPort: ${sub('ingress')}`,
      source: `conformance/tests/admin-network-policy-experimental-ingress-rules.go, CNPAdminTierIngressNamedPort, t.Run("${sub('ingress')}")`,
      objects: objs(cnp('Admin', p)), checks,
    });
  }
  // BANP ingress-tcp, rule 3 (allow hufflepuff TCP 80) becomes namedPort "web"
  {
    const rules = replacePorts(banpProtoRules('ingress', 'ravenclaw', 'slytherin', 80, 'hufflepuff', 80, 'TCP'), 3, [{ named: 'web' }]);
    const checks = [chk(H0, G1, 80, 'TCP', true), chk(H1, G1, 8080, 'TCP', false)];
    const src = `conformance/tests/baseline-admin-network-policy-core-ingress-tcp-rules.go, BaselineAdminNetworkPolicyIngressNamedPort, t.Run("${sub('ingress')}")`;
    out.push({
      name: `BaselineAdminNetworkPolicyIngressNamedPort: ${sub('ingress')}`, source: src,
      objects: objs(banp({ subject: nsSubject('gryffindor'), ingress: rules })), checks,
    });
    out.push({
      name: `CNPBaselineTierIngressNamedPort: ${sub('ingress')}`, source: `mirrors ${src}`,
      objects: objs(cnp('Baseline', { name: 'default', priority: 3, subject: nsSubject('gryffindor'), ingress: rules })), checks,
    });
  }
  // BANP egress-udp, rule 3 (allow gryffindor UDP 53) becomes namedPort "dns"
  {
    const rules = replacePorts(banpProtoRules('egress', 'ravenclaw', 'slytherin', 5353, 'gryffindor', 53, 'UDP'), 3, [{ named: 'dns' }]);
    const checks = [chk(H0, G1, 53, 'UDP', true), chk(H1, G1, 5353, 'UDP', false)];
    const src = `conformance/tests/baseline-admin-network-policy-core-egress-udp-rules.go, BaselineAdminNetworkPolicyEgressNamedPort, t.Run("${sub('egress')}")`;
    out.push({
      name: `BaselineAdminNetworkPolicyEgressNamedPort: ${sub('egress')}`, source: src,
      objects: objs(banp({ subject: nsSubject('hufflepuff'), egress: rules })), checks,
    });
    out.push({
      name: `CNPBaselineTierEgressNamedPort: ${sub('egress')}`, source: `mirrors ${src}`,
      objects: objs(cnp('Baseline', { name: 'default', priority: 3, subject: nsSubject('hufflepuff'), egress: rules })), checks,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Combined ingress + egress rules across protocols (gress-rules)
// ---------------------------------------------------------------------------

function gressCases(): ConformanceCase[] {
  const S_PORTS: PortSpec[] = [
    { protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP', port: 9003 },
  ];
  const e0: Rule[] = [
    { name: 'allow-to-ravenclaw-everything', action: 'Allow', peers: [nsPeer('ravenclaw')] },
    { name: 'deny-to-ravenclaw-everything', action: 'Deny', peers: [nsPeer('ravenclaw')] },
    { name: 'pass-to-ravenclaw-everything', action: 'Pass', peers: [nsPeer('ravenclaw')] },
    { name: 'deny-to-slytherin-at-ports-80-53-9003', action: 'Deny', peers: [nsPeer('slytherin')], ports: S_PORTS },
    { name: 'pass-to-slytherin-at-port-80-53-9003', action: 'Pass', peers: [nsPeer('slytherin')], ports: S_PORTS },
    {
      name: 'allow-to-hufflepuff-at-ports-8080-5353', action: 'Allow', peers: [nsPeer('hufflepuff')],
      ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'UDP', port: 5353 }, { protocol: 'SCTP', port: 9003 }],
    },
    { name: 'deny-to-hufflepuff-everything-else', action: 'Deny', peers: [nsPeer('hufflepuff')] },
  ];
  const i0: Rule[] = [
    { name: 'allow-from-ravenclaw-everything', action: 'Allow', peers: [nsPeer('ravenclaw')] },
    { name: 'deny-from-ravenclaw-everything', action: 'Deny', peers: [nsPeer('ravenclaw')] },
    { name: 'pass-from-ravenclaw-everything', action: 'Pass', peers: [nsPeer('ravenclaw')] },
    { name: 'deny-from-slytherin-at-port-80-53-9003', action: 'Deny', peers: [nsPeer('slytherin')], ports: S_PORTS },
    { name: 'pass-from-slytherin-at-port-80-53-9003', action: 'Pass', peers: [nsPeer('slytherin')], ports: S_PORTS },
    {
      name: 'allow-from-hufflepuff-at-port-80-5353-9003', action: 'Allow', peers: [nsPeer('hufflepuff')],
      ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 5353 }, { protocol: 'SCTP', port: 9003 }],
    },
    { name: 'deny-from-hufflepuff-everything-else', action: 'Deny', peers: [nsPeer('hufflepuff')] },
  ];
  const e1 = swap(e0, 0, 1), i1 = swap(i0, 0, 1);
  const e2 = swap(e1, 0, 2), i2 = swap(i1, 0, 2);
  const e3 = swap(e2, 3, 4), i3 = swap(i2, 3, 4);
  const pol = (egress: Rule[], ingress: Rule[]): PolicySpec => ({
    name: 'gress-rules', priority: 15, subject: nsSubject('gryffindor'), egress, ingress,
  });
  const steps: [string, Rule[], Rule[], ConformanceCheck[]][] = [
    ["Should support an 'allow-gress' policy across different protocols", e0, i0, [
      chk(G0, R0, 80, 'TCP', true), chk(G1, R0, 53, 'UDP', true), chk(G0, R0, 9003, 'SCTP', true),
      chk(R0, G0, 80, 'TCP', true), chk(R1, G0, 53, 'UDP', true), chk(R1, G0, 9003, 'SCTP', true),
    ]],
    ["Should support an 'allow-gress' policy across different protocols at the specified ports", e0, i0, [
      chk(G0, H1, 8080, 'TCP', true), chk(G1, H1, 80, 'TCP', false),
      chk(G0, H1, 5353, 'UDP', true), chk(G1, H1, 53, 'UDP', false),
      chk(G0, H1, 9003, 'SCTP', true), chk(G1, H1, 9005, 'SCTP', false),
      chk(H0, G1, 80, 'TCP', true), chk(H1, G1, 8080, 'TCP', false),
      chk(H0, G1, 5353, 'UDP', true), chk(H1, G1, 53, 'UDP', false),
      chk(H0, G1, 9003, 'SCTP', true), chk(H1, G1, 9005, 'SCTP', false),
    ]],
    ["Should support an 'deny-gress' policy across different protocols", e1, i1, [
      chk(G0, R1, 80, 'TCP', false), chk(G1, R1, 53, 'UDP', false), chk(G0, R1, 9003, 'SCTP', false),
      chk(R0, G1, 80, 'TCP', false), chk(R1, G1, 53, 'UDP', false), chk(R1, G1, 9003, 'SCTP', false),
    ]],
    ["Should support a 'deny-gress' policy across different protocols at the specified ports", e1, i1, [
      chk(G0, S0, 80, 'TCP', false), chk(G1, S0, 8080, 'TCP', true),
      chk(G0, S0, 53, 'UDP', false), chk(G1, S0, 5353, 'UDP', true),
      chk(G0, S0, 9003, 'SCTP', false), chk(G1, S0, 9005, 'SCTP', true),
      chk(S0, G0, 80, 'TCP', false), chk(S1, G0, 8080, 'TCP', true),
      chk(S0, G0, 53, 'UDP', false), chk(S1, G0, 5353, 'UDP', true),
      chk(S0, G0, 9003, 'SCTP', false), chk(S1, G0, 9005, 'SCTP', true),
    ]],
    ["Should support an 'pass-gress' policy across different protocols", e2, i2, [
      chk(G0, R0, 80, 'TCP', true), chk(G0, R0, 5353, 'UDP', true), chk(G0, R0, 9003, 'SCTP', true),
      chk(R0, G0, 80, 'TCP', true), chk(R1, G0, 53, 'UDP', true), chk(R1, G0, 9003, 'SCTP', true),
    ]],
    ["Should support a 'pass-gress' policy across different protocols at the specified ports", e3, i3, [
      chk(G0, S0, 80, 'TCP', true), chk(G1, S0, 8080, 'TCP', true),
      chk(G0, S0, 53, 'UDP', true), chk(G1, S0, 5353, 'UDP', true),
      chk(G0, S0, 9003, 'SCTP', true), chk(G1, S0, 9005, 'SCTP', true),
      chk(S0, G0, 80, 'TCP', true), chk(S1, G0, 8080, 'TCP', true),
      chk(S0, G0, 53, 'UDP', true), chk(S1, G0, 5353, 'UDP', true),
      chk(S0, G0, 9003, 'SCTP', true), chk(S1, G0, 9005, 'SCTP', true),
    ]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, e, i, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-core-gress-rules.go, AdminNetworkPolicyGress, t.Run("${sub}")`;
    out.push({ name: `AdminNetworkPolicyGress: ${sub}`, source: src, objects: objs(anp(pol(e, i))), checks });
    out.push({ name: `CNPAdminTierGress: ${sub}`, source: `mirrors ${src}`, objects: objs(cnp('Admin', pol(e, i))), checks });
  }
  return out;
}

// ---------------------------------------------------------------------------
// ANP + NetworkPolicy + BANP integration (Pass delegation)
// ---------------------------------------------------------------------------

function integrationCases(): ConformanceCase[] {
  const anpIn0: Rule[] = [{ name: 'deny-all-ingress-from-slytherin', action: 'Deny', peers: [{ namespaces: byHouse('slytherin') }] }];
  const anpEg0: Rule[] = [{ name: 'deny-all-egress-to-slytherin', action: 'Deny', peers: [{ namespaces: byHouse('slytherin') }] }];
  const banpRules = {
    ingress: [{ name: 'deny-all-ingress-from-slytherin', action: 'Deny', peers: [{ namespaces: byHouse('slytherin') }] }] as Rule[],
    egress: [{ name: 'deny-all-egress-to-slytherin', action: 'Deny', peers: [{ namespaces: byHouse('slytherin') }] }] as Rule[],
  };
  const np: Manifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-gress-from-to-slytherin-to-gryffindor', namespace: ns('gryffindor') },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'conformance-house': 'slytherin' } } }] }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'conformance-house': 'slytherin' } } }] }],
    },
  };
  const anpIn1 = withAction(anpIn0, 0, 'Pass');
  const anpEg1 = withAction(anpEg0, 0, 'Pass');
  const admin = (ingress: Rule[], egress: Rule[]): PolicySpec => ({
    name: 'pass-example', priority: 10, subject: houseNsSubject('gryffindor'), ingress, egress,
  });
  const baseline: PolicySpec = { name: 'default', priority: 10, subject: houseNsSubject('gryffindor'), ...banpRules };
  const steps: [string, Rule[], Rule[], boolean, ConformanceCheck[]][] = [
    ['Should Deny traffic from slytherin to gryffindor respecting ANP', anpIn0, anpEg0, true,
      [chk(S0, G0, 80, 'TCP', false), chk(S1, G0, 8080, 'TCP', false)]],
    ['Should Deny traffic to slytherin from gryffindor respecting ANP', anpIn0, anpEg0, true,
      [chk(G0, S0, 80, 'TCP', false), chk(G1, S0, 8080, 'TCP', false)]],
    ["Should support a 'pass-ingress' policy for ANP and respect the match for network policy", anpIn1, anpEg0, true,
      [chk(S0, G0, 80, 'TCP', true), chk(S1, G0, 8080, 'TCP', true)]],
    ["Should support a 'pass-egress' policy for ANP and respect the match for network policy", anpIn1, anpEg1, true,
      [chk(G0, S0, 80, 'TCP', true), chk(G1, S0, 8080, 'TCP', true)]],
    ["Should support a 'pass-ingress' policy for ANP and respect the match for baseline admin network policy", anpIn1, anpEg1, false,
      [chk(S0, G0, 80, 'TCP', false), chk(S1, G0, 8080, 'TCP', false)]],
    ["Should support a 'pass-egress' policy for ANP and respect the match for baseline admin network policy", anpIn1, anpEg1, false,
      [chk(G0, S0, 80, 'TCP', false), chk(G1, S0, 8080, 'TCP', false)]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, ing, eg, withNp, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-core-integration.go, AdminNetworkPolicyIntegration, t.Run("${sub}")`;
    const npObjs = withNp ? [np] : [];
    out.push({
      name: `AdminNetworkPolicyIntegration: ${sub}`, source: src,
      objects: objs(anp(admin(ing, eg)), ...npObjs, banp({ subject: baseline.subject, ...banpRules })), checks,
    });
    out.push({
      name: `CNPIntegration: ${sub}`, source: `mirrors ${src}`,
      objects: objs(cnp('Admin', admin(ing, eg)), ...npObjs, cnp('Baseline', baseline)), checks,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Priority field (and an updated priority)
// ---------------------------------------------------------------------------

function priorityCases(): ConformanceCase[] {
  const deny: PolicySpec = {
    name: 'priority-50-example', priority: 50, subject: housePodsSubject('gryffindor'),
    ingress: [{ name: 'deny-all-ingress-from-slytherin', action: 'Deny', peers: [housePodsPeer('slytherin')] }],
    egress: [{ name: 'deny-all-egress-to-slytherin', action: 'Deny', peers: [housePodsPeer('slytherin')] }],
  };
  const pass = (priority: number): PolicySpec => ({
    name: 'old-priority-60-new-priority-40-example', priority, subject: housePodsSubject('gryffindor'),
    ingress: [{ name: 'pass-all-ingress-from-slytherin', action: 'Pass', peers: [housePodsPeer('slytherin')] }],
    egress: [{ name: 'pass-all-egress-to-slytherin', action: 'Pass', peers: [housePodsPeer('slytherin')] }],
  });
  const base: PolicySpec = {
    name: 'default', priority: 10, subject: housePodsSubject('gryffindor'),
    ingress: [{ name: 'allow-all-ingress-from-slytherin', action: 'Allow', peers: [housePodsPeer('slytherin')] }],
    egress: [{ name: 'allow-all-egress-to-slytherin', action: 'Allow', peers: [housePodsPeer('slytherin')] }],
  };
  const steps: [string, number, ConformanceCheck[]][] = [
    ['Should Deny traffic from slytherin to gryffindor respecting ANP', 60,
      [chk(S0, G0, 80, 'TCP', false), chk(S1, G0, 8080, 'TCP', false)]],
    ['Should Deny traffic to slytherin from gryffindor respecting ANP', 60,
      [chk(G0, S0, 80, 'TCP', false), chk(G1, S0, 8080, 'TCP', false)]],
    ['Should respect ANP priority field; thus passing both ingress and egress traffic over to BANP', 40, [
      chk(S0, G0, 80, 'TCP', true), chk(S1, G0, 8080, 'TCP', true),
      chk(G0, S0, 80, 'TCP', true), chk(G1, S0, 8080, 'TCP', true),
    ]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, prio, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-core-priority.go, AdminNetworkPolicyPriorityField, t.Run("${sub}")`;
    out.push({
      name: `AdminNetworkPolicyPriorityField: ${sub}`, source: src,
      objects: objs(anp(deny), anp(pass(prio)), banp({ subject: base.subject, ingress: base.ingress, egress: base.egress })), checks,
    });
    out.push({
      name: `CNPAdminTierPriorityField: ${sub}`, source: `mirrors ${src}`,
      objects: objs(cnp('Admin', deny), cnp('Admin', pass(prio)), cnp('Baseline', base)), checks,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Egress to node peers (hostNetwork server centaur-1, probed on its node IP)
// ---------------------------------------------------------------------------

function nodePeerCases(): ConformanceCase[] {
  const linux: Selector = { matchLabels: { 'kubernetes.io/os': 'linux' } };
  const anpRules: Rule[] = [
    { name: 'allow-egress-to-36363-on-nodes', action: 'Allow', peers: [{ nodes: linux }], ports: [{ protocol: 'TCP', port: 36363 }] },
    { name: 'pass-egress-to-5353-on-nodes', action: 'Pass', peers: [{ nodes: linux }], ports: [{ protocol: 'UDP', port: 5353 }] },
    { name: 'deny-egress-to-slytherin-and-nodes', action: 'Deny', peers: [housePodsPeer('slytherin'), { nodes: linux }] },
  ];
  const cnpRules: Rule[] = [
    anpRules[0] as Rule,
    anpRules[1] as Rule,
    {
      name: 'deny-egress-to-slytherin-and-nodes-and-internet', action: 'Deny',
      peers: [housePodsPeer('slytherin'), { nodes: linux }, { networks: ['0.0.0.0/0', '::/0'] }],
    },
  ];
  const pol = (name: string, egress: Rule[]): PolicySpec => ({ name, priority: 75, subject: housePodsSubject('gryffindor'), egress });
  const steps: [string, ConformanceCheck[]][] = [
    ["Should support an 'allow-egress' rule policy for egress-node-peer", [chk(G0, CENTAUR_1_IP, 36363, 'TCP', true)]],
    ["Should support a 'pass-egress' rule policy for egress-node-peer", [chk(G1, CENTAUR_1_IP, 5353, 'UDP', true)]],
    ["Should support a 'deny-egress' rule policy for egress-node-peer", [
      chk(G1, CENTAUR_1_IP, 36364, 'TCP', false), chk(G1, CENTAUR_1_IP, 53, 'UDP', false), chk(G1, CENTAUR_1_IP, 9003, 'SCTP', false),
    ]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-extended-egress-rules.go, AdminNetworkPolicyEgressNodePeers, t.Run("${sub}")`;
    out.push({
      name: `AdminNetworkPolicyEgressNodePeers: ${sub}`, source: src,
      objects: [...objs(anp(pol('node-selector-as-peer-example', anpRules))), ...NODES], checks,
    });
    out.push({
      name: `CNPAdminTierEgressNodePeers: ${sub}`,
      source: `conformance/tests/admin-network-policy-experimental-egress-rules.go, CNPAdminTierEgressNodePeers, t.Run("${sub}") (upstream templates the host ports; the concrete ports of the ANP test are used)`,
      objects: [...objs(cnp('Admin', pol('node-and-cidr-as-peers-example', cnpRules))), ...NODES], checks,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Egress to inline CIDR peers (networks)
// ---------------------------------------------------------------------------

function cidrCases(): ConformanceCase[] {
  const r0: Rule[] = [
    { name: 'allow-egress-to-slytherin', action: 'Allow', peers: [housePodsPeer('slytherin')] },
    { name: 'deny-egress-to-internet', action: 'Deny', peers: [{ networks: ['0.0.0.0/0', '::/0'] }] },
  ];
  const r1: Rule[] = [
    {
      name: 'allow-egress-to-specific-podIPs', action: 'Allow',
      peers: [{ networks: [`${ipOf('ravenclaw', 0)}/32`, `${ipOf('hufflepuff', 0)}/32`] }],
    },
    ...r0,
  ];
  const three = (to: string, allowed: boolean): ConformanceCheck[] => [
    chk(G1, to, 80, 'TCP', allowed), chk(G1, to, 53, 'UDP', allowed), chk(G1, to, 9003, 'SCTP', allowed),
  ];
  const pol = (egress: Rule[]): PolicySpec => ({
    name: 'inline-cidr-as-peers-example', priority: 85, subject: housePodsSubject('gryffindor'), egress,
  });
  const steps: [string, Rule[], ConformanceCheck[]][] = [
    ["Should support a 'deny-egress' rule policy for egress-cidr-peer", r0,
      [...three(R0, false), ...three(H0, false), ...three(S0, true)]],
    ["Should support an 'allow-egress' rule policy for egress-cidr-peer", r1,
      [...three(R0, true), ...three(H0, true), ...three(R1, false), ...three(H1, false)]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, rules, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-standard-egress-inline-cidr-rules.go, CNPAdminTierEgressInlineCIDRPeers, t.Run("${sub}")`;
    out.push({ name: `CNPAdminTierEgressInlineCIDRPeers: ${sub}`, source: src, objects: objs(cnp('Admin', pol(rules))), checks });
    out.push({
      name: `AdminNetworkPolicyEgressInlineCIDRPeers: ${sub}`, source: `mirrors ${src}`,
      objects: objs(anp(pol(rules))), checks,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Port ranges (combined ingress + egress)
// ---------------------------------------------------------------------------

function portRangeCases(): ConformanceCase[] {
  const anyHouse: Selector = { matchExpressions: [{ key: 'conformance-house', operator: 'Exists' }] };
  const tcp: PortSpec[] = [{ protocol: 'TCP', start: 80, end: 8080 }];
  const udp: PortSpec[] = [{ protocol: 'UDP', start: 53, end: 5353 }];
  const sctp: PortSpec[] = [{ protocol: 'SCTP', start: 9003, end: 9005 }];
  const p: PolicySpec = {
    name: 'port-range-rules', priority: 9, subject: nsSubject('gryffindor'),
    egress: [
      { name: 'allow-to-ravenclaw-tcp-port-range', action: 'Allow', peers: [nsPeer('ravenclaw')], ports: tcp },
      { name: 'allow-to-hufflepuff-udp-port-range', action: 'Allow', peers: [nsPeer('hufflepuff')], ports: udp },
      { name: 'allow-to-slytherin-sctp-port-range', action: 'Allow', peers: [nsPeer('slytherin')], ports: sctp },
      { name: 'deny-all-egress', action: 'Deny', peers: [{ namespaces: anyHouse }] },
    ],
    ingress: [
      { name: 'allow-from-ravenclaw-tcp-port-range', action: 'Allow', peers: [nsPeer('ravenclaw')], ports: tcp },
      { name: 'allow-from-hufflepuff-udp-port-range', action: 'Allow', peers: [nsPeer('hufflepuff')], ports: udp },
      { name: 'allow-from-slytherin-sctp-port-range', action: 'Allow', peers: [nsPeer('slytherin')], ports: sctp },
      { name: 'deny-all-ingress', action: 'Deny', peers: [{ namespaces: anyHouse }] },
    ],
  };
  const steps: [string, ConformanceCheck[]][] = [
    ['Should support egress port range rules across different protocols', [
      chk(G0, R0, 80, 'TCP', true), chk(G0, R0, 8080, 'TCP', true), chk(G1, R0, 53, 'UDP', false),
      chk(G0, H0, 53, 'UDP', true), chk(G0, H0, 5353, 'UDP', true), chk(G1, H0, 80, 'TCP', false),
      chk(G0, S0, 9003, 'SCTP', true), chk(G0, S0, 9005, 'SCTP', true), chk(G1, S0, 80, 'TCP', false),
    ]],
    ['Should support ingress port range rules across different protocols', [
      chk(R0, G0, 80, 'TCP', true), chk(R0, G0, 8080, 'TCP', true), chk(R1, G0, 53, 'UDP', false),
      chk(H0, G0, 53, 'UDP', true), chk(H0, G0, 5353, 'UDP', true), chk(H1, G0, 80, 'TCP', false),
      chk(S0, G0, 9003, 'SCTP', true), chk(S0, G0, 9005, 'SCTP', true), chk(S1, G0, 80, 'TCP', false),
    ]],
  ];
  const out: ConformanceCase[] = [];
  for (const [sub, checks] of steps) {
    const src = `conformance/tests/admin-network-policy-standard-port-range-rules.go, CNPAdminTierPortRange, t.Run("${sub}")`;
    out.push({ name: `CNPAdminTierPortRange: ${sub}`, source: src, objects: objs(cnp('Admin', p)), checks });
    out.push({ name: `AdminNetworkPolicyPortRange: ${sub}`, source: `mirrors ${src}`, objects: objs(anp(p)), checks });
  }
  return out;
}

// ---------------------------------------------------------------------------
// CNP only: same priority, ingress-only / egress-only isolation
// ---------------------------------------------------------------------------

function samePriorityCases(): ConformanceCase[] {
  const pair = (name: string, subject: House, peer: House, port: number): Manifest =>
    cnp('Admin', {
      name, priority: 15, subject: nsSubject(subject),
      ingress: [{ name: `deny-from-${peer}-at-port-${port}`, action: 'Deny', peers: [nsPeer(peer)], ports: [{ protocol: 'TCP', port }] }],
      egress: [{ name: `deny-to-${peer}-at-port-${port}`, action: 'Deny', peers: [nsPeer(peer)], ports: [{ protocol: 'TCP', port }] }],
    });
  const objects = objs(
    pair('same-priority-gryffindor-slytherin', 'gryffindor', 'slytherin', 80),
    pair('same-priority-gryffindor-hufflepuff', 'gryffindor', 'hufflepuff', 80),
    pair('same-priority-hufflepuff-slytherin', 'hufflepuff', 'slytherin', 8080),
  );
  const steps: [string, ConformanceCheck[]][] = [
    ['Should deny traffic in both directions for each same-priority policy', [
      chk(S0, G0, 80, 'TCP', false), chk(G0, S0, 80, 'TCP', false),
      chk(H0, G0, 80, 'TCP', false), chk(G1, H0, 80, 'TCP', false),
      chk(S1, H0, 8080, 'TCP', false), chk(H1, S0, 8080, 'TCP', false),
    ]],
    ["Should not apply one same-priority policy's rules to another policy's subject", [
      chk(S0, G0, 8080, 'TCP', true), chk(G0, S0, 8080, 'TCP', true),
      chk(S1, H0, 80, 'TCP', true), chk(H0, S0, 80, 'TCP', true),
    ]],
    ['Should not affect traffic matching no same-priority policy', [
      chk(R0, G0, 80, 'TCP', true), chk(G1, R0, 80, 'TCP', true),
    ]],
  ];
  return steps.map(([sub, checks]) => ({
    name: `CNPAdminTierSamePriority: ${sub}`,
    source: `conformance/tests/admin-network-policy-standard-same-priority.go, CNPAdminTierSamePriority, t.Run("${sub}")`,
    objects, checks,
  }));
}

function isolationCases(): ConformanceCase[] {
  const file = 'conformance/tests/admin-network-policy-standard-ingress-egress-isolation.go';
  const ingressOnly = objs(cnp('Admin', {
    name: 'admin-ingress-isolation', priority: 20, subject: nsSubject('gryffindor'),
    ingress: [{ name: 'deny-from-slytherin', action: 'Deny', peers: [nsPeer('slytherin')] }],
  }));
  const egressOnly = objs(cnp('Admin', {
    name: 'admin-egress-isolation', priority: 20, subject: nsSubject('gryffindor'),
    egress: [{ name: 'deny-to-slytherin', action: 'Deny', peers: [nsPeer('slytherin')] }],
  }));
  const mk = (test: string, objects: Manifest[], sub: string, checks: ConformanceCheck[]): ConformanceCase => ({
    name: `${test}: ${sub}`, source: `${file}, ${test}, t.Run("${sub}")`, objects, checks,
  });
  return [
    mk('CNPAdminTierIngressRulesEgressUnaffected', ingressOnly, 'Should enforce the ingress rule: deny ingress from slytherin to gryffindor', [chk(S0, G0, 80, 'TCP', false)]),
    mk('CNPAdminTierIngressRulesEgressUnaffected', ingressOnly, 'Should not affect egress: gryffindor can still egress to ravenclaw', [chk(G0, R0, 80, 'TCP', true)]),
    mk('CNPAdminTierIngressRulesEgressUnaffected', ingressOnly, 'Should not affect egress: gryffindor can still egress to hufflepuff', [chk(G0, H0, 80, 'TCP', true)]),
    mk('CNPAdminTierEgressRulesIngressUnaffected', egressOnly, 'Should enforce the egress rule: deny egress from gryffindor to slytherin', [chk(G0, S0, 80, 'TCP', false)]),
    mk('CNPAdminTierEgressRulesIngressUnaffected', egressOnly, 'Should not affect ingress: ravenclaw can still reach gryffindor', [chk(R0, G0, 80, 'TCP', true)]),
    mk('CNPAdminTierEgressRulesIngressUnaffected', egressOnly, 'Should not affect ingress: hufflepuff can still reach gryffindor', [chk(H0, G0, 80, 'TCP', true)]),
  ];
}

// ---------------------------------------------------------------------------

export const CASES: ConformanceCase[] = [
  ...PROTO_TESTS.flatMap(protoCases),
  ...namedPortCases(),
  ...gressCases(),
  ...integrationCases(),
  ...priorityCases(),
  ...nodePeerCases(),
  ...cidrCases(),
  ...portRangeCases(),
  ...samePriorityCases(),
  ...isolationCases(),
];
