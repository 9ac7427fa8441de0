// lint's codes, each with a case that finds it and one that must not: the findings of that code
// (severity, object, field path) are compared whole, so a code that fires too often fails as
// surely as one that never fires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, compileSnapshot, lintSnapshot, type LintCode } from '../../src/engine/index.js';
import type { NetworkPolicy, Pod } from '../../src/model/index.js';
import { ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot } from '../support/build.js';

const namespaces = [ns('shop', { team: 'shop' }), ns('kube-system')];
const web = pod('shop', 'web', { app: 'web' }, { ips: ['10.0.0.10'], ports: [{ name: 'http', port: 8080 }] });
const api = pod('shop', 'api', { app: 'api' }, { ips: ['10.0.0.11'], ports: [{ name: 'grpc', port: 9090 }] });
const dns = pod('kube-system', 'coredns-0', { 'k8s-app': 'kube-dns' }, { ips: ['10.0.9.2'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }] });
const hostPod = pod('shop', 'node-exporter', { app: 'web' }, { ips: ['192.168.1.5'], hostNetwork: true });
const pods: Pod[] = [web, api, dns];

/** Egress to the cluster DNS on UDP and TCP 53: added where a case isolates egress but is not about DNS. */
const toDns = rule([podPeer(sel({ 'k8s-app': 'kube-dns' }), sel())], [port(53, 'UDP'), port(53, 'TCP')]);

interface Case {
  readonly name: string;
  readonly code: LintCode;
  readonly policies: NetworkPolicy[];
  readonly pods?: Pod[];
  /** [severity, object, path] of every finding of `code`. */
  readonly want: readonly (readonly [string, string, string])[];
}

