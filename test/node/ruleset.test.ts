import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/model/index.js';
import { compileSnapshot } from '../../src/engine/index.js';
import {
  DEFAULT_MARKS,
  FORWARD_CHAIN,
  INPUT_CHAIN,
  RuleSetBuilder,
  buildRuleSet,
  entryText,
  podChainName,
  policyChainName,
  renderChainRules,
  ruleCount,
  type FamilyRules,
} from '../../src/node/index.js';
import { ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot } from '../support/build.js';

function build(s: Snapshot, nodeName = 'n1') {
  return buildRuleSet(compileSnapshot(s), nodeName);
}

function lines(f: FamilyRules, chain: string): string[] {
  return renderChainRules(f).filter((l) => l.startsWith(`-A ${chain} `));
}

function setEntries(f: FamilyRules, name: string | undefined): string[] {
  return f.sets.find((s) => s.name === name)?.entries.map(entryText) ?? [];
}

/** Set names a chain's rules refer to, in order. */
function setsIn(f: FamilyRules, chain: string): string[] {
  return lines(f, chain).flatMap((l) => [...l.matchAll(/--match-set (\S+)/g)].map((m) => m[1] ?? ''));
}

const web = pod('a', 'web', { app: 'web' }, { node: 'n1', ips: ['10.0.1.1'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
const web2 = pod('a', 'web2', { app: 'web' }, { node: 'n1', ips: ['10.0.1.2'], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] });
const remoteWeb = pod('a', 'web3', { app: 'web' }, { node: 'n2', ips: ['10.0.2.3'], ports: [{ name: 'http', port: 7070, protocol: 'TCP' }] });
const client = pod('b', 'client', { app: 'client' }, { node: 'n2', ips: ['10.0.2.1'] });
const dual = pod('a', 'dual', { app: 'web' }, { node: 'n1', ips: ['10.0.1.5', 'fd00::5'] });

interface Case {
  name: string;
  s: Snapshot;
  /** The node to build for; n1 unless given. */
  node?: string;
  check: (rs: ReturnType<typeof build>) => void;
}

const cases: Case[] = [
  {
    name: 'no policy: nothing enforced, so no hook, chain or set in either family',
    s: snapshot({ pods: [web, dual] }),
    check: (rs) => {
      for (const f of [rs.v4, rs.v6]) {
        assert.equal(f.enforcing, false);
        assert.deepEqual(f.hooks, []);
        assert.deepEqual(f.chains, []);
        assert.deepEqual(f.sets, []);
      }
    },
  },
  {
    name: 'only local, running, addressed, non-hostNetwork pods get chains',
    s: snapshot({
      pods: [
        web,
        pod('a', 'remote', {}, { node: 'n2', ips: ['10.0.2.9'] }),
        pod('a', 'host', {}, { node: 'n1', ips: ['192.168.0.1'], hostNetwork: true }),
        pod('a', 'done', {}, { node: 'n1', ips: ['10.0.1.9'], phase: 'Failed' }),
        pod('a', 'pending', {}, { node: 'n1' }),
      ],
      policies: [policy('a', 'deny', sel(), { types: ['Ingress', 'Egress'] })],
    }),
    check: (rs) => {
      const pods = rs.v4.chains.map((c) => c.name).filter((n) => n.includes('-POD-'));
      assert.deepEqual(pods.sort(), [podChainName('a', 'web', 'egress'), podChainName('a', 'web', 'ingress')].sort());
    },
  },
  {
    name: 'ingress isolation: bridged then routed (not bridged) jump on -d, each packet meeting one; REJECT with icmp-port-unreachable',
    s: snapshot({ pods: [web], policies: [policy('a', 'deny-in', sel(), {})] }),
    check: (rs) => {
      const chain = podChainName('a', 'web', 'ingress');
      const fwd = lines(rs.v4, FORWARD_CHAIN).filter((l) => l.includes(chain));
      assert.equal(fwd.length, 2);
      assert.match(fwd[0] ?? '', /^-A KNP-FORWARD -d 10\.0\.1\.1\/32 -m physdev --physdev-is-bridged .* -j KNP-POD-I-/);
      assert.match(fwd[1] ?? '', /^-A KNP-FORWARD -d 10\.0\.1\.1\/32 -m physdev ! --physdev-is-bridged -m comment .* -j KNP-POD-I-/);
      assert.equal(lines(rs.v4, INPUT_CHAIN).filter((l) => l.includes(chain)).length, 0, 'ingress is not checked in INPUT');
      const pc = lines(rs.v4, chain);
      assert.match(pc[0] ?? '', /-s 10\.0\.1\.1\/32 .*a pod to itself.* -j RETURN$/);
      assert.ok(pc.every((l) => !l.includes('admitted already')), 'met once, a chain needs no "admitted already" check');
      assert.match(pc.at(-1) ?? '', /-j REJECT --reject-with icmp-port-unreachable$/);
      assert.equal(rs.v4.chains.find((c) => c.name === policyChainName('a', 'deny-in', 'ingress'))?.rules.length, 0);
    },
  },
  {
    name: 'egress isolation: jumps on -s from FORWARD (bridged, routed); nothing in INPUT, where a pod reaches its own node',
    s: snapshot({ pods: [web], policies: [policy('a', 'deny-out', sel(), { types: ['Egress'] })] }),
    check: (rs) => {
      const chain = podChainName('a', 'web', 'egress');
      assert.equal(lines(rs.v4, FORWARD_CHAIN).filter((l) => l.includes(`-s 10.0.1.1/32`) && l.endsWith(chain)).length, 2);
      assert.ok(lines(rs.v4, chain).some((l) => l.includes('-d 10.0.1.1/32') && l.endsWith('-j RETURN')));
      assert.deepEqual(rs.v4.hooks, [{ from: 'FORWARD', chain: FORWARD_CHAIN }]);
      assert.equal(rs.v4.chains.some((c) => c.name === INPUT_CHAIN), false, 'no KNP-INPUT chain');
    },
  },
  {
    name: 'top chains: replies first, marks cleared on entry and exit, egress jumps before ingress jumps',
    s: snapshot({ pods: [web], policies: [policy('a', 'both', sel(), { types: ['Ingress', 'Egress'] })] }),
    check: (rs) => {
      const fwd = lines(rs.v4, FORWARD_CHAIN);
      assert.match(fwd[0] ?? '', /-m conntrack --ctstate RELATED,ESTABLISHED .* -j RETURN$/);
      assert.match(fwd[1] ?? '', /-j MARK --set-xmark 0x0\/0x300000$/);
      assert.match(fwd.at(-1) ?? '', /-j MARK --set-xmark 0x0\/0x300000$/);
      // The comment says what the exit rule does: it clears our two bits, it does not restore them.
      assert.match(fwd.at(-1) ?? '', /--comment "our two mark bits cleared, so no later rule sees them; other bits untouched" -j MARK --set-xmark 0x0\/0x300000$/);
      const firstIngress = fwd.findIndex((l) => l.includes('KNP-POD-I-'));
      const lastEgress = fwd.map((l) => l.includes('KNP-POD-E-')).lastIndexOf(true);
      assert.ok(lastEgress < firstIngress);
      assert.ok(renderChainRules(rs.v4).every((l) => !l.includes('-j ACCEPT')), 'our chains never ACCEPT');
    },
  },
  {
    name: 'one policy with both directions: separate chains and separate mark bits',
    s: snapshot({
      pods: [web, client],
      policies: [policy('a', 'p', sel(), { types: ['Ingress', 'Egress'], ingress: [rule([podPeer(undefined, sel())])], egress: [rule([podPeer(undefined, sel())])] })],
    }),
    check: (rs) => {
      const i = lines(rs.v4, policyChainName('a', 'p', 'ingress'));
      const e = lines(rs.v4, policyChainName('a', 'p', 'egress'));
      assert.equal(i.length, 1);
      assert.equal(e.length, 1);
      assert.match(i[0] ?? '', new RegExp(`src .*--set-xmark 0x${DEFAULT_MARKS.ingress.toString(16)}/`));
      assert.match(e[0] ?? '', new RegExp(`dst .*--set-xmark 0x${DEFAULT_MARKS.egress.toString(16)}/`));
      assert.equal(DEFAULT_MARKS.ingress & DEFAULT_MARKS.egress, 0);
    },
  },
  {
    name: 'selector peers are one hash:ip set of their union; each ipBlock its own hash:net set',
    s: snapshot({
      namespaces: [ns('a'), ns('b', { team: 'x' })],
      pods: [web, web2, client],
      policies: [
        policy('a', 'p', sel(), {
          ingress: [rule([podPeer(sel({ app: 'web' })), ipBlock('172.16.0.0/12', ['172.16.1.0/24']), podPeer(undefined, sel({ team: 'x' })), ipBlock('192.168.0.0/16')], [port(80)])],
        }),
      ],
    }),
    check: (rs) => {
      const chain = policyChainName('a', 'p', 'ingress');
      const sets = setsIn(rs.v4, chain);
      assert.equal(sets.length, 3);
      assert.deepEqual(setEntries(rs.v4, sets[0]), ['10.0.1.1', '10.0.1.2', '10.0.2.1']);
      assert.deepEqual(setEntries(rs.v4, sets[1]), ['172.16.0.0/12', '172.16.1.0/24 nomatch']);
      assert.deepEqual(setEntries(rs.v4, sets[2]), ['192.168.0.0/16']);
      assert.match(lines(rs.v4, chain)[0] ?? '', /comment "a\/p ingress\[0\] from\[0,2\] ports\[0\]"/);
      assert.match(lines(rs.v4, chain)[1] ?? '', /comment "a\/p ingress\[0\] from\[1\] ports\[0\]"/);
    },
  },
  {
    name: 'ports: number, endPort range, protocol only (SCTP), several ports cross peers',
    s: snapshot({
      pods: [web],
      policies: [policy('a', 'p', sel(), { ingress: [rule([ipBlock('10.0.0.0/8'), ipBlock('11.0.0.0/8')], [port(80), port(5000, 'UDP', 5010), port(undefined, 'SCTP')])] })],
    }),
    check: (rs) => {
      const l = lines(rs.v4, policyChainName('a', 'p', 'ingress'));
      assert.equal(l.length, 6, 'two peers x three ports');
      assert.match(l[0] ?? '', /-p tcp -m set --match-set \S+ src -m tcp --dport 80 /);
      assert.match(l[1] ?? '', /-p udp -m set --match-set \S+ src -m udp --dport 5000:5010 /);
      assert.match(l[2] ?? '', /-p sctp -m set --match-set \S+ src -m comment/);
    },
  },
  {
    name: 'no peers and no ports: one line matching everything',
    s: snapshot({ pods: [web], policies: [policy('a', 'open', sel(), { ingress: [rule()] })] }),
    check: (rs) => {
      const l = lines(rs.v4, policyChainName('a', 'open', 'ingress'));
      assert.deepEqual(l, [`-A ${policyChainName('a', 'open', 'ingress')} -m comment --comment "a/open ingress[0]" -j MARK --set-xmark 0x200000/0x200000`]);
    },
  },
  {
    name: 'ingress named port: resolved on each selected local pod',
    s: snapshot({ pods: [web, web2, remoteWeb, client], policies: [policy('a', 'p', sel({ app: 'web' }), { ingress: [rule([], [port('http')])] })] }),
    check: (rs) => {
      const chain = policyChainName('a', 'p', 'ingress');
      const [set] = setsIn(rs.v4, chain);
      assert.deepEqual(setEntries(rs.v4, set), ['10.0.1.1,tcp:8080', '10.0.1.2,tcp:9090']);
      assert.match(lines(rs.v4, chain)[0] ?? '', / -p tcp -m set --match-set KNP-4T-\w+ dst,dst /);
    },
  },
  {
    name: 'egress named port: resolved on each peer pod; an ipBlock peer admits only pods in it that have the name',
    node: 'n2',
    s: snapshot({
      pods: [client, web, web2, remoteWeb, pod('b', 'other', {}, { node: 'n2', ips: ['10.0.2.2'], ports: [{ name: 'http', port: 80, protocol: 'UDP' }] })],
      policies: [policy('b', 'p', sel(), { types: ['Egress'], egress: [rule([ipBlock('10.0.1.0/24')], [port('http')])] })],
    }),
    check: (rs) => {
      const chain = policyChainName('b', 'p', 'egress');
      const sets = setsIn(rs.v4, chain);
      assert.equal(sets.length, 2);
      assert.deepEqual(setEntries(rs.v4, sets[0]), ['10.0.1.0/24']);
      assert.deepEqual(setEntries(rs.v4, sets[1]), ['10.0.1.1,tcp:8080', '10.0.1.2,tcp:9090']);
    },
  },
  {
    name: 'a named port nobody has: the rule emits nothing (it admits nothing)',
    s: snapshot({ pods: [web], policies: [policy('a', 'p', sel(), { ingress: [rule([], [port('http', 'UDP')])] })] }),
    check: (rs) => assert.equal(lines(rs.v4, policyChainName('a', 'p', 'ingress')).length, 0),
  },
  {
    name: 'a family whose local pods are all unisolated gets nothing, the other its rules',
    s: snapshot({
      pods: [web, pod('a', 'db', { app: 'db' }, { node: 'n1', ips: ['10.0.1.6', 'fd00::6'] })],
      policies: [policy('a', 'p', sel({ app: 'web' }), { types: ['Ingress'] })],
    }),
    check: (rs) => {
      assert.equal(rs.v4.enforcing, true);
      assert.deepEqual(rs.v4.chains.map((c) => c.name).slice(0, 2), [FORWARD_CHAIN, podChainName('a', 'web', 'ingress')]);
      assert.deepEqual(rs.v6, { family: 6, hooks: [], chains: [], sets: [], enforcing: false });
    },
  },
  {
    name: 'IPv6 through its own family: v6 addresses, inet6 sets, icmp6 reject',
    s: snapshot({ pods: [dual, web], policies: [policy('a', 'p', sel(), { ingress: [rule([podPeer(sel({ app: 'web' }))])] })] }),
    check: (rs) => {
      assert.equal(rs.v6.enforcing, true);
      const chain = podChainName('a', 'dual', 'ingress');
      assert.ok(lines(rs.v6, FORWARD_CHAIN).some((l) => l.startsWith('-A KNP-FORWARD -d fd00::5/128')));
      assert.match(lines(rs.v6, chain).at(-1) ?? '', /icmp6-port-unreachable$/);
      assert.equal(rs.v6.chains.some((c) => c.name === podChainName('a', 'web', 'ingress')), false, 'a v4-only pod has no v6 chain');
      assert.ok(rs.v6.sets.every((s) => s.family === 6 && s.name.startsWith('KNP-6')));
      assert.ok(rs.v4.sets.every((s) => s.family === 4 && s.name.startsWith('KNP-4')));
      assert.deepEqual(setEntries(rs.v6, setsIn(rs.v6, policyChainName('a', 'p', 'ingress'))[0]), ['fd00::5']);
    },
  },
  {
    name: 'IPv6 neighbour discovery (ICMPv6 133-137) returns first in the top chain, IPv6 only',
    s: snapshot({ pods: [dual], policies: [policy('a', 'deny', sel(), { types: ['Ingress', 'Egress'] })] }),
    check: (rs) => {
      const v6 = lines(rs.v6, FORWARD_CHAIN);
      assert.deepEqual(
        v6.slice(0, 5).map((l) => /^-A \S+ -p ipv6-icmp -m icmp6 --icmpv6-type (\d+) -m comment .* -j RETURN$/.exec(l)?.[1]),
        ['133', '134', '135', '136', '137'],
      );
      assert.match(v6[5] ?? '', /--ctstate RELATED,ESTABLISHED/);
      assert.ok(lines(rs.v4, FORWARD_CHAIN).every((l) => !l.includes('icmp')), 'no ICMPv6 rule in IPv4');
      assert.match(lines(rs.v4, FORWARD_CHAIN)[0] ?? '', /--ctstate RELATED,ESTABLISHED/);
    },
  },
  {
    name: 'IPv4 ipBlock in an IPv6 rule set: no line',
    s: snapshot({ pods: [dual], policies: [policy('a', 'p', sel(), { ingress: [rule([ipBlock('10.0.0.0/8')])] })] }),
    check: (rs) => {
      assert.equal(lines(rs.v6, policyChainName('a', 'p', 'ingress')).length, 0);
      assert.equal(lines(rs.v4, policyChainName('a', 'p', 'ingress')).length, 1);
    },
  },
  {
    name: 'a pod chain goes through each isolating policy in name order, returning once one admits',
    s: snapshot({ pods: [web], policies: [policy('a', 'zz', sel(), {}), policy('a', 'aa', sel(), {}), policy('a', 'egress-only', sel(), { types: ['Egress'] })] }),
    check: (rs) => {
      const l = lines(rs.v4, podChainName('a', 'web', 'ingress'));
      const jumps = l.filter((x) => x.includes('-j KNP-POL-'));
      assert.deepEqual(jumps.map((x) => x.split(' -j ')[1]), [policyChainName('a', 'aa', 'ingress'), policyChainName('a', 'zz', 'ingress')]);
      assert.equal(l.length, 1 + 2 * 2 + 1);
    },
  },
];

for (const c of cases) {
  test(`buildRuleSet: ${c.name}`, () => {
    c.check(build(c.s, c.node ?? 'n1'));
  });
}

test('buildRuleSet is deterministic: input order does not matter', () => {
  const pods = [web, web2, client, dual, remoteWeb];
  const policies = [
    policy('a', 'p1', sel(), { ingress: [rule([podPeer(sel({ app: 'client' }), sel())], [port('http')])] }),
    policy('a', 'p2', sel(), { types: ['Egress'], egress: [rule([ipBlock('10.0.0.0/8', ['10.0.2.0/24'])])] }),
  ];
  const one = build(snapshot({ pods, policies }));
  const two = build(snapshot({ pods: [...pods].reverse(), policies: [...policies].reverse() }));
  assert.deepEqual(renderChainRules(one.v4), renderChainRules(two.v4));
  assert.deepEqual(one.v4.sets, two.v4.sets);
  assert.deepEqual(renderChainRules(one.v6), renderChainRules(two.v6));
});

test('rule count grows with policy rules, not with the number of peer pods', () => {
  const make = (peers: number): Snapshot => {
    const many = Array.from({ length: peers }, (_, i) =>
      pod('b', `c${i}`, { app: 'client' }, { node: 'n2', ips: [`10.1.${i >> 8}.${i & 255}`], ports: [{ name: 'http', port: 80 + (i % 3), protocol: 'TCP' }] }),
    );
    return snapshot({
      pods: [web, web2, ...many],
      policies: [
        policy('a', 'p', sel(), {
          types: ['Ingress', 'Egress'],
          ingress: [rule([podPeer(sel({ app: 'client' }), sel())], [port(80), port('http')])],
          egress: [rule([podPeer(sel({ app: 'client' }), sel())], [port('http')])],
        }),
      ],
    });
  };
  const small = build(make(10));
  const big = build(make(2000));
  assert.equal(ruleCount(big.v4), ruleCount(small.v4));
  assert.equal(big.v4.sets.length, small.v4.sets.length);
  assert.ok(big.v4.sets.reduce((n, s) => n + s.entries.length, 0) > 4000);
});

test('--mark-bits: every set-mark, clear-mark and mark match uses the rule set\'s bits, bit 31 too', () => {
  const marks = { egress: 0x1, ingress: 0x80000000 };
  const rs = buildRuleSet(compileSnapshot(snapshot({ pods: [web, client], policies: [policy('a', 'p', sel(), { types: ['Ingress', 'Egress'], ingress: [rule()], egress: [rule()] })] })), 'n1', marks);
  assert.deepEqual(rs.marks, marks);
  const text = renderChainRules(rs.v4);
  const used = [...text.join('\n').matchAll(/(?:--mark|--set-xmark) (0x[0-9a-f]+)\/(0x[0-9a-f]+)/g)].map((m) => `${m[1]}/${m[2]}`);
  assert.deepEqual([...new Set(used)].sort(), ['0x0/0x80000001', '0x1/0x1', '0x80000000/0x80000000']);
  assert.ok(text.every((l) => !l.includes('0x300000') && !l.includes('0x100000') && !l.includes('0x200000')));
});

test('RuleSetBuilder: nodes share a policy chain and its sets, unless an ingress named port resolves on their own pods', () => {
  const s = snapshot({
    pods: [web, web2, remoteWeb, client],
    policies: [
      policy('a', 'numbered', sel(), { ingress: [rule([podPeer(sel({ app: 'client' }), sel())], [port(8080)])] }),
      policy('a', 'named', sel(), { ingress: [rule([podPeer(sel({ app: 'client' }), sel())], [port('http')])] }),
    ],
  });
  const c = compileSnapshot(s);
  const shared = new RuleSetBuilder(c);
  const [n1, n2] = [shared.build('n1'), shared.build('n2')];
  const chain = (f: FamilyRules, name: string) => f.chains.find((x) => x.name === policyChainName('a', name, 'ingress'));
  assert.ok(chain(n1.v4, 'numbered') !== undefined && chain(n1.v4, 'numbered') === chain(n2.v4, 'numbered'), 'built once, for both nodes');
  assert.notDeepEqual(chain(n1.v4, 'named'), chain(n2.v4, 'named'), 'web and web2 name 8080 and 9090, web3 7070');
  for (const node of ['n1', 'n2']) assert.deepEqual(shared.build(node), buildRuleSet(c, node), node);
});
