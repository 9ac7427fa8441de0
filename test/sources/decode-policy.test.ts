import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOneLineCliError } from './manifest-helpers.js';
import type { NetworkPolicy } from '../../src/model/index.js';
import { decodeObject, type DecodeOptions } from '../../src/sources/decode.js';
import { cidr } from '../support/addresses.js';
import type { Origin } from '../../src/sources/objects.js';

const ORIGIN: Origin = { source: 'policies.yaml', document: 2, line: 14 };
const PREFIX = 'policies.yaml (document 2, line 14): NetworkPolicy shop/web: ';

function policy(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'shop' }, spec };
}
function ingressPorts(...ports: unknown[]): Record<string, unknown> {
  return policy({ podSelector: {}, ingress: [{ ports }] });
}
function ingressPeers(...from: unknown[]): Record<string, unknown> {
  return policy({ podSelector: {}, ingress: [{ from }] });
}
function decodePolicy(raw: unknown, options: DecodeOptions = {}): NetworkPolicy {
  const d = decodeObject(raw, ORIGIN, options);
  assert.equal(d?.kind, 'NetworkPolicy');
  return d.value as NetworkPolicy;
}

const errorCases: { name: string; raw: unknown; want: string }[] = [
  // ports
  {
    name: 'endPort below port',
    raw: ingressPorts({ port: 80 }, { port: 8080, endPort: 8000 }),
    want: 'spec.ingress[0].ports[1].endPort: must be >= port (8080)',
  },
  { name: 'endPort without port', raw: ingressPorts({ endPort: 90 }), want: 'spec.ingress[0].ports[0].endPort: requires port to be set' },
  {
    name: 'endPort with a named port',
    raw: ingressPorts({ port: 'http', endPort: 90 }),
    want: 'spec.ingress[0].ports[0].endPort: must not be set when port is a name (http)',
  },
  {
    name: 'endPort above 65535',
    raw: ingressPorts({ port: 80, endPort: 70000 }),
    want: 'spec.ingress[0].ports[0].endPort: must be between 1 and 65535, got 70000',
  },
  { name: 'port 0', raw: ingressPorts({ port: 0 }), want: 'spec.ingress[0].ports[0].port: must be between 1 and 65535, got 0' },
  { name: 'port 65536', raw: ingressPorts({ port: 65536 }), want: 'spec.ingress[0].ports[0].port: must be between 1 and 65535, got 65536' },
  { name: 'port not an integer', raw: ingressPorts({ port: 80.5 }), want: 'spec.ingress[0].ports[0].port: must be an integer, got 80.5' },
  {
    name: 'port a boolean',
    raw: ingressPorts({ port: true }),
    want: 'spec.ingress[0].ports[0].port: must be a number or a port name (got a boolean)',
  },
  {
    name: 'port number as a string',
    raw: ingressPorts({ port: '80' }),
    want: 'spec.ingress[0].ports[0].port: "80" must contain at least one letter (IANA service name)',
  },
  {
    name: 'port name upper case',
    raw: ingressPorts({ port: 'HTTP' }),
    want: `spec.ingress[0].ports[0].port: "HTTP" must be an IANA service name: lower case letters, digits and '-', no leading, trailing or double '-'`,
  },
  {
    name: 'port name too long',
    raw: ingressPorts({ port: 'a-very-long-name' }),
    want: 'spec.ingress[0].ports[0].port: "a-very-long-name" must be at most 15 characters (IANA service name)',
  },
  {
    name: 'port name double dash',
    raw: ingressPorts({ port: 'a--b' }),
    want: `spec.ingress[0].ports[0].port: "a--b" must be an IANA service name: lower case letters, digits and '-', no leading, trailing or double '-'`,
  },
  {
    name: 'protocol lower case (as in the seed article)',
    raw: ingressPorts({ protocol: 'tcp', port: 6379 }),
    want: 'spec.ingress[0].ports[0].protocol: "tcp" is not one of TCP, UDP, SCTP (case matters)',
  },
  {
    name: 'protocol ICMP',
    raw: ingressPorts({ protocol: 'ICMP' }),
    want: 'spec.ingress[0].ports[0].protocol: "ICMP" is not one of TCP, UDP, SCTP (case matters)',
  },
  { name: 'ports entry not an object', raw: ingressPorts(80), want: 'spec.ingress[0].ports[0]: must be an object (got a number)' },
  {
    name: 'egress port path',
    raw: policy({ egress: [{}, { to: [{ podSelector: {} }], ports: [{ port: 99999 }] }] }),
    want: 'spec.egress[1].ports[0].port: must be between 1 and 65535, got 99999',
  },
  // peers
  {
    name: 'empty peer',
    raw: ingressPeers({}),
    want: 'spec.ingress[0].from[0]: must have at least one of podSelector, namespaceSelector or ipBlock',
  },
  {
    name: 'peer with only null fields',
    raw: ingressPeers({ podSelector: null }),
    want: 'spec.ingress[0].from[0]: must have at least one of podSelector, namespaceSelector or ipBlock',
  },
  {
    name: 'ipBlock with podSelector',
    raw: ingressPeers({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }),
    want: 'spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector in one peer',
  },
  {
    name: 'ipBlock with namespaceSelector in egress',
    raw: policy({ egress: [{ to: [{ podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }] }] }),
    want: 'spec.egress[0].to[1]: ipBlock cannot be combined with podSelector or namespaceSelector in one peer',
  },
  { name: 'ipBlock without cidr', raw: ingressPeers({ ipBlock: {} }), want: 'spec.ingress[0].from[0].ipBlock.cidr: required' },
  {
    name: 'cidr without prefix',
    raw: ingressPeers({ ipBlock: { cidr: '172.17.0.0' } }),
    want: 'spec.ingress[0].from[0].ipBlock.cidr: "172.17.0.0" must be a CIDR (address/prefix), e.g. 10.0.0.0/24',
  },
  {
    name: 'cidr with leading zeros',
    raw: ingressPeers({ ipBlock: { cidr: '172.017.0.0/16' } }),
    want: 'spec.ingress[0].from[0].ipBlock.cidr: "172.017.0.0/16" must be a valid IP address (no leading zeros in IPv4 octets)',
  },
  {
    name: 'cidr prefix too long',
    raw: ingressPeers({ ipBlock: { cidr: '10.0.0.0/33' } }),
    want: 'spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0/33" must be a CIDR with a prefix length 0..32',
  },
  {
    name: 'except outside cidr',
    raw: ingressPeers({ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24', '10.0.0.0/24'] } }),
    want: 'spec.ingress[0].from[0].ipBlock.except[1]: "10.0.0.0/24" must lie strictly inside cidr "172.17.0.0/16"',
  },
  {
    name: 'except equal to cidr',
    raw: ingressPeers({ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.0.0/16'] } }),
    want: 'spec.ingress[0].from[0].ipBlock.except[0]: "172.17.0.0/16" must lie strictly inside cidr "172.17.0.0/16"',
  },
  {
    name: 'except wider than cidr',
    raw: ingressPeers({ ipBlock: { cidr: '172.17.0.0/16', except: ['172.0.0.0/8'] } }),
    want: 'spec.ingress[0].from[0].ipBlock.except[0]: "172.0.0.0/8" must lie strictly inside cidr "172.17.0.0/16"',
  },
  {
    name: 'except of the other family',
    raw: ingressPeers({ ipBlock: { cidr: '0.0.0.0/0', except: ['::/64'] } }),
    want: 'spec.ingress[0].from[0].ipBlock.except[0]: "::/64" must lie strictly inside cidr "0.0.0.0/0"',
  },
  {
    name: 'except not a list',
    raw: ingressPeers({ ipBlock: { cidr: '10.0.0.0/8', except: '10.1.0.0/16' } }),
    want: 'spec.ingress[0].from[0].ipBlock.except: must be a list (got a string)',
  },
  {
    name: 'except entry not a string',
    raw: ingressPeers({ ipBlock: { cidr: '10.0.0.0/8', except: [{ cidr: '10.1.0.0/16' }] } }),
    want: 'spec.ingress[0].from[0].ipBlock.except[0]: must be a string (got an object)',
  },
  // selectors
  {
    name: 'matchLabels key with two slashes',
    raw: policy({ podSelector: { matchLabels: { 'a/b/c': 'x' } } }),
    want: `spec.podSelector.matchLabels["a/b/c"]: key "a/b/c" may contain at most one '/'`,
  },
  {
    name: 'matchLabels value too long',
    raw: policy({ podSelector: { matchLabels: { role: 'x'.repeat(64) } } }),
    want: `spec.podSelector.matchLabels.role: value "${'x'.repeat(64)}" must be at most 63 characters`,
  },
  {
    name: 'matchLabels value a number',
    raw: policy({ podSelector: { matchLabels: { version: 1.1 } } }),
    want: 'spec.podSelector.matchLabels.version: must be a string (got a number; quote it in YAML)',
  },
  {
    name: 'matchLabels value a boolean',
    raw: ingressPeers({ namespaceSelector: { matchLabels: { enabled: true } } }),
    want: 'spec.ingress[0].from[0].namespaceSelector.matchLabels.enabled: must be a string (got a boolean; quote it in YAML)',
  },
  {
    name: 'In without values',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: [] }] } }),
    want: 'spec.podSelector.matchExpressions[0].values: must have at least one value when operator is In',
  },
  {
    name: 'NotIn with values absent',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn' }] } }),
    want: 'spec.podSelector.matchExpressions[0].values: must have at least one value when operator is NotIn',
  },
  {
    name: 'Exists with values',
    raw: ingressPeers({ podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists', values: ['db'] }] } }),
    want: 'spec.ingress[0].from[0].podSelector.matchExpressions[0].values: must be empty when operator is Exists',
  },
  {
    name: 'DoesNotExist with values',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'role', operator: 'DoesNotExist', values: ['db'] }] } }),
    want: 'spec.podSelector.matchExpressions[0].values: must be empty when operator is DoesNotExist',
  },
  {
    name: 'unknown operator',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'role', operator: 'in', values: ['db'] }] } }),
    want: 'spec.podSelector.matchExpressions[0].operator: "in" is not one of In, NotIn, Exists, DoesNotExist',
  },
  {
    name: 'expression without key',
    raw: policy({ podSelector: { matchExpressions: [{ operator: 'Exists' }] } }),
    want: 'spec.podSelector.matchExpressions[0].key: required',
  },
  {
    name: 'expression with an invalid key',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'Bad.Prefix/x', operator: 'Exists' }] } }),
    want: `spec.podSelector.matchExpressions[0].key: key "Bad.Prefix/x": the prefix must be an RFC 1123 subdomain (lower case letters, digits, '-' and '.')`,
  },
  {
    name: 'expression value invalid',
    raw: policy({ podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['db', 'not ok'] }] } }),
    want: `spec.podSelector.matchExpressions[0].values[1]: value "not ok" must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  },
  {
    name: 'matchExpressions not a list',
    raw: policy({ podSelector: { matchExpressions: { key: 'role' } } }),
    want: 'spec.podSelector.matchExpressions: must be a list (got an object)',
  },
  // policyTypes and shapes
  {
    name: 'policyTypes lower case',
    raw: policy({ policyTypes: ['Ingress', 'egress'] }),
    want: 'spec.policyTypes[1]: "egress" is not one of Ingress, Egress (case matters)',
  },
  {
    name: 'policyTypes three entries',
    raw: policy({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }),
    want: 'spec.policyTypes: may hold at most two entries (Ingress, Egress)',
  },
  { name: 'policyTypes a string', raw: policy({ policyTypes: 'Ingress' }), want: 'spec.policyTypes: must be a list (got a string)' },
  { name: 'ingress a string', raw: policy({ ingress: 'all' }), want: 'spec.ingress: must be a list (got a string)' },
  { name: 'from an object', raw: policy({ ingress: [{ from: { podSelector: {} } }] }), want: 'spec.ingress[0].from: must be a list (got an object)' },
  { name: 'spec a list', raw: policy([]), want: 'spec: must be an object (got a list)' },
  { name: 'podSelector a string', raw: policy({ podSelector: 'role=db' }), want: 'spec.podSelector: must be an object (got a string)' },
];

for (const c of errorCases) {
  test(`NetworkPolicy rejected: ${c.name}`, () => {
    assert.throws(() => decodeObject(c.raw, ORIGIN), isOneLineCliError(PREFIX + c.want));
  });
}

const EMPTY = { matchLabels: {}, matchExpressions: [] };

const typeCases: {
  name: string;
  spec: Record<string, unknown>;
  want: Pick<NetworkPolicy, 'policyTypes' | 'policyTypesExplicit' | 'ingressField' | 'egressField'>;
}[] = [
  {
    name: 'no policyTypes, no egress: Ingress only',
    spec: { podSelector: {} },
    want: { policyTypes: ['Ingress'], policyTypesExplicit: false, ingressField: 'absent', egressField: 'absent' },
  },
  {
    name: 'no policyTypes, egress []: Ingress only',
    spec: { ingress: [], egress: [] },
    want: { policyTypes: ['Ingress'], policyTypesExplicit: false, ingressField: 'empty', egressField: 'empty' },
  },
  {
    name: 'no policyTypes, one egress rule: Ingress and Egress',
    spec: { egress: [{}] },
    want: { policyTypes: ['Ingress', 'Egress'], policyTypesExplicit: false, ingressField: 'absent', egressField: 'set' },
  },
  {
    name: 'policyTypes [] is defaulted like absent',
    spec: { policyTypes: [], egress: [{}] },
    want: { policyTypes: ['Ingress', 'Egress'], policyTypesExplicit: false, ingressField: 'absent', egressField: 'set' },
  },
  {
    name: 'explicit Egress only',
    spec: { policyTypes: ['Egress'], ingress: [{}] },
    want: { policyTypes: ['Egress'], policyTypesExplicit: true, ingressField: 'set', egressField: 'absent' },
  },
  {
    name: 'explicit order normalised, duplicates merged',
    spec: { policyTypes: ['Egress', 'Ingress'] },
    want: { policyTypes: ['Ingress', 'Egress'], policyTypesExplicit: true, ingressField: 'absent', egressField: 'absent' },
  },
  {
    name: 'duplicate entries',
    spec: { policyTypes: ['Egress', 'Egress'] },
    want: { policyTypes: ['Egress'], policyTypesExplicit: true, ingressField: 'absent', egressField: 'absent' },
  },
  {
    name: 'null lists read as absent',
    spec: { policyTypes: null, ingress: null, egress: null },
    want: { policyTypes: ['Ingress'], policyTypesExplicit: false, ingressField: 'absent', egressField: 'absent' },
  },
];

for (const c of typeCases) {
  test(`policyTypes defaulting: ${c.name}`, () => {
    const p = decodePolicy(policy(c.spec));
    assert.deepEqual(
      { policyTypes: p.policyTypes, policyTypesExplicit: p.policyTypesExplicit, ingressField: p.ingressField, egressField: p.egressField },
      c.want,
    );
  });
}

test('the seed article policy decodes to the expected model', () => {
  const p = decodePolicy({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'test-network-policy', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
            { namespaceSelector: { matchLabels: { project: 'myproject' } } },
            { podSelector: { matchLabels: { role: 'frontend' } } },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
    },
  });
  const want: NetworkPolicy = {
    namespace: 'default',
    name: 'test-network-policy',
    podSelector: { matchLabels: { role: 'db' }, matchExpressions: [] },
    policyTypes: ['Ingress', 'Egress'],
    policyTypesExplicit: true,
    ingress: [
      {
        peers: [
          { kind: 'ip-block', cidr: cidr('172.17.0.0/16'), except: [cidr('172.17.1.0/24')] },
          { kind: 'selector', namespaceSelector: { matchLabels: { project: 'myproject' }, matchExpressions: [] } },
          { kind: 'selector', podSelector: { matchLabels: { role: 'frontend' }, matchExpressions: [] } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
        peersField: 'set',
        portsField: 'set',
      },
    ],
    egress: [
      {
        peers: [{ kind: 'ip-block', cidr: cidr('10.0.0.0/24'), except: [] }],
        ports: [{ protocol: 'TCP', port: 5978 }],
        peersField: 'set',
        portsField: 'set',
      },
    ],
    ingressField: 'set',
    egressField: 'set',
  };
  assert.deepEqual(p, want);
});

const ruleCases: { name: string; rule: unknown; want: unknown; options?: DecodeOptions }[] = [
  { name: 'empty rule admits everything', rule: {}, want: { peers: [], ports: [], peersField: 'absent', portsField: 'absent' } },
  { name: 'null rule reads as {}', rule: null, want: { peers: [], ports: [], peersField: 'absent', portsField: 'absent' } },
  { name: 'empty lists', rule: { from: [], ports: [] }, want: { peers: [], ports: [], peersField: 'empty', portsField: 'empty' } },
  {
    name: 'protocol defaults to TCP, port absent',
    rule: { ports: [{}, { protocol: 'UDP' }] },
    want: { peers: [], ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }], peersField: 'absent', portsField: 'set' },
  },
  {
    name: 'port range and named port',
    rule: { ports: [{ port: 32000, endPort: 32768, protocol: 'SCTP' }, { port: 'redis' }, { port: 80, endPort: 80 }] },
    want: {
      peers: [],
      ports: [{ protocol: 'SCTP', port: 32000, endPort: 32768 }, { protocol: 'TCP', port: 'redis' }, { protocol: 'TCP', port: 80, endPort: 80 }],
      peersField: 'absent',
      portsField: 'set',
    },
  },
  {
    name: 'both selectors in one peer (AND), empty podSelector alone',
    rule: {
      from: [
        { namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } },
        { podSelector: {} },
        { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } },
      ],
    },
    want: {
      peers: [
        {
          kind: 'selector',
          podSelector: { matchLabels: { role: 'client' }, matchExpressions: [] },
          namespaceSelector: { matchLabels: { user: 'alice' }, matchExpressions: [] },
        },
        { kind: 'selector', podSelector: EMPTY },
        { kind: 'selector', namespaceSelector: { matchLabels: {}, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } },
      ],
      ports: [],
      peersField: 'set',
      portsField: 'absent',
    },
  },
  {
    name: 'cidr host bits masked; IPv6 block',
    rule: { from: [{ ipBlock: { cidr: '10.1.0.1/4' } }, { ipBlock: { cidr: '2001:DB8::/32', except: ['2001:db8:1::/48'] } }] },
    want: {
      peers: [
        { kind: 'ip-block', cidr: { family: 4, base: 0n, prefix: 4, text: '0.0.0.0/4' }, except: [] },
        { kind: 'ip-block', cidr: cidr('2001:db8::/32'), except: [cidr('2001:db8:1::/48')] },
      ],
      ports: [],
      peersField: 'set',
      portsField: 'absent',
    },
  },
  {
    name: 'unknown fields ignored in objects from the API server',
    rule: { from: [{ podSelector: {}, comment: 'x' }], ports: [{ port: 80, extra: true }], note: 1 },
    options: { fieldValidation: 'ignore' },
    want: { peers: [{ kind: 'selector', podSelector: EMPTY }], ports: [{ protocol: 'TCP', port: 80 }], peersField: 'set', portsField: 'set' },
  },
];

for (const c of ruleCases) {
  test(`rule decoding: ${c.name}`, () => {
    const p = decodePolicy(policy({ podSelector: {}, ingress: [c.rule] }), c.options);
    assert.deepEqual(p.ingress[0], c.want);
    const e = decodePolicy(policy({ podSelector: {}, egress: [renameFrom(c.rule)] }), c.options);
    assert.deepEqual(e.egress[0], c.want);
  });
}

/** The same rule written for egress (`to` instead of `from`). */
function renameFrom(rule: unknown): unknown {
  if (rule === null || typeof rule !== 'object') return rule;
  const { from, ...rest } = rule as Record<string, unknown>;
  return from === undefined ? rest : { ...rest, to: from };
}

test('an absent spec is an empty spec (selects all pods, isolates ingress)', () => {
  const p = decodePolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'x' } });
  assert.deepEqual(p.podSelector, EMPTY);
  assert.deepEqual(p.policyTypes, ['Ingress']);
  assert.deepEqual(p.ingress, []);
});
