import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiErrorFor } from '../../src/sources/api-errors.js';
import { connectCluster, type ClusterConnection } from '../../src/sources/cluster.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import { otherCaPem } from '../support/certs.js';
import { namespaceObj, podObj } from '../support/objects.js';
import { rejectsCliError } from './manifest-helpers.js';

let server: FakeApiServer;
let dir: string;
let conn: ClusterConnection;

before(async () => {
  server = await startApiServer();
  dir = mkdtempSync(join(tmpdir(), 'cluster-errors-test-'));
  server.add(namespaceObj('shop'), podObj('shop', 'web'));
  conn = await connectCluster({ kubeconfig: server.kubeconfigPath(dir) });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ErrorCase {
  readonly name: string;
  readonly connect: () => Promise<ClusterConnection>;
  readonly setup?: () => void;
  readonly run: (c: ClusterConnection) => Promise<unknown>;
  readonly want: () => string | RegExp;
}
const all = { namespaces: 'all', nodes: false } as const;
const cases: ErrorCase[] = [
  {
    name: 'server unreachable',
    connect: () => connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: 'down', server: 'https://127.0.0.1:1' }) }),
    run: (c) => c.load(all),
    want: () => 'Unable to connect to the server https://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused',
  },
  {
    name: 'TLS: server certificate from an unknown CA',
    connect: async () => connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: 'otherca', caPem: await otherCaPem() }) }),
    run: (c) => c.load(all),
    want: () => `Unable to connect to the server ${server.url}: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  },
  {
    name: 'TLS: no CA in kubeconfig (system roots)',
    connect: () => connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: 'noca', caPem: false }) }),
    run: (c) => c.load(all),
    want: () => `Unable to connect to the server ${server.url}: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  },
  {
    name: '401 with a wrong token',
    connect: () => connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: 'badtoken', token: 'stolen' }) }),
    run: (c) => c.load(all),
    want: () => 'You must be logged in to the server (Unauthorized)',
  },
  {
    name: '403 on a namespaced list names verb, resource and namespace',
    connect: async () => conn,
    setup: () => server.forbid({ verb: 'list', resource: 'networkpolicies', namespace: 'shop' }),
    run: (c) => c.load({ namespaces: ['shop'], nodes: false }),
    want: () =>
      'Error from server (Forbidden): networkpolicies.networking.k8s.io is forbidden: User "tester" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"',
  },
  {
    name: '403 on a cluster-wide list',
    connect: async () => conn,
    setup: () => server.forbid({ verb: 'list', resource: 'pods', clusterScope: true }),
    run: (c) => c.load(all),
    want: () => 'Error from server (Forbidden): pods is forbidden: User "tester" cannot list resource "pods" in API group "" at the cluster scope',
  },
  {
    name: '404 for a named pod',
    connect: async () => conn,
    run: (c) => c.request({ verb: 'get', resource: 'pods', namespace: 'shop', name: 'x' }, () => c.apis.core.readNamespacedPod({ name: 'x', namespace: 'shop' })),
    want: () => 'Error from server (NotFound): pods "x" not found',
  },
  {
    name: '404 for a named namespace',
    connect: async () => conn,
    run: (c) => c.request({ verb: 'get', resource: 'namespaces', name: 'x' }, () => c.apis.core.readNamespace({ name: 'x' })),
    want: () => 'Error from server (NotFound): namespaces "x" not found',
  },
  {
    name: '404 for a named node',
    connect: async () => conn,
    run: (c) => c.request({ verb: 'get', resource: 'nodes', name: 'x' }, () => c.apis.core.readNode({ name: 'x' })),
    want: () => 'Error from server (NotFound): nodes "x" not found',
  },
  {
    name: 'a server slower than --request-timeout',
    connect: () => connectCluster({ kubeconfig: server.kubeconfigPath(dir), requestTimeout: { ms: 300, label: '300ms' } }),
    setup: () => server.setDelay(3000),
    run: (c) => c.load(all),
    want: () => `the server ${server.url} did not respond within 300ms (--request-timeout)`,
  },
];
for (const c of cases) {
  test(`error: ${c.name}`, async () => {
    const connection = await c.connect();
    c.setup?.();
    try {
      await rejectsCliError(c.run(connection), c.want());
    } finally {
      server.allowAll();
      server.setDelay(0);
    }
  });
}

test('a namespace the user may not get is treated as absent, not as an error', async () => {
  server.forbid({ verb: 'get', resource: 'namespaces' });
  try {
    const set = await conn.load({ namespaces: ['shop'], nodes: false });
    assert.deepEqual(set.namespaces, []);
    assert.deepEqual(set.pods.map((p) => p.name), ['web']);
  } finally {
    server.allowAll();
  }
});

test('a generous --request-timeout does not get in the way', async () => {
  const c = await connectCluster({ kubeconfig: server.kubeconfigPath(dir), requestTimeout: { ms: 5000, label: '5s' } });
  server.setDelay(100);
  try {
    assert.deepEqual(await c.listNames('namespaces'), ['shop']);
  } finally {
    server.setDelay(0);
  }
});

test('apiErrorFor words errors with the action when there is no Status to quote', async () => {
  const down = await connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: 'down2', server: 'https://127.0.0.1:1' }) });
  const e1 = await down.apis.core.readNamespacedPod({ name: 'x', namespace: 'shop' }).catch((e: unknown) => e);
  assert.equal(apiErrorFor(e1, down.server, 'read helper pod shop/x').message, 'Unable to connect to the server https://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused');
  const e2 = await conn.apis.core.readNamespacedPod({ name: 'x', namespace: 'shop' }).catch((e: unknown) => e);
  assert.equal(apiErrorFor(e2, conn.server, 'read helper pod shop/x').message, 'Error from server (NotFound): pods "x" not found');
  assert.equal(apiErrorFor(new Error('boom\nstack'), conn.server, 'read helper pod shop/x').message, `cannot read helper pod shop/x on ${conn.server}: boom`);
});

