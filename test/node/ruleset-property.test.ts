/**
 * The rule set must decide every packet as evaluateConnection decides the connection. Random
 * snapshots (two nodes, dual-stack and single-stack pods, hostNetwork pods, named ports, ipBlocks
 * with excepts, /0 blocks, both directions) are turned into each node's RuleSet; every pair of
 * endpoints on every port and protocol then goes through the interpreter of test/node/interpret.ts
 * along its path, and the outcome is compared with the engine's verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IpAddress, LabelSelector, Pod, PolicyType, Protocol, Snapshot } from '../../src/model/index.js';
import { PROTOCOLS } from '../../src/model/index.js';
import {
  addressIn,
  compileSnapshot,
  connectionFamily,
  decideConnection,
  endpointName,
  evaluateConnection,
  isAllowed,
  type Decision,
  type Endpoint,
  type SideDecision,
  type SideResult,
  type Verdict,
} from '../../src/engine/index.js';
import { buildRuleSet, DEFAULT_MARKS, planApply, renderProgram, RuleSetBuilder, type MarkBits, type RuleSet } from '../../src/node/index.js';
import { deliver } from './interpret.js';
import { ipBlock, ip, node, ns, pod, podPeer, policy, port, rule, sel, snapshot, type PortOpt } from '../support/build.js';

const NODES = [node('n1', '192.168.0.1', 'fd00:ff::1'), node('n2', '192.168.0.2', 'fd00:ff::2')];
const NAMESPACES = ['a', 'b', 'c'];
const PORTS = [53, 80, 81];

const labelsArb = fc.record({ app: fc.constantFrom('web', 'db', undefined), team: fc.constantFrom('x', undefined) }).map((r) => {
  const out: Record<string, string> = {};
  if (r.app !== undefined) out['app'] = r.app;
  if (r.team !== undefined) out['team'] = r.team;
  return out;
});

const selectorArb: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant(sel()),
  labelsArb.map((l) => sel(l)),
  fc.constantFrom<LabelSelector>({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }),
);

const containerPortArb: fc.Arbitrary<PortOpt> = fc.record({
  name: fc.constantFrom('http', 'dns'),
  port: fc.constantFrom(...PORTS),
  protocol: fc.constantFrom<Protocol>(...PROTOCOLS),
});

interface PodGen {
  ns: string;
  labels: Record<string, string>;
  node: number;
  stack: '4' | '6' | '46' | '64' | 'none';
  hostNetwork: boolean;
  finished: boolean;
  ports: PortOpt[];
}

const podArb: fc.Arbitrary<PodGen> = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  node: fc.constantFrom(0, 1),
  stack: fc.constantFrom<PodGen['stack']>('4', '4', '4', '6', '46', '64', 'none'),
  hostNetwork: fc.constantFrom(false, false, false, false, false, false, false, false, true),
  finished: fc.constantFrom(false, false, false, false, false, false, false, true),
  ports: fc.array(containerPortArb, { maxLength: 2 }),
});

const peerArb = fc.oneof(
  fc.record({ p: fc.option(selectorArb, { nil: undefined }), n: fc.option(selectorArb, { nil: undefined }) })
    .filter((r) => r.p !== undefined || r.n !== undefined)
    .map((r) => podPeer(r.p, r.n)),
  fc.constantFrom(
    ipBlock('10.0.0.0/24', ['10.0.0.0/30', '10.0.0.4/31']),
    ipBlock('10.0.0.0/29'),
    ipBlock('10.0.0.2/31'),
    ipBlock('0.0.0.0/0', ['10.0.0.0/25']),
    ipBlock('0.0.0.0/0', ['0.0.0.0/1']),
    ipBlock('192.168.0.0/24', ['192.168.0.2/32']),
    ipBlock('fd00::/64', ['fd00::/126']),
    ipBlock('::/0'),
    ipBlock('fd00:ff::/64'),
  ),
);

const portArb = fc.oneof(
  fc.constantFrom<Protocol>(...PROTOCOLS).map((p) => port(undefined, p)),
  fc.record({ p: fc.constantFrom<Protocol>(...PROTOCOLS), n: fc.constantFrom(...PORTS) }).map((r) => port(r.n, r.p)),
  fc.constantFrom<Protocol>('TCP', 'UDP').map((p) => port(80, p, 81)),
  fc.record({ p: fc.constantFrom<Protocol>(...PROTOCOLS), n: fc.constantFrom('http', 'dns') }).map((r) => port(r.n, r.p)),
);

const ruleArb = fc.record({ peers: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) }).map((r) => rule(r.peers, r.ports));

const policyArb = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: selectorArb,
  types: fc.constantFrom<PolicyType[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.array(ruleArb, { maxLength: 2 }),
  egress: fc.array(ruleArb, { maxLength: 2 }),
});

const nsLabelsArb = fc.tuple(...NAMESPACES.map(() => fc.constantFrom<Record<string, string>>({}, { team: 'x' }, { team: 'y' })));

const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({ pods: fc.array(podArb, { minLength: 1, maxLength: 7 }), policies: fc.array(policyArb, { minLength: 1, maxLength: 4 }), nsLabels: nsLabelsArb })
  .map(({ pods, policies, nsLabels }) => {
    const built: Pod[] = pods.map((g, i) => {
      const nodeOf = NODES[g.node];
      if (nodeOf === undefined) throw new Error('node');
      const v4 = `10.0.0.${i + 1}`;
      const v6 = `fd00::${i + 1}`;
      const ips = g.hostNetwork
        ? nodeOf.addresses.map((a) => a.ip.text)
        : { '4': [v4], '6': [v6], '46': [v4, v6], '64': [v6, v4], none: [] }[g.stack];
      return pod(g.ns, `p${i}`, g.labels, {
        node: nodeOf.name,
        ips,
        hostNetwork: g.hostNetwork,
        phase: g.finished ? 'Succeeded' : 'Running',
        ports: g.ports,
      });
    });
    return snapshot({
      namespaces: NAMESPACES.map((n, i) => ns(n, nsLabels[i] ?? {})),
      nodes: NODES,
      pods: built,
      policies: policies.map((p, i) =>
        policy(p.ns, `pol${i}`, p.podSelector, { types: p.types, ingress: p.ingress, egress: p.egress }),
      ),
    });
  });

const EXTERNAL = [ip('10.0.0.200'), ip('10.0.0.100'), ip('8.8.8.8'), ip('fd00::99'), ip('2001:db8::1')];

function endpoints(s: Snapshot): Endpoint[] {
  // Finished pods send and receive nothing; a pod without an address cannot be on a packet.
  const pods: Endpoint[] = s.pods.filter((p) => p.phase !== 'Succeeded' && p.ips.length > 0).map((pod) => ({ kind: 'pod', pod }));
  const addrs: IpAddress[] = [...EXTERNAL, ...s.nodes.flatMap((n) => n.addresses.map((a) => a.ip))];
  return [...pods, ...addrs.map((a): Endpoint => ({ kind: 'ip', ip: a }))];
}

/** What a verdict record and a decision must agree on: the bypass, and per side its kind and the rules admitting or policies denying. */
function verdictFacts(v: Verdict): unknown {
  const side = (r: SideResult) => ({
    kind: r.kind,
    admitted: r.kind === 'allowed' ? r.admittedBy.map((x) => `${x.policy} ${x.direction}[${x.rule}]`) : [],
    denied: r.kind === 'denied' ? r.policies.map((x) => x.policy) : [],
  });
  return { bypass: v.bypass, egress: side(v.egress), ingress: side(v.ingress) };
}

