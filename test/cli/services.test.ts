// Services through the real executable, offline: can-reach to one (a verdict per backend on the
// number its named targetPort has on that pod, the summary, exit codes, errors) and explain pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCliCase, netpol, repo, type CliCase } from './run.js';

const f = ['-f', `${repo}examples/shop-service.yaml`];

const cases: CliCase[] = [
  {
    name: 'a named targetPort, 8080 on one backend and 9090 on the other; the canary denies: exit 1',
    args: ['can-reach', 'shop/client-0', 'svc/shop/web', '--port', '80', ...f],
    code: 1,
    stdout: [
      /^shop\/client-0 -> shop\/web-0 on 8080\/TCP: ALLOWED\n/m,
      /^  ingress of shop\/web-0: allowed by shop\/web-from-clients ingress\[0\] \(from\[0\], ports\[0\]\)$/m,
      /^shop\/client-0 -> shop\/web-1 on 9090\/TCP: DENIED\n/m,
      /^not a backend of this port: shop\/web-debug declares no TCP container port named "http", so kube-proxy sends it nothing$/m,
      /\nsvc\/shop\/web port 80\/TCP: allowed to 1 of 2 backends\n$/,
    ],
  },
  {
    name: 'NS/svc/NAME, the Service port by name',
    args: ['can-reach', 'shop/client-0', 'shop/svc/web', '--port', 'http', ...f],
    code: 1,
    stdout: [/allowed to 1 of 2 backends/],
  },
  {
    name: 'service/NAME with -n: the finished pod is no backend',
    args: ['can-reach', 'client-0', 'service/web', '-n', 'shop', '--port', '80', ...f],
    code: 1,
    stdout: [/^(?![\s\S]*web-old)/],
  },
  {
    name: 'a numeric targetPort: the same number on every backend, the pod missing a named one included',
    args: ['can-reach', 'shop/web-0', 'svc/web', '--port', 'metrics', ...f],
    code: 1,
    stdout: [/-> shop\/web-debug on 9100\/TCP: ALLOWED/, /svc\/shop\/web port 9100\/TCP: allowed to 2 of 3 backends/],
  },
  {
    name: 'every backend allowed: exit 0',
    args: ['can-reach', 'shop/monitoring-0', 'svc/shop/canary', '--port', '80', ...f],
    code: 0,
    stdout: [/^shop\/monitoring-0 -> shop\/web-1 on 9090\/TCP: ALLOWED$/m, /\nsvc\/shop\/canary port 80\/TCP: allowed to 1 of 1 backend\n$/],
  },
  {
    name: 'a pod to itself through its own Service is allowed to that backend',
    args: ['can-reach', 'shop/web-1', 'svc/web', '--port', '80', ...f],
    code: 1,
    stdout: [/shop\/web-1 -> shop\/web-1 on 9090\/TCP: ALLOWED\n  allowed whatever the policies: a pod may always reach itself/],
  },
  { name: 'no such Service', args: ['can-reach', 'client-0', 'svc/nope', '--port', '80', ...f], code: 2, stderr: /^error: DST: service "nope" not found in the input\n$/ },
  {
    name: 'no such port',
    args: ['can-reach', 'client-0', 'svc/web', '--port', '8080', ...f],
    code: 2,
    stderr: /^error: DST: svc\/shop\/web has no port 8080 \(its ports: 80\/TCP "http" -> targetPort http, 9100\/TCP "metrics" -> targetPort 9100\)\n$/,
  },
  { name: 'a port over another protocol is no port', args: ['can-reach', 'client-0', 'svc/web', '--port', '80/UDP', ...f], code: 2, stderr: /svc\/shop\/web has no port 80\/UDP/ },
  {
    name: 'no backends: the selector matches no pod',
    args: ['can-reach', 'client-0', 'svc/nobody', '--port', '80', ...f],
    code: 2,
    stderr: /^error: DST: svc\/shop\/nobody port 80\/TCP has no backends: no pod in namespace shop that has not finished matches its selector app=gone\n$/,
  },
  { name: 'no selector', args: ['can-reach', 'client-0', 'svc/legacy', '--port', '80', ...f], code: 2, stderr: /svc\/shop\/legacy has no selector/ },
  { name: 'ExternalName', args: ['can-reach', 'client-0', 'svc/upstream', '--port', '80', ...f], code: 2, stderr: /svc\/shop\/upstream is of type ExternalName/ },
  {
    name: 'a Service as SRC',
    args: ['can-reach', 'svc/web', 'client-0', '--port', '80', ...f],
    code: 2,
    stderr: /^error: SRC "svc\/web": a Service cannot be the source of a connection: connections come from pods/,
  },
  { name: 'svc/ alone', args: ['can-reach', 'client-0', 'svc/', '--port', '80', ...f], code: 2, stderr: /expected NAMESPACE\/POD, POD or pod\/POD \(with -n\), svc\/NAME or NAMESPACE\/svc\/NAME/ },
];

for (const c of cases) {
  test(`cli: can-reach to a Service: ${c.name}`, async () => {
    assertCliCase(await netpol(c.args), c);
  });
}

test('cli: can-reach to a Service -o json: service, and per backend its own port and verdict', async () => {
  const r = await netpol(['can-reach', 'shop/client-0', 'svc/shop/web', '--port', 'http', '-o', 'json', ...f]);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual([j['allowed'], j['from'], j['to'], j['port'], j['protocol'], j['portName']], [false, 'shop/client-0', 'svc/shop/web', 80, 'TCP', 'http']);
  assert.deepEqual(j['service'], { namespace: 'shop', name: 'web', portName: 'http', targetPort: 'http' });
  const backends = j['backends'] as { to: string; port: number; protocol: string; allowed: boolean; ingress: { kind: string } }[];
  assert.deepEqual(
    backends.map((b) => [b.to, b.port, b.protocol, b.allowed, b.ingress.kind]),
    [
      ['shop/web-0', 8080, 'TCP', true, 'allowed'],
      ['shop/web-1', 9090, 'TCP', false, 'denied'],
    ],
  );
  assert.deepEqual(j['notBackends'], [{ pod: 'shop/web-debug', targetPort: 'http', protocol: 'TCP' }]);
});

test('cli: explain pod/NAME names the Services that select it, with what each port is on the pod', async () => {
  const r = await netpol(['explain', 'pod/web-debug', ...f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^  Services selecting it: svc\/shop\/web \(80\/TCP -> no endpoint: no TCP port http here, 9100\/TCP -> 9100\)$/m);
  const canary = await netpol(['explain', 'pod/web-1', ...f]);
  assert.match(canary.stdout, /^  Services selecting it: svc\/shop\/canary \(80\/TCP -> 9090 \(http\)\); svc\/shop\/web \(80\/TCP -> 9090 \(http\), 9100\/TCP -> 9100\)$/m);
  const old = await netpol(['explain', 'pod/web-old', ...f]);
  assert.match(old.stdout, /^  Services selecting it: svc\/shop\/web \(finished: a backend of none\)$/m);
  const client = await netpol(['explain', 'pod/client-0', ...f]);
  assert.doesNotMatch(client.stdout, /Services selecting it/);
  const json = JSON.parse((await netpol(['explain', 'pod/web-0', '-o', 'json', ...f])).stdout) as { services: unknown };
  assert.deepEqual(json.services, [
    {
      service: 'shop/web',
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 'http', resolved: 8080 },
        { port: 9100, protocol: 'TCP', targetPort: 9100, resolved: 9100 },
      ],
    },
  ]);
});
