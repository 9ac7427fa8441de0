// can-reach's words for a verdict: a bypass says why it allows first, and the sides it overrides
// read as not consulted, so that no "DENIED" stands under an "ALLOWED".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot, evaluateConnection, type Endpoint } from '../../src/engine/index.js';
import { renderVerdictText, verdictReason } from '../../src/render/verdict.js';
import { ip, node, ns, pod, policy, rule, sel, snapshot } from '../support/build.js';

const db = pod('default', 'db-0', { role: 'db' }, { ips: ['10.244.1.10', 'fd00:244:1::10'], node: 'n1' });
const web = pod('default', 'web-0', { role: 'web' }, { ips: ['10.244.2.10'], node: 'n2' });
const host = pod('kube-system', 'proxy', {}, { ips: ['192.168.0.1'], node: 'n1', hostNetwork: true });
const denyIn = policy('default', 'deny-in', sel({ role: 'db' }), { types: ['Ingress'] });
const denyOut = policy('default', 'deny-out', sel({ role: 'db' }), { types: ['Egress'] });
const webOut = policy('default', 'web-out', sel({ role: 'web' }), { types: ['Egress'], egress: [rule()] });
const c = compileSnapshot(
  snapshot({
    namespaces: [ns('default'), ns('kube-system')],
    pods: [db, web, host],
    nodes: [node('n1', '192.168.0.1', 'fd00:ff::1'), node('n2', '192.168.0.2')],
    policies: [denyIn, denyOut, webOut],
  }),
);

const at = (text: string): Endpoint => ({ kind: 'ip', ip: ip(text) });
const of = (p: typeof db): Endpoint => ({ kind: 'pod', pod: p });
const NODE_WHY =
  "  allowed whatever the policies: traffic between a pod and the node it runs on is always allowed, both ways (kubelet probes, the pod's own connections to its node)";

const cases: { name: string; src: Endpoint; dst: Endpoint; port: number; wide?: boolean; want: string[]; reason: string }[] = [
  {
    name: 'node to its own ingress-isolated pod',
    src: at('192.168.0.1'),
    dst: of(db),
    port: 8080,
    want: [
      '192.168.0.1 -> default/db-0 on 8080/TCP: ALLOWED',
      NODE_WHY,
      '  egress of 192.168.0.1: not a pod, no policy applies',
      '  ingress of default/db-0: not consulted, the exception above decides (would deny: isolated by default/deny-in, and no rule admits it)',
    ],
    reason: 'always allowed, policies not consulted: a node to its own pod',
  },
  {
    name: 'egress-isolated pod to its own node, over IPv6',
    src: of(db),
    dst: at('fd00:ff::1'),
    port: 10250,
    want: [
      'default/db-0 -> fd00:ff::1 on 10250/TCP: ALLOWED',
      NODE_WHY,
      '  egress of default/db-0: not consulted, the exception above decides (would deny: isolated by default/deny-out, and no rule admits it)',
      '  ingress of fd00:ff::1: not a pod, no policy applies',
    ],
    reason: 'always allowed, policies not consulted: a pod to its own node',
  },
  {
    name: 'egress-isolated pod to a hostNetwork pod on its node; -o wide lists the policies it would have consulted',
    src: of(db),
    dst: of(host),
    port: 10256,
    wide: true,
    want: [
      'default/db-0 -> kube-system/proxy on 10256/TCP: ALLOWED',
      NODE_WHY,
      '  egress of default/db-0: not consulted, the exception above decides (would deny: isolated by default/deny-out, and no rule admits it)',
      '    default/deny-out: has no rules for this direction, so it admits nothing',
      '  ingress of kube-system/proxy: a hostNetwork pod, no policy selects it',
    ],
    reason: 'always allowed, policies not consulted: a pod to its own node',
  },
  {
    name: 'a pod to itself, isolated both ways',
    src: of(db),
    dst: of(db),
    port: 5432,
    want: [
      'default/db-0 -> default/db-0 on 5432/TCP: ALLOWED',
      '  allowed whatever the policies: a pod may always reach itself',
      '  egress of default/db-0: not consulted, the exception above decides (would deny: isolated by default/deny-out, and no rule admits it)',
      '  ingress of default/db-0: not consulted, the exception above decides (would deny: isolated by default/deny-in, and no rule admits it)',
    ],
    reason: 'always allowed, policies not consulted: a pod to itself',
  },
  {
    name: 'a side that would allow reads as not consulted too',
    src: of(web),
    dst: at('192.168.0.2'),
    port: 10250,
    want: [
      'default/web-0 -> 192.168.0.2 on 10250/TCP: ALLOWED',
      NODE_WHY,
      '  egress of default/web-0: not consulted, the exception above decides (would allow: allowed by default/web-out egress[0] (any to, any port))',
      '  ingress of 192.168.0.2: not a pod, no policy applies',
    ],
    reason: 'always allowed, policies not consulted: a pod to its own node',
  },
  {
    name: 'another node\'s address: no exception, the egress side decides',
    src: of(db),
    dst: at('192.168.0.2'),
    port: 10250,
    want: [
      'default/db-0 -> 192.168.0.2 on 10250/TCP: DENIED',
      '  egress of default/db-0: DENIED: isolated by 1 policy, and no rule admits it',
      '      default/deny-out: has no rules for this direction, so it admits nothing',
      '  ingress of 192.168.0.2: not a pod, no policy applies',
    ],
    reason: 'egress of default/db-0 denied by default/deny-out',
  },
];

for (const k of cases) {
  test(`render verdict: ${k.name}`, () => {
    const v = evaluateConnection(c, { src: k.src, dst: k.dst, port: k.port, protocol: 'TCP' });
    assert.equal(renderVerdictText(v, k.wide ?? false), `${k.want.join('\n')}\n`);
    assert.equal(verdictReason(v), k.reason);
  });
}