const cases: Case[] = [
  { name: 'a podSelector matching no pod', code: 'selects-no-pods', policies: [policy('shop', 'p', sel({ app: 'gone' }))], want: [['warning', 'shop/p', 'spec.podSelector']] },
  { name: 'a podSelector matching a pod', code: 'selects-no-pods', policies: [policy('shop', 'p', sel({ app: 'web' }))], want: [] },
  {
    name: 'a from entry whose pods do not exist, and one whose namespaces do not',
    code: 'peer-selects-nothing',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule([podPeer(sel({ app: 'api' })), podPeer(sel({ app: 'apii' })), podPeer(undefined, sel({ team: 'none' }))])] })],
    want: [
      ['warning', 'shop/p', 'spec.ingress[0].from[1]'],
      ['warning', 'shop/p', 'spec.ingress[0].from[2]'],
    ],
  },
  { name: 'peers that each select someone', code: 'peer-selects-nothing', policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule([podPeer(sel({ app: 'api' })), podPeer(undefined, sel({ team: 'shop' }))])] })], want: [] },
  {
    name: 'peer-selects-nothing only where rules take effect (an egress rule of an Ingress-only policy is ignored)',
    code: 'peer-selects-nothing',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { types: ['Ingress'], ingress: [rule([podPeer(sel({ app: 'api' }))])], egress: [rule([podPeer(sel({ app: 'nobody' }))])] })],
    want: [],
  },
  {
    name: 'an ingress named port no selected pod declares',
    code: 'named-port-unresolved',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule(undefined, [port('grpc'), port('http')])] })],
    want: [['warning', 'shop/p', 'spec.ingress[0].ports[0]']],
  },
  {
    name: 'an egress named port declared by one of the peers (the destination)',
    code: 'named-port-unresolved',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { types: ['Egress'], egress: [rule([podPeer(sel({ app: 'api' }))], [port('grpc')]), toDns] })],
    want: [],
  },
  {
    name: 'egress isolated with no DNS rule; one policy admitting only UDP 53',
    code: 'egress-blocks-dns',
    policies: [
      policy('shop', 'no-dns', sel({ app: 'web' }), { types: ['Egress'], egress: [rule([podPeer(sel({ app: 'api' }))], [port(9090)])] }),
      policy('shop', 'udp-only', sel({ app: 'api' }), { types: ['Egress'], egress: [rule([podPeer(sel({ 'k8s-app': 'kube-dns' }), sel())], [port(53, 'UDP')])] }),
    ],
    want: [
      ['warning', 'shop/no-dns', 'spec.egress'],
      ['info', 'shop/udp-only', 'spec.egress'],
    ],
  },
  {
    name: 'DNS admitted by another policy selecting the pod, by named port',
    code: 'egress-blocks-dns',
    policies: [
      policy('shop', 'to-api', sel({ app: 'web' }), { types: ['Egress'], egress: [rule([podPeer(sel({ app: 'api' }))], [port(9090)])] }),
      policy('shop', 'dns', sel(), { types: ['Egress'], egress: [rule([podPeer(sel({ 'k8s-app': 'kube-dns' }), sel())], [port('dns', 'UDP'), port('dns-tcp', 'TCP')])] }),
    ],
    want: [],
  },
  {
    name: 'a DNS rule to the wrong pods does not admit DNS',
    code: 'egress-blocks-dns',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { types: ['Egress'], egress: [rule([podPeer(sel({ app: 'api' }))], [port(53, 'UDP'), port(53, 'TCP')])] })],
    want: [['warning', 'shop/p', 'spec.egress']],
  },
  {
    name: 'egress rules and no policyTypes: ingress isolated too',
    code: 'implicit-ingress-isolation',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { egress: [toDns] })],
    want: [['warning', 'shop/p', 'spec.policyTypes']],
  },
  {
    name: 'policyTypes written, or ingress rules written beside the egress ones',
    code: 'implicit-ingress-isolation',
    policies: [policy('shop', 'a', sel({ app: 'web' }), { types: ['Egress'], egress: [toDns] }), policy('shop', 'b', sel({ app: 'api' }), { ingress: [rule()], egress: [toDns] })],
    want: [],
  },
  {
    name: 'an ipBlock holding pod addresses',
    code: 'ipblock-matches-pods',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule([ipBlock('10.0.0.0/24'), ipBlock('10.0.0.0/24', ['10.0.0.0/28'])])] })],
    want: [['warning', 'shop/p', 'spec.ingress[0].from[0]']],
  },
  { name: 'an ipBlock outside the pod network', code: 'ipblock-matches-pods', policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule([ipBlock('192.0.2.0/24')])] })], want: [] },
  {
    name: 'a rule inside another (fewer ports; a narrower block; the later of two equal rules)',
    code: 'shadowed-rule',
    policies: [
      policy('shop', 'p', sel({ app: 'web' }), {
        ingress: [
          rule([podPeer(sel({ app: 'api' }))], [port(8080)]),
          rule([podPeer(sel())], [port(8000, 'TCP', 8100), port(53, 'UDP')]),
          rule([ipBlock('192.0.2.0/25')], [port(443)]),
          rule([ipBlock('192.0.2.0/24', ['192.0.2.128/25'])], [port(443), port(444)]),
          rule([ipBlock('192.0.2.0/25')], [port(443)]),
        ],
      }),
    ],
    want: [
      ['info', 'shop/p', 'spec.ingress[0]'],
      ['info', 'shop/p', 'spec.ingress[2]'],
      ['info', 'shop/p', 'spec.ingress[4]'],
    ],
  },
  {
    name: 'rules that each admit something the other does not; an except that cuts the narrower block',
    code: 'shadowed-rule',
    policies: [
      policy('shop', 'p', sel({ app: 'web' }), {
        ingress: [
          rule([podPeer(sel({ app: 'api' }))], [port(8080), port(9090)]),
          rule([podPeer(sel())], [port(8080)]),
          rule([ipBlock('192.0.2.0/25')], [port(443)]),
          rule([ipBlock('192.0.2.0/24', ['192.0.2.0/26'])], [port(443)]),
        ],
      }),
    ],
    want: [],
  },
  {
    name: 'a rule admitting everything beside others, and alone',
    code: 'allow-all-rule',
    policies: [
      policy('shop', 'beside', sel({ app: 'web' }), { ingress: [rule([podPeer(sel({ app: 'api' }))], [port(80)]), rule()] }),
      policy('shop', 'alone', sel({ app: 'api' }), { types: ['Ingress', 'Egress'], ingress: [rule([podPeer(sel())])], egress: [rule([], [])] }),
    ],
    want: [
      ['info', 'shop/alone', 'spec.egress[0]'],
      ['warning', 'shop/beside', 'spec.ingress[1]'],
    ],
  },
  { name: 'rules with a peer or a port', code: 'allow-all-rule', policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule(undefined, [port(80)]), rule([podPeer(sel())])] })], want: [] },
  { name: 'a podSelector matching a hostNetwork pod', code: 'host-network-selected', pods: [...pods, hostPod], policies: [policy('shop', 'p', sel({ app: 'web' }))], want: [['info', 'shop/p', 'spec.podSelector']] },
  { name: 'hostNetwork pods not matched', code: 'host-network-selected', pods: [...pods, hostPod], policies: [policy('shop', 'p', sel({ app: 'api' }))], want: [] },
  {
    name: 'isolated pods admitted from nowhere: by a deny-all (info), by rules that admit nothing to them (warning)',
    code: 'unreachable-pod',
    policies: [
      policy('shop', 'deny', sel({ app: 'web' })),
      policy('shop', 'broken', sel({ app: 'api' }), { ingress: [rule([podPeer(sel({ app: 'nobody' }))]), rule(undefined, [port('http')])] }),
    ],
    want: [
      ['warning', 'shop/api', ''],
      ['info', 'shop/web', ''],
    ],
  },
  {
    name: 'an isolated pod some rule admits to; a pod no policy isolates',
    code: 'unreachable-pod',
    policies: [policy('shop', 'p', sel({ app: 'web' }), { ingress: [rule([podPeer(sel({ app: 'nobody' }))]), rule([ipBlock('192.0.2.0/24')], [port('http')])] })],
    want: [],
  },
];

