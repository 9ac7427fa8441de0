// The admin tiers' objects as their CRDs validate them: each error case is one message naming the
// origin, object and field; the shapes show how the three kinds and two API versions become one
// TierPolicy (Accept and Allow alike, ports and protocols alike, defaults as the API reads them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TierPolicy } from '../../src/model/index.js';
import { decodeObject, type DecodeOptions } from '../../src/sources/decode.js';
import type { Origin } from '../../src/sources/objects.js';
import { cidr } from '../support/addresses.js';
import { isOneLineCliError } from './manifest-helpers.js';

const ORIGIN: Origin = { source: 'tiers.yaml', document: 3 };
const V1A1 = 'policy.networking.k8s.io/v1alpha1';
const V1A2 = 'policy.networking.k8s.io/v1alpha2';
const ALL = { matchLabels: {}, matchExpressions: [] };

const anp = (spec: Record<string, unknown>, name = 'guard'): Record<string, unknown> => ({ apiVersion: V1A1, kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority: 10, subject: { namespaces: {} }, ...spec } });
const cnp = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: V1A2, kind: 'ClusterNetworkPolicy', metadata: { name: 'c' }, spec: { tier: 'Admin', priority: 10, subject: { namespaces: {} }, ...spec } });
const ingress = (...rules: unknown[]): Record<string, unknown> => anp({ ingress: rules });
const from = (...peers: unknown[]): Record<string, unknown> => ingress({ action: 'Allow', from: peers });

function decodeTier(raw: unknown, options: DecodeOptions = {}): TierPolicy {
  const d = decodeObject(raw, ORIGIN, options);
  assert.equal(d?.kind, 'TierPolicy');
  return d.value as TierPolicy;
}

const errors: { name: string; raw: unknown; want: string }[] = [
  { name: 'priority above 1000', raw: anp({ priority: 1001 }), want: 'AdminNetworkPolicy guard: spec.priority: must be between 0 and 1000, got 1001' },
  { name: 'priority missing', raw: { apiVersion: V1A1, kind: 'AdminNetworkPolicy', metadata: { name: 'p' }, spec: { subject: { namespaces: {} } } }, want: 'AdminNetworkPolicy p: spec.priority: required' },
  { name: 'subject with both fields', raw: anp({ subject: { namespaces: {}, pods: { podSelector: {} } } }), want: 'spec.subject: must set exactly one of namespaces, pods (got namespaces and pods)' },
  { name: 'subject empty', raw: anp({ subject: {} }), want: 'spec.subject: must set exactly one of namespaces, pods' },
  { name: 'pods without podSelector', raw: anp({ subject: { pods: { namespaceSelector: {} } } }), want: 'spec.subject.pods.podSelector: required' },
  { name: 'a peer with two kinds', raw: from({ namespaces: {}, pods: { podSelector: {} } }), want: 'spec.ingress[0].from[0]: must set exactly one of namespaces, pods (got namespaces and pods)' },
  { name: 'networks on ingress', raw: from({ networks: ['10.0.0.0/8'] }), want: 'spec.ingress[0].from[0].networks: unknown field "networks"' },
  { name: 'from empty', raw: ingress({ action: 'Allow', from: [] }), want: 'spec.ingress[0].from: must have at least 1 item' },
  { name: 'from missing', raw: ingress({ action: 'Allow' }), want: 'spec.ingress[0].from: required' },
  { name: 'action Accept in v1alpha1', raw: ingress({ action: 'Accept', from: [{ namespaces: {} }] }), want: 'spec.ingress[0].action: "Accept" is not one of Allow, Deny, Pass (case matters)' },
  { name: 'a rule name over 100 characters', raw: ingress({ name: 'x'.repeat(101), action: 'Deny', from: [{ namespaces: {} }] }), want: 'spec.ingress[0].name: must be at most 100 characters (got 101)' },
  { name: 'more than 100 rules', raw: anp({ ingress: Array.from({ length: 101 }, () => ({ action: 'Deny', from: [{ namespaces: {} }] })) }), want: 'spec.ingress: must have at most 100 items (got 101)' },
  { name: 'a port range not increasing', raw: ingress({ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portRange: { start: 90, end: 90 } }] }), want: 'spec.ingress[0].ports[0].portRange: start (90) must be less than end (90)' },
  { name: 'a port with two kinds', raw: ingress({ action: 'Deny', from: [{ namespaces: {} }], ports: [{ namedPort: 'http', portNumber: { port: 80 } }] }), want: 'spec.ingress[0].ports[0]: must set exactly one of portNumber, namedPort, portRange (got portNumber and namedPort)' },
  { name: 'a port number out of range', raw: ingress({ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { port: 0 } }] }), want: 'spec.ingress[0].ports[0].portNumber.port: must be between 1 and 65535, got 0' },
  {
    name: 'a named port with a networks peer',
    raw: anp({ egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }], ports: [{ namedPort: 'http' }] }] }),
    want: 'spec.egress[0].ports[0]: a named port cannot be used with a networks peer (spec.egress[0].to[0]): nodes and networks have no named ports',
  },
  { name: 'a network that is no CIDR', raw: anp({ egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/33'] }] }] }), want: 'spec.egress[0].to[0].networks[0]: "10.0.0.0/33"' },
  { name: 'a network listed twice', raw: anp({ egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8', '10.0.0.0/8'] }] }] }), want: 'spec.egress[0].to[0].networks[1]: "10.0.0.0/8" is listed twice' },
  { name: 'a baseline not named default', raw: { apiVersion: V1A1, kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'mine' }, spec: { subject: { namespaces: {} } } }, want: 'BaselineAdminNetworkPolicy mine: metadata.name: must be "default": there is only one BaselineAdminNetworkPolicy (got "mine")' },
  { name: 'Pass in a baseline', raw: { apiVersion: V1A1, kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] } }, want: 'spec.ingress[0].action: "Pass" is not one of Allow, Deny (case matters)' },
  { name: 'priority in a baseline', raw: { apiVersion: V1A1, kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { priority: 1, subject: { namespaces: {} } } }, want: 'spec.priority: unknown field "priority"' },
  { name: 'a ClusterNetworkPolicy tier misspelt', raw: cnp({ tier: 'admin' }), want: 'spec.tier: "admin" is not one of Admin, Baseline (case matters)' },
  { name: 'Allow in v1alpha2', raw: cnp({ ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }), want: 'spec.ingress[0].action: "Allow" is not one of Accept, Deny, Pass (case matters)' },
  { name: 'a v1alpha2 protocol with two kinds', raw: cnp({ ingress: [{ action: 'Deny', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80 } }, udp: { destinationPort: { number: 53 } } }] }] }), want: 'spec.ingress[0].protocols[0]: must set exactly one of tcp, udp, sctp, destinationNamedPort (got tcp and udp)' },
  { name: 'a v1alpha2 tcp without destinationPort', raw: cnp({ ingress: [{ action: 'Deny', from: [{ namespaces: {} }], protocols: [{ tcp: {} }] }] }), want: 'spec.ingress[0].protocols[0].tcp: must set destinationPort' },
  { name: 'more than 25 rules in v1alpha2', raw: cnp({ egress: Array.from({ length: 26 }, () => ({ action: 'Deny', to: [{ namespaces: {} }] })) }), want: 'spec.egress: must have at most 25 items (got 26)' },
];