function decisionFacts(d: Decision): unknown {
  const side = (r: SideDecision) => ({
    kind: r.kind,
    admitted: r.kind === 'allowed' ? r.admittedBy.map((x) => `${x.source.policy} ${x.source.direction}[${x.source.rule}]`) : [],
    denied: r.kind === 'denied' ? r.policies.map((x) => x.ref) : [],
  });
  return { bypass: d.bypass, egress: side(d.egress), ingress: side(d.ingress) };
}

function check(s: Snapshot, marks: MarkBits = DEFAULT_MARKS): void {
  const c = compileSnapshot(s);
  const rules = new Map<string, RuleSet>(s.nodes.map((n) => [n.name, buildRuleSet(c, n.name, marks)]));
  const eps = endpoints(s);
  for (const src of eps) {
    for (const dst of eps) {
      if (src.kind === 'ip' && dst.kind === 'ip') continue;
      const family = connectionFamily(src, dst);
      const a = addressIn(src, family);
      const b = addressIn(dst, family);
      if (a === undefined || b === undefined) continue;
      for (const protocol of PROTOCOLS) {
        for (const p of PORTS) {
          const verdict = evaluateConnection(c, { src, dst, port: p, protocol });
          const want = isAllowed(verdict);
          // matrix decides without the record: the same sides, rules and policies.
          assert.deepEqual(decisionFacts(decideConnection(c, { src, dst, port: p, protocol })), verdictFacts(verdict), `${endpointName(src)} -> ${endpointName(dst)} ${protocol}/${p}`);
          for (const bridged of [false, true]) {
            // Bridged packets arrive with our bits already set: they must not count as admitted.
            const got = deliver(s, rules, src, dst, { src: a, dst: b, protocol, port: p, bridged, established: false, mark: bridged ? marks.egress + marks.ingress : 0 });
            if (got !== want) {
              assert.fail(`${endpointName(src)} -> ${endpointName(dst)} ${protocol}/${p} (IPv${family}${bridged ? ', bridged' : ''}): engine ${want ? 'allows' : 'denies'}, rules ${got ? 'allow' : 'deny'}`);
            }
          }
        }
      }
    }
  }
}

