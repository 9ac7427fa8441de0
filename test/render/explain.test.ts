import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot, explainPolicy } from '../../src/engine/index.js';
import { renderPolicyExplanation, summarizePolicy } from '../../src/render/explain.js';
import { ipBlock, ns, pod, podPeer, policy, port, rule, sel, snapshot, explainOne } from '../support/build.js';

const namespaces = [ns('default'), ns('prod', { project: 'myproject' })];
const pods = [
  pod('default', 'db-0', { role: 'db' }, { ips: ['172.17.0.10'], ports: [{ name: 'redis', port: 6379 }] }),
  pod('default', 'db-1', { role: 'db' }, { ips: ['172.17.0.11'], ports: [{ name: 'redis', port: 6380 }] }),
  pod('default', 'web', { role: 'frontend' }, { ips: ['172.17.0.12'] }),
];

const cases: { name: string; p: ReturnType<typeof policy>; want: string }[] = [
  {
    name: 'the seed example, in one paragraph',
    p: policy('default', 'seed', sel({ role: 'db' }), {
      types: ['Ingress', 'Egress'],
      ingress: [rule([ipBlock('172.17.0.0/16', ['172.17.1.0/24']), podPeer(undefined, sel({ project: 'myproject' })), podPeer(sel({ role: 'frontend' }))], [port(6379)])],
      egress: [rule([ipBlock('10.0.0.0/24')], [port(5978)])],
    }),
    want: 'In short: the 2 pods matching role=db in namespace default are isolated for ingress and egress. This policy admits connections to them only from 172.17.0.0/16 except 172.17.1.0/24 or any pod of namespaces project=myproject or pods role=frontend of namespace default, on 6379/TCP. This policy admits connections from them only to 10.0.0.0/24, on 5978/TCP.',
  },
  {
    name: 'deny-all ingress on every pod',
    p: policy('default', 'deny', sel(), { types: ['Ingress'] }),
    want: 'In short: all 3 pods in namespace default are isolated for ingress. This policy admits no connections to them.',
  },
  {
    name: 'AND peer reads as one phrase; two rules joined by or',
    p: policy('default', 'and', sel({ role: 'frontend' }), { ingress: [rule([podPeer(sel({ role: 'client' }), sel({ user: 'alice' }))]), rule([], [port(53, 'UDP')])] }),
    want: 'In short: the one pod matching role=frontend in namespace default is isolated for ingress. This policy admits connections to it only from pods role=client of namespaces user=alice, on any port; or from anywhere, on 53/UDP.',
  },
  {
    name: 'a selector that matches nothing yet',
    p: policy('default', 'none', sel({ role: 'ghost' }), { types: ['Egress'], egress: [rule()] }),
    want: 'In short: pods matching role=ghost in namespace default (none right now) would be isolated for egress. This policy admits every connection from them.',
  },
];

for (const c of cases) {
  test(`render explain: ${c.name}`, () => {
    const e = explainOne(snapshot({ namespaces, pods, policies: [c.p] }), c.p);
    assert.equal(summarizePolicy(e), c.want);
  });
}

test('render explain: named ports list the number per target pod', () => {
  const p = policy('default', 'named', sel({ role: 'db' }), { types: ['Ingress'], ingress: [rule([], [port('redis')])] });
  const text = renderPolicyExplanation(explainOne(snapshot({ namespaces, pods, policies: [p] }), p), { wide: false });
  assert.match(text, /on redis\/TCP \(named: resolves to 6379 on default\/db-0, 6380 on default\/db-1\)/);
});

test('render explain: a policy that admits nothing says others may, when others select the same pods', () => {
  const deny = policy('default', 'deny', sel({ role: 'db' }), { types: ['Ingress'] });
  const allow = policy('default', 'allow', sel({ role: 'db' }), { ingress: [rule()] });
  const c = compileSnapshot(snapshot({ namespaces, pods, policies: [deny, allow] }));
  assert.match(summarizePolicy(explainPolicy(c, c.compiled(deny))), /This policy admits no connections to them\. Policies add up: default\/allow also selects some of these pods, and what it admits is admitted too\.$/);
});

test('render explain: a note naming many pods is cut short like every other list, and -o wide lists them all', () => {
  const many = Array.from({ length: 12 }, (_, i) => pod('default', `web-${i}`, { role: 'web' }, { ips: [`172.17.2.${i + 1}`] }));
  const p = policy('default', 'dns', sel({ role: 'web' }), { types: ['Egress'], egress: [rule([], [port('dns', 'UDP')])] });
  const e = explainOne(snapshot({ namespaces, pods: [...pods, ...many], policies: [p] }), p);
  const note = (wide: boolean): string => renderPolicyExplanation(e, { wide }).split('\n').find((l) => l.includes('named port "dns"')) ?? '';
  assert.match(note(false), /is not declared by (default\/[a-z0-9-]+, ){7}default\/[a-z0-9-]+ and 7 more \(-o wide lists all\): the rule/);
  assert.equal((note(true).match(/default\//g) ?? []).length, 15);
});