for (const c of cases) {
  test(`lint ${c.code}: ${c.name}`, () => {
    const compiled = compileSnapshot(snapshot({ namespaces, pods: c.pods ?? pods, policies: c.policies }));
    const got = lintSnapshot(compiled).filter((f) => f.code === c.code);
    assert.deepEqual(
      got.map((f) => [f.severity, f.object, f.path]).sort(),
      [...c.want].map((w) => [...w]).sort(),
      got.map((f) => f.message).join('\n'),
    );
    for (const f of got) assert.ok(f.message.length > 20 && !f.message.includes('undefined'), f.message);
  });
}

test('lint scope: -n keeps findings of that namespace; one POLICY keeps its own and no pod findings', () => {
  const policies = [policy('shop', 'gone', sel({ app: 'gone' })), policy('kube-system', 'gone', sel({ app: 'gone' })), policy('shop', 'deny', sel({ app: 'web' }))];
  const c = compileSnapshot(snapshot({ namespaces, pods, policies }));
  assert.deepEqual(lintSnapshot(c, { namespaces: ['kube-system'] }).map((f) => f.object), ['kube-system/gone']);
  const one = lintSnapshot(c, { policy: c.compiled(policies[2] as NetworkPolicy) });
  assert.deepEqual(one.map((f) => f.code), []);
  assert.deepEqual(lintSnapshot(c).map((f) => `${f.severity} ${f.code} ${f.object}`), ['warning selects-no-pods kube-system/gone', 'warning selects-no-pods shop/gone', 'info unreachable-pod shop/web']);
});

test('atLeast: --fail-on thresholds', () => {
  const at = (severity: 'error' | 'warning' | 'info') => ({ severity });
  assert.deepEqual(['error', 'warning', 'info'].map((t) => atLeast(at('warning'), t as 'error')), [false, true, true]);
  assert.equal(atLeast(at('error'), 'error'), true);
  assert.equal(atLeast(at('info'), 'warning'), false);
});