for (const c of errors) {
  test(`decode tier: ${c.name}`, () => {
    const escaped = c.want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.throws(() => decodeObject(c.raw, ORIGIN), isOneLineCliError(new RegExp(`^tiers\\.yaml \\(document 3\\): (AdminNetworkPolicy|BaselineAdminNetworkPolicy|ClusterNetworkPolicy) [a-z-]+: .*${escaped}|^tiers\\.yaml \\(document 3\\): ${escaped}`)));
  });
}

test('decode tier: v1alpha1 rules, ports and peers become the model', () => {
  const p = decodeTier(
    anp({
      ingress: [{ name: 'a', action: 'Pass', from: [{ pods: { podSelector: { matchLabels: { app: 'web' } } } }], ports: [{ portNumber: { port: 80 } }, { namedPort: 'http' }, { portRange: { protocol: 'UDP', start: 5000, end: 5100 } }] }],
      egress: [{ action: 'Deny', to: [{ nodes: {} }, { networks: ['10.1.2.3/8'] }] }],
    }),
  );
  assert.deepEqual(p, {
    kind: 'AdminNetworkPolicy',
    name: 'guard',
    tier: 'Admin',
    priority: 10,
    subject: { kind: 'namespaces', namespaceSelector: ALL },
    ingress: [
      {
        name: 'a',
        action: 'Pass',
        actionText: 'Pass',
        peers: [{ kind: 'pods', namespaceSelector: ALL, podSelector: { matchLabels: { app: 'web' }, matchExpressions: [] } }],
        ports: [{ kind: 'number', protocol: 'TCP', port: 80 }, { kind: 'named', name: 'http' }, { kind: 'range', protocol: 'UDP', start: 5000, end: 5100 }],
      },
    ],
    egress: [{ action: 'Deny', actionText: 'Deny', peers: [{ kind: 'nodes', nodeSelector: ALL }, { kind: 'networks', cidrs: [cidr('10.0.0.0/8')] }] }],
  });
});

test('decode tier: v1alpha2 Accept is Allow, protocols are ports, the tier is as written', () => {
  const p = decodeTier(cnp({ tier: 'Baseline', ingress: [{ action: 'Accept', from: [{ namespaces: {} }], protocols: [{ sctp: { destinationPort: { range: { start: 1, end: 9 } } } }, { destinationNamedPort: 'dns' }] }] }));
  assert.equal(p.tier, 'Baseline');
  assert.deepEqual(p.ingress[0], { action: 'Allow', actionText: 'Accept', peers: [{ kind: 'namespaces', namespaceSelector: ALL }], ports: [{ kind: 'range', protocol: 'SCTP', start: 1, end: 9 }, { kind: 'named', name: 'dns' }] });
});

test('decode tier: from a server, a peer of a field this version does not know fails closed; in a file it is refused', () => {
  const raw = anp({ egress: [{ action: 'Deny', to: [{ domainNames: ['example.com'] }] }] });
  assert.deepEqual(decodeTier(raw, { fieldValidation: 'ignore' }).egress[0]?.peers, [{ kind: 'unknown', fields: ['domainNames'] }]);
  assert.throws(() => decodeObject(raw, ORIGIN), /spec\.egress\[0\]\.to\[0\]\.domainNames: unknown field "domainNames"/);
  // v1alpha2 knows domainNames, and a snapshot cannot resolve them: the same fail-closed peer.
  assert.deepEqual(decodeTier(cnp({ egress: [{ action: 'Accept', to: [{ domainNames: ['example.com'] }] }] })).egress[0]?.peers, [{ kind: 'unknown', fields: ['domainNames'] }]);
});

test('decode tier: an API version the tool does not evaluate is skipped, not misread', () => {
  assert.equal(decodeObject({ ...cnp({}), apiVersion: 'policy.networking.k8s.io/v1beta1' }, ORIGIN), undefined);
});
