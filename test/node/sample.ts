/**
 * @module test/node/sample
 * The representative snapshot of the golden test: two nodes, bridged and routed neighbours, the
 * seed article's policy (ipBlock with except, namespaceSelector OR podSelector, a port), a named
 * port, an endPort range, SCTP, default deny, an IPv6 pod.
 */
import type { Snapshot } from '../../src/model/index.js';
import { ipBlock, node, ns, pod, podPeer, policy, port, rule, sel, snapshot } from '../support/build.js';

export const SAMPLE: Snapshot = snapshot({
  namespaces: [ns('default'), ns('myproject', { project: 'myproject' }), ns('locked')],
  nodes: [node('node-a', '192.168.1.10'), node('node-b', '192.168.1.11')],
  pods: [
    pod('default', 'db', { role: 'db' }, { node: 'node-a', ips: ['10.244.1.10', 'fd00:1::10'], ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }] }),
    pod('default', 'frontend', { role: 'frontend' }, { node: 'node-a', ips: ['10.244.1.11'] }),
    pod('default', 'web', { role: 'web' }, { node: 'node-b', ips: ['10.244.2.20', 'fd00:2::20'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
    pod('myproject', 'client', { app: 'client' }, { node: 'node-b', ips: ['10.244.2.21'] }),
    pod('locked', 'job', {}, { node: 'node-a', ips: ['10.244.1.12'] }),
    pod('default', 'done', { role: 'frontend' }, { node: 'node-a', ips: ['10.244.1.13'], phase: 'Succeeded' }),
    pod('kube-system', 'proxy', {}, { node: 'node-a', ips: ['192.168.1.10'], hostNetwork: true }),
  ],
  policies: [
    policy('default', 'test-network-policy', sel({ role: 'db' }), {
      types: ['Ingress', 'Egress'],
      ingress: [
        rule([ipBlock('172.17.0.0/16', ['172.17.1.0/24']), podPeer(undefined, sel({ project: 'myproject' })), podPeer(sel({ role: 'frontend' }))], [port(6379)]),
        rule([podPeer(sel({ role: 'web' }))], [port('redis')]),
      ],
      egress: [
        rule([ipBlock('10.0.0.0/24')], [port(5978)]),
        rule([podPeer(sel({ role: 'web' }))], [port('http'), port(5000, 'UDP', 5010), port(undefined, 'SCTP')]),
      ],
    }),
    policy('locked', 'deny-all', sel(), { types: ['Ingress', 'Egress'] }),
    policy('default', 'web-open', sel({ role: 'web' }), { ingress: [rule()] }),
  ],
});

/** SAMPLE without IPv6: db keeps only its IPv4 address, so node-a runs no IPv6 pod at all. */
export const SAMPLE_V4_ONLY: Snapshot = {
  ...SAMPLE,
  pods: SAMPLE.pods.map((p) => (p.name === 'db' ? { ...p, ips: p.ips.filter((ip) => ip.family === 4) } : p)),
};

/**
 * SAMPLE with IPv4 enforced nowhere on node-a: db keeps only its IPv6 address and deny-all, which
 * isolates the IPv4-only locked/job, is gone.
 */
export const SAMPLE_V6_ONLY: Snapshot = {
  ...SAMPLE,
  pods: SAMPLE.pods.map((p) => (p.name === 'db' ? { ...p, ips: p.ips.filter((ip) => ip.family === 6) } : p)),
  policies: SAMPLE.policies.filter((p) => p.name !== 'deny-all'),
};
