// A Service port to the connections it leads to: backends by selector, targetPort per pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNever, resolveServicePort, servicesSelecting, type ServicePortQuery } from '../../src/engine/index.js';
import { qualifiedName, type Service, type ServicePort } from '../../src/model/index.js';
import { pod } from '../support/build.js';

const HTTP: ServicePort = { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' };
const DNS_TCP: ServicePort = { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 };
const DNS_UDP: ServicePort = { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' };
const METRICS: ServicePort = { name: 'metrics', port: 9000, protocol: 'UDP', targetPort: 9100 };

const svc = (o: Partial<Service> = {}): Service => ({
  namespace: 'shop',
  name: 'web',
  selector: { app: 'web' },
  ports: [HTTP, DNS_TCP, DNS_UDP, METRICS],
  type: 'ClusterIP',
  ...o,
});

const NO_SELECTOR: Service = { namespace: 'shop', name: 'manual', ports: [HTTP], type: 'ClusterIP' };

const PODS = [
  pod('shop', 'web-0', { app: 'web', tier: 'a' }, { ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }] }),
  pod('shop', 'web-1', { app: 'web' }, { ports: [{ name: 'http', port: 9090 }] }),
  pod('shop', 'web-2', { app: 'web' }, { ports: [{ name: 'http', port: 8081, protocol: 'UDP' }] }),
  pod('shop', 'web-old', { app: 'web' }, { phase: 'Succeeded', ports: [{ name: 'http', port: 8080 }] }),
  pod('other', 'web-0', { app: 'web' }, { ports: [{ name: 'http', port: 8080 }] }),
  pod('shop', 'api-0', { app: 'api' }, { ports: [{ name: 'http', port: 8080 }] }),
];

/** What a resolution says, in short: `kind` then `pod:port` per backend and `pod!name` per pod missing it. */
function summary(r: ReturnType<typeof resolveServicePort>): string {
  switch (r.kind) {
    case 'backends':
    case 'no-backends': {
      const backends = r.kind === 'backends' ? r.backends.map((b) => `${qualifiedName(b.pod)}:${b.port}/${b.protocol}`) : [];
      const missing = r.missing.map((m) => `${qualifiedName(m.pod)}!${m.name}/${m.protocol}`);
      return [`${r.kind} ${r.port.port}/${r.port.protocol}`, ...backends, ...missing].join(' ');
    }
    case 'no-selector':
      return `no-selector ${r.port.port}/${r.port.protocol}`;
    case 'no-such-port':
    case 'ambiguous-port':
      return `${r.kind} ${r.ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`;
    case 'external-name':
      return r.kind;
    default:
      return assertNever(r);
  }
}

const cases: { name: string; service?: Service; query: ServicePortQuery; want: string }[] = [
  {
    name: 'a named targetPort resolves per pod; a pod declaring it over another protocol only is missing it; finished pods, other namespaces and labels are no backends',
    query: { port: 80 },
    want: 'backends 80/TCP shop/web-0:8080/TCP shop/web-1:9090/TCP shop/web-2!http/TCP',
  },
  { name: 'the Service port by its name', query: { port: 'http' }, want: 'backends 80/TCP shop/web-0:8080/TCP shop/web-1:9090/TCP shop/web-2!http/TCP' },
  { name: 'a numeric targetPort is the same on every backend', query: { port: 'dns-tcp' }, want: 'backends 53/TCP shop/web-0:5353/TCP shop/web-1:5353/TCP shop/web-2:5353/TCP' },
  { name: 'a number over two protocols, none written: the TCP one', query: { port: 53 }, want: 'backends 53/TCP shop/web-0:5353/TCP shop/web-1:5353/TCP shop/web-2:5353/TCP' },
  { name: 'a number over two protocols, UDP written', query: { port: 53, protocol: 'UDP' }, want: 'backends 53/UDP shop/web-0:5353/UDP shop/web-1!dns/UDP shop/web-2!dns/UDP' },
  { name: 'a UDP-only port needs no protocol written', query: { port: 9000 }, want: 'backends 9000/UDP shop/web-0:9100/UDP shop/web-1:9100/UDP shop/web-2:9100/UDP' },
  { name: 'a name with the wrong protocol written is no port', query: { port: 'http', protocol: 'UDP' }, want: 'no-such-port 80/TCP,53/TCP,53/UDP,9000/UDP' },
  { name: 'a port number the Service lacks', query: { port: 8080 }, want: 'no-such-port 80/TCP,53/TCP,53/UDP,9000/UDP' },
  {
    name: 'a number over UDP and SCTP, none written: ambiguous',
    service: svc({ ports: [{ name: 'a', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'b', port: 53, protocol: 'SCTP', targetPort: 53 }] }),
    query: { port: 53 },
    want: 'ambiguous-port 53/UDP,53/SCTP',
  },
  { name: 'no selector', service: NO_SELECTOR, query: { port: 80 }, want: 'no-selector 80/TCP' },
  { name: 'a selector that matches no pod', service: svc({ selector: { app: 'nothing' } }), query: { port: 80 }, want: 'no-backends 80/TCP' },
  { name: 'every matching pod lacks the named targetPort', service: svc({ selector: { app: 'web', tier: 'a' } }), query: { port: 9000 }, want: 'backends 9000/UDP shop/web-0:9100/UDP' },
  {
    name: 'only pods missing the named targetPort: no backends, and who misses it',
    service: svc({ selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 'web' }] }),
    query: { port: 80 },
    want: 'no-backends 80/TCP shop/web-0!web/TCP shop/web-1!web/TCP shop/web-2!web/TCP',
  },
  { name: 'ExternalName: a DNS alias has no backends', service: svc({ type: 'ExternalName' }), query: { port: 80 }, want: 'external-name' },
];

for (const c of cases) {
  test(`resolveServicePort: ${c.name}`, () => {
    assert.equal(summary(resolveServicePort(c.service ?? svc(), PODS, c.query)), c.want);
  });
}

test('servicesSelecting: by namespace and every selector entry; a Service without a selector selects nothing', () => {
  const services: Service[] = [
    svc({ name: 'web' }),
    svc({ name: 'web-a', selector: { app: 'web', tier: 'a' } }),
    svc({ name: 'elsewhere', namespace: 'other' }),
    NO_SELECTOR,
  ];
  const names = (i: number): string[] => servicesSelecting(services, PODS[i]!).map(qualifiedName);
  assert.deepEqual(names(0), ['shop/web', 'shop/web-a']);
  assert.deepEqual(names(1), ['shop/web']);
  assert.deepEqual(names(4), ['other/elsewhere']);
  assert.deepEqual(names(5), []);
});