test('rule sets decide every packet as evaluateConnection does, and decideConnection agrees with its record (random snapshots)', () => {
  fc.assert(fc.property(snapshotArb, (s) => check(s)), { numRuns: Number(process.env['KNP_PROPERTY_RUNS'] ?? 300) });
});

test('the same with other mark bits (--mark-bits 0x80000001: bit 31 too)', () => {
  fc.assert(fc.property(snapshotArb, (s) => check(s, { egress: 0x1, ingress: 0x80000000 })), { numRuns: 50 });
});

test('one RuleSetBuilder for every node, in either order, builds each node what buildRuleSet alone does (random snapshots)', () => {
  fc.assert(
    fc.property(snapshotArb, fc.boolean(), (s, reverse) => {
      const c = compileSnapshot(s);
      const shared = new RuleSetBuilder(c);
      const names = s.nodes.map((n) => n.name);
      for (const name of reverse ? names.reverse() : names) {
        const alone = buildRuleSet(c, name);
        const built = shared.build(name);
        assert.deepEqual(built, alone, name);
        const program = (rs: RuleSet): string => {
          const planned = planApply(rs, undefined);
          assert.ok(planned.ok);
          return renderProgram(planned.plan);
        };
        assert.equal(program(built), program(alone), name);
      }
    }),
    { numRuns: 200 },
  );
});

test('replies of admitted connections pass every hook', () => {
  fc.assert(
    fc.property(snapshotArb, (s) => {
      const c = compileSnapshot(s);
      for (const n of s.nodes) {
        const rs = buildRuleSet(c, n.name);
        for (const f of [rs.v4, rs.v6]) {
          const a = f.family === 4 ? ip('10.0.0.1') : ip('fd00::1');
          const b = f.family === 4 ? ip('10.0.0.2') : ip('fd00::2');
          for (const hook of ['FORWARD', 'INPUT'] as const) {
            const pkt = { src: a, dst: b, protocol: 'TCP' as const, port: 80, bridged: false, established: true, mark: 0 };
            assert.ok(passesHookOf(f, hook, pkt));
          }
        }
      }
    }),
    { numRuns: 50 },
  );
});

test('IPv6 neighbour discovery passes every hook, whatever isolates the pods', () => {
  fc.assert(
    fc.property(snapshotArb, (s) => {
      const c = compileSnapshot(s);
      const v6 = [...s.pods.flatMap((p) => p.ips), ...s.nodes.flatMap((n) => n.addresses.map((a) => a.ip))].filter((a) => a.family === 6);
      for (const n of s.nodes) {
        const f = buildRuleSet(c, n.name).v6;
        for (const a of v6) {
          for (const b of v6) {
            for (const icmp6Type of [133, 134, 135, 136, 137]) {
              for (const hook of ['FORWARD', 'INPUT'] as const) {
                for (const bridged of [false, true]) {
                  const pkt = { src: a, dst: b, protocol: 'TCP' as const, port: 80, bridged, established: false, mark: 0, icmp6Type };
                  assert.ok(passesHookOf(f, hook, pkt), `${n.name} ${hook}: ICMPv6 ${icmp6Type} ${a.text} -> ${b.text}`);
                }
              }
            }
          }
        }
      }
    }),
    { numRuns: 50 },
  );
});

import { passesHook as passesHookOf } from './interpret.js';
