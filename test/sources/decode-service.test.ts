import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/errors.js';
import type { Service } from '../../src/model/index.js';
import { decodeObject } from '../../src/sources/decode.js';
import type { Origin } from '../../src/sources/objects.js';

const ORIGIN: Origin = { source: 'svc.yaml', document: 2, line: 5 };
const AT = 'svc.yaml (document 2, line 5): Service shop/web: ';

const service = (spec: unknown, meta: Record<string, unknown> = {}): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', ...meta },
  spec,
});

const okCases: { name: string; raw: unknown; want: Service }[] = [
  {
    name: 'defaults: type ClusterIP, protocol TCP, targetPort the port itself',
    raw: service({ selector: { app: 'web' }, ports: [{ port: 80 }] }),
    want: { namespace: 'shop', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP' },
  },
  {
    name: 'named targetPort and several named ports; fields the tool does not read are accepted',
    raw: service({
      selector: { app: 'web' },
      type: 'NodePort',
      clusterIP: '10.96.0.10',
      sessionAffinity: 'None',
      ports: [
        { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, appProtocol: 'http' },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
      ],
    }),
    want: {
      namespace: 'shop',
      name: 'web',
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
      ],
      type: 'NodePort',
    },
  },
  {
    name: 'targetPort 0 is defaulted to the port, as the API server does',
    raw: service({ selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 0 }] }),
    want: { namespace: 'shop', name: 'web', selector: { app: 'web' }, ports: [{ port: 8080, protocol: 'TCP', targetPort: 8080 }], type: 'ClusterIP' },
  },
  {
    name: 'an empty selector is no selector; no spec at all is a Service without ports',
    raw: service({ selector: {} }),
    want: { namespace: 'shop', name: 'web', ports: [], type: 'ClusterIP' },
  },
  {
    name: 'the same port number over two protocols',
    raw: service({ ports: [{ name: 'a', port: 53 }, { name: 'b', port: 53, protocol: 'UDP' }] }),
    want: { namespace: 'shop', name: 'web', ports: [{ name: 'a', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'b', port: 53, protocol: 'UDP', targetPort: 53 }], type: 'ClusterIP' },
  },
];
for (const c of okCases) {
  test(`decoded: ${c.name}`, () => assert.deepEqual(decodeObject(c.raw, ORIGIN), { kind: 'Service', value: c.want }));
}

const errorCases: { name: string; raw: unknown; want: string }[] = [
  { name: 'port missing', raw: service({ ports: [{ targetPort: 80 }] }), want: 'spec.ports[0].port: required' },
  { name: 'port out of range', raw: service({ ports: [{ port: 70000 }] }), want: 'spec.ports[0].port: must be between 1 and 65535, got 70000' },
  { name: 'targetPort out of range', raw: service({ ports: [{ port: 80, targetPort: 65536 }] }), want: 'spec.ports[0].targetPort: must be between 1 and 65535, got 65536' },
  {
    name: 'targetPort an invalid name',
    raw: service({ ports: [{ port: 80, targetPort: 'HTTP_x' }] }),
    want: 'spec.ports[0].targetPort: "HTTP_x" must be an IANA service name: lower case letters, digits and \'-\', no leading, trailing or double \'-\'',
  },
  { name: 'targetPort a list', raw: service({ ports: [{ port: 80, targetPort: [8080] }] }), want: 'spec.ports[0].targetPort: must be a number or a port name (got a list)' },
  { name: 'protocol lower case', raw: service({ ports: [{ port: 80, protocol: 'tcp' }] }), want: 'spec.ports[0].protocol: "tcp" is not one of TCP, UDP, SCTP (case matters)' },
  { name: 'misspelt port field', raw: service({ ports: [{ port: 80, targetport: 8080 }] }), want: 'spec.ports[0].targetport: unknown field "targetport" (did you mean "targetPort"?)' },
  { name: 'several ports, one unnamed', raw: service({ ports: [{ name: 'a', port: 80 }, { port: 81 }] }), want: 'spec.ports[1].name: required when a Service has more than one port' },
  { name: 'duplicate port name', raw: service({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }), want: 'spec.ports[1].name: duplicate port name "a": spec.ports[0] has it' },
  { name: 'duplicate port and protocol', raw: service({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }), want: 'spec.ports[1]: duplicate port 80/TCP: spec.ports[0] has it' },
  { name: 'unknown type', raw: service({ type: 'clusterip' }), want: 'spec.type: "clusterip" is not one of ClusterIP, NodePort, LoadBalancer, ExternalName (case matters)' },
  { name: 'selector value not a string', raw: service({ selector: { app: 1 } }), want: 'spec.selector.app: must be a string (got a number; quote it in YAML)' },
  { name: 'ports an object', raw: service({ ports: { port: 80 } }), want: 'spec.ports: must be a list (got an object)' },
];
for (const c of errorCases) {
  test(`rejected: ${c.name}`, () => {
    assert.throws(
      () => decodeObject(c.raw, ORIGIN),
      (e: unknown) => {
        assert.ok(e instanceof CliError);
        assert.equal(e.message, AT + c.want);
        return true;
      },
    );
  });
}

test('objects from the server: unknown port fields are ignored, as for every kind', () => {
  const d = decodeObject(service({ ports: [{ port: 80, futureField: true }] }), ORIGIN, { fieldValidation: 'ignore' });
  assert.equal(d?.kind, 'Service');
  assert.deepEqual(d.value.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
});
