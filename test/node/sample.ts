/**
 * @module test/node/sample
 * The representative snapshot of the golden test: two nodes, bridged and routed neighbours, the
 * seed article's policy (ipBlock with except, namespaceSelector OR podSelector, a port), a named
 * port, an endPort range, SCTP, default deny, an IPv6 pod.
 */
import type { Snapshot } from '../../src/model/index.js';
import { block, node, ns, pod, podPeer, policy, port, rule, sel, snapshot } from './fixtures.js';

export const SAMPLE: Snapshot = snapshot({
  namespaces: [ns('default'), ns('myproject', { project: 'myproject' }), ns('locked')],
  nodes: [node('node-a', '192.168.1.10'), node('node-b', '192.168.1.11')],
  pods: [
    pod('default', 'db', { labels: { role: 'db' }, node: 'node-a', ips: ['10.244.1.10', 'fd00:1::10'], ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }] }),
    pod('default', 'frontend', { labels: { role: 'frontend' }, node: 'node-a', ips: ['10.244.1.11'] }),
    pod('default', 'web', { labels: { role: 'web' }, node: 'node-b', ips: ['10.244.2.20', 'fd00:2::20'], ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }),
    pod('myproject', 'client', { labels: { app: 'client' }, node: 'node-b', ips: ['10.244.2.21'] }),
    pod('locked', 'job', { node: 'node-a', ips: ['10.244.1.12'] }),
    pod('default', 'done', { labels: { role: 'frontend' }, node: 'node-a', ips: ['10.244.1.13'], phase: 'Succeeded' }),
    pod('kube-system', 'proxy', { node: 'node-a', ips: ['192.168.1.10'], hostNetwork: true }),
  ],
  policies: [
    policy('default', 'test-network-policy', {
      podSelector: sel({ role: 'db' }),
      types: ['Ingress', 'Egress'],
      ingress: [
        rule([block('172.17.0.0/16', ['172.17.1.0/24']), podPeer(undefined, sel({ project: 'myproject' })), podPeer(sel({ role: 'frontend' }))], [port('TCP', 6379)]),
        rule([podPeer(sel({ role: 'web' }))], [port('TCP', 'redis')]),
      ],
      egress: [
        rule([block('10.0.0.0/24')], [port('TCP', 5978)]),
        rule([podPeer(sel({ role: 'web' }))], [port('TCP', 'http'), port('UDP', 5000, 5010), port('SCTP')]),
      ],
    }),
    policy('locked', 'deny-all', { types: ['Ingress', 'Egress'] }),
    policy('default', 'web-open', { podSelector: sel({ role: 'web' }), ingress: [rule()] }),
  ],
});
