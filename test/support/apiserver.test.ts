import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { echoHandler, startApiServer, type ExecHandler, type FailureRule, type FakeApiServer, type ForbidRule } from './apiserver.js';
import { call } from './http-client.js';
import { namespaceObj, nodeObj, podObj, policyObj } from './objects.js';

const run = promisify(execFile);
let server: FakeApiServer;
let dir: string;

before(async () => {
  server = await startApiServer();
  dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-test-'));
  server.add(namespaceObj('shop', { team: 'a' }), namespaceObj('db'), nodeObj('node-1', '10.0.0.1'));
  for (let i = 0; i < 7; i++) {
    server.add(podObj('shop', `web-${i}`, { labels: { app: 'web', tier: i % 2 === 0 ? 'even' : 'odd' }, nodeName: 'node-1', ip: `10.1.0.${i}` }));
  }
  server.add(podObj('db', 'pg', { labels: { app: 'db' }, nodeName: 'node-2', phase: 'Pending' }));
  server.add(policyObj('shop', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function items(json: unknown): Record<string, unknown>[] {
  return (json as { items: Record<string, unknown>[] }).items;
}
function names(json: unknown): string[] {
  return items(json).map((i) => String((i['metadata'] as { name: string }).name));
}

/** Reads a nested field of parsed JSON: dig(j, 'groups', 0, 'name'). */
function dig(j: unknown, ...path: (string | number)[]): unknown {
  let cur = j;
  for (const k of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[k] : undefined;
  return cur;
}

const discoveryCases = [
  { path: '/api', want: (j: unknown) => dig(j, 'kind') === 'APIVersions' && dig(j, 'versions', 0) === 'v1' },
  { path: '/apis', want: (j: unknown) => dig(j, 'kind') === 'APIGroupList' && dig(j, 'groups', 0, 'name') === 'networking.k8s.io' },
  {
    path: '/api/v1',
    want: (j: unknown) => dig(j, 'resources', 0, 'name') === 'pods' && dig(j, 'resources', 0, 'shortNames', 0) === 'po',
  },
  {
    path: '/apis/networking.k8s.io/v1',
    want: (j: unknown) => dig(j, 'resources', 0, 'name') === 'networkpolicies' && dig(j, 'resources', 0, 'kind') === 'NetworkPolicy',
  },
  { path: '/version', want: (j: unknown) => dig(j, 'gitVersion') === 'v1.32.4' },
];
for (const c of discoveryCases) {
  test(`discovery ${c.path}`, async () => {
    const r = await call(server, 'GET', c.path);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json');
    assert.ok(c.want(r.json), r.text);
  });
}

test('lists page with limit and opaque continue; items carry no kind', async () => {
  const seen: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const r = await call(server, 'GET', `/api/v1/namespaces/shop/pods?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    assert.equal(r.status, 200);
    const j = r.json as { kind: string; apiVersion: string; metadata: { continue?: string; resourceVersion: string } };
    assert.equal(j.kind, 'PodList');
    assert.equal(j.apiVersion, 'v1');
    assert.match(j.metadata.resourceVersion, /^\d+$/);
    for (const it of items(r.json)) {
      assert.equal(it['kind'], undefined);
      assert.equal(it['apiVersion'], undefined);
    }
    seen.push(...names(r.json));
    token = j.metadata.continue ?? '';
    pages++;
  } while (token !== '');
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6']);
});

test('pageSizeCap returns fewer items than asked', async () => {
  server.setPageSizeCap(2);
  try {
    const r = await call(server, 'GET', '/api/v1/pods?limit=500');
    assert.equal(items(r.json).length, 2);
    assert.ok((r.json as { metadata: { continue?: string } }).metadata.continue);
  } finally {
    server.setPageSizeCap(0);
  }
});

const badContinueCases = [
  { name: 'not base64 JSON', token: 'garbage' },
  { name: 'no resourceVersion', token: Buffer.from(JSON.stringify({ after: 'shop/web-1' })).toString('base64url') },
  { name: 'resourceVersion 0', token: Buffer.from(JSON.stringify({ rv: '0', after: 'shop/web-1' })).toString('base64url') },
];
for (const c of badContinueCases) {
  test(`a bad continue token (${c.name}) is 400 BadRequest, not 410 Expired`, async () => {
    const r = await call(server, 'GET', `/api/v1/pods?limit=2&continue=${encodeURIComponent(c.token)}`);
    assert.equal(r.status, 400);
    const s = r.json as { kind: string; reason: string; message: string; code: number };
    assert.deepEqual([s.kind, s.reason, s.code], ['Status', 'BadRequest', 400]);
    assert.match(s.message, /^invalid continue token: continue key is not valid/);
  });
}

const remainingCases = [
  { name: 'no selector', q: '', want: 5 },
  { name: 'empty selectors count as none', q: '&labelSelector=&fieldSelector=', want: 5 },
  { name: 'label selector', q: '&labelSelector=app%3Dweb', want: undefined },
  { name: 'field selector', q: '&fieldSelector=metadata.namespace%3Dshop', want: undefined },
];
for (const c of remainingCases) {
  test(`remainingItemCount with ${c.name}: ${c.want ?? 'omitted'}`, async () => {
    const r = await call(server, 'GET', `/api/v1/namespaces/shop/pods?limit=2${c.q}`);
    assert.equal(r.status, 200, r.text);
    const meta = (r.json as { metadata: Record<string, unknown> }).metadata;
    assert.equal(typeof meta['continue'], 'string');
    assert.equal(meta['remainingItemCount'], c.want);
    assert.equal('remainingItemCount' in meta, c.want !== undefined);
  });
}

const selectorCases = [
  { name: 'label equality', q: 'labelSelector=tier%3Deven', ns: 'shop', want: ['web-0', 'web-2', 'web-4', 'web-6'] },
  { name: 'label set', q: 'labelSelector=app%20in%20(db)', ns: undefined, want: ['pg'] },
  { name: 'label notin + exists', q: 'labelSelector=app,tier%20notin%20(even)', ns: 'shop', want: ['web-1', 'web-3', 'web-5'] },
  { name: 'label absent', q: 'labelSelector=!tier', ns: undefined, want: ['pg'] },
  { name: 'field name', q: 'fieldSelector=metadata.name%3Dweb-3', ns: undefined, want: ['web-3'] },
  { name: 'field namespace', q: 'fieldSelector=metadata.namespace%3Ddb', ns: undefined, want: ['pg'] },
  { name: 'field nodeName', q: 'fieldSelector=spec.nodeName%3Dnode-2', ns: undefined, want: ['pg'] },
  { name: 'field phase !=', q: 'fieldSelector=status.phase!%3DRunning', ns: undefined, want: ['pg'] },
  { name: 'unknown namespace is an empty list', q: '', ns: 'nowhere', want: [] },
];
for (const c of selectorCases) {
  test(`selector: ${c.name}`, async () => {
    const base = c.ns === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${c.ns}/pods`;
    const r = await call(server, 'GET', `${base}?${c.q}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r.json), c.want);
  });
}

// The real server defaults objects before storing them, so whatever the fake serves (seeded with
// `add` or created through POST) must carry those defaults.
interface DefaultsCase {
  readonly name: string;
  readonly kind: 'NetworkPolicy' | 'Pod';
  readonly object: (name: string) => Record<string, unknown>;
  /** Fields of the served object: a path and the value it must hold. */
  readonly want: readonly { readonly path: readonly (string | number)[]; readonly value: unknown }[];
}
const defaultsCases: DefaultsCase[] = [
  {
    name: 'no policyTypes, no egress: [Ingress]',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, ingress: [{}] }),
    want: [{ path: ['spec', 'policyTypes'], value: ['Ingress'] }],
  },
  {
    name: 'no policyTypes, an egress rule: [Ingress, Egress]',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, egress: [{}] }),
    want: [{ path: ['spec', 'policyTypes'], value: ['Ingress', 'Egress'] }],
  },
  {
    name: 'an empty policyTypes list is defaulted like an absent one',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, policyTypes: [], egress: [{ to: [] }] }),
    want: [{ path: ['spec', 'policyTypes'], value: ['Ingress', 'Egress'] }],
  },
  {
    name: 'an empty egress list adds no Egress',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, egress: [] }),
    want: [{ path: ['spec', 'policyTypes'], value: ['Ingress'] }],
  },
  {
    name: 'policyTypes written are kept',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }),
    want: [{ path: ['spec', 'policyTypes'], value: ['Egress'] }],
  },
  {
    name: 'an absent podSelector is served as {}',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { policyTypes: ['Ingress'] }),
    want: [{ path: ['spec', 'podSelector'], value: {} }],
  },
  {
    name: 'policy ports without a protocol get TCP, in ingress and egress',
    kind: 'NetworkPolicy',
    object: (n) =>
      policyObj('shop', n, {
        podSelector: {},
        ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }],
        egress: [{ ports: [{ port: 'dns' }] }, { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
      }),
    want: [
      { path: ['spec', 'ingress', 0, 'ports', 0, 'protocol'], value: 'TCP' },
      { path: ['spec', 'ingress', 0, 'ports', 1, 'protocol'], value: 'UDP' },
      { path: ['spec', 'egress', 0, 'ports', 0, 'protocol'], value: 'TCP' },
      { path: ['spec', 'egress', 1, 'ports'], value: undefined },
      { path: ['spec', 'policyTypes'], value: ['Ingress', 'Egress'] },
    ],
  },
  {
    name: 'a port with no port number still gets TCP',
    kind: 'NetworkPolicy',
    object: (n) => policyObj('shop', n, { podSelector: {}, ingress: [{ ports: [{}] }] }),
    want: [{ path: ['spec', 'ingress', 0, 'ports', 0], value: { protocol: 'TCP' } }],
  },
  {
    name: 'pod container ports without a protocol get TCP',
    kind: 'Pod',
    object: (n) => podObj('shop', n, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
    want: [
      { path: ['spec', 'containers', 0, 'ports', 0, 'protocol'], value: 'TCP' },
      { path: ['spec', 'containers', 0, 'ports', 1, 'protocol'], value: 'UDP' },
      { path: ['spec', 'containers', 0, 'ports', 0, 'hostPort'], value: undefined },
      { path: ['spec', 'restartPolicy'], value: 'Always' },
      { path: ['spec', 'dnsPolicy'], value: 'ClusterFirst' },
    ],
  },
  {
    name: 'init container ports too; with hostNetwork, hostPort = containerPort',
    kind: 'Pod',
    object: (n) => {
      const pod = podObj('shop', n, { hostNetwork: true, ports: [{ containerPort: 9100 }] });
      (pod['spec'] as Record<string, unknown>)['initContainers'] = [{ name: 'init', image: 'busybox', ports: [{ containerPort: 7000 }] }];
      return pod;
    },
    want: [
      { path: ['spec', 'containers', 0, 'ports', 0], value: { containerPort: 9100, protocol: 'TCP', hostPort: 9100 } },
      { path: ['spec', 'initContainers', 0, 'ports', 0], value: { containerPort: 7000, protocol: 'TCP', hostPort: 7000 } },
    ],
  },
];
const collection = { NetworkPolicy: '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', Pod: '/api/v1/namespaces/shop/pods' };
let defaultsSeq = 0;
for (const c of defaultsCases) {
  for (const how of ['seeded', 'created'] as const) {
    test(`served as the real server stores it (${how}): ${c.name}`, async () => {
      const name = `defaults-${++defaultsSeq}`;
      const obj = c.object(name);
      const sent = structuredClone(obj);
      if (how === 'seeded') server.add(obj);
      else assert.equal((await call(server, 'POST', collection[c.kind], { body: obj })).status, 201);
      try {
        assert.deepEqual(obj, sent, 'the caller\'s object is not changed');
        const one = await call(server, 'GET', `${collection[c.kind]}/${name}`);
        assert.equal(one.status, 200, one.text);
        const listed = await call(server, 'GET', `${collection[c.kind]}?fieldSelector=metadata.name%3D${name}`);
        const [item] = items(listed.json);
        for (const w of c.want) {
          assert.deepEqual(dig(one.json, ...w.path), w.value, `GET ${w.path.join('.')}`);
          assert.deepEqual(dig(item, ...w.path), w.value, `list ${w.path.join('.')}`);
        }
      } finally {
        server.remove(c.kind, 'shop', name);
      }
    });
  }
}

test('stored() gives every object as served, with kind and apiVersion, defaulted', () => {
  const all = server.stored();
  const policy = all.find((o) => o['kind'] === 'NetworkPolicy' && dig(o, 'metadata', 'name') === 'deny-all');
  assert.equal(dig(policy, 'apiVersion'), 'networking.k8s.io/v1');
  assert.deepEqual(dig(policy, 'spec', 'policyTypes'), ['Ingress']);
  const ns = all.find((o) => o['kind'] === 'Namespace' && dig(o, 'metadata', 'name') === 'shop');
  assert.equal(dig(ns, 'metadata', 'labels', 'kubernetes.io/metadata.name'), 'shop');
  assert.deepEqual(
    all.filter((o) => o['kind'] === 'Namespace').map((o) => dig(o, 'metadata', 'name')),
    ['db', 'shop'],
    'ordered by key',
  );
  const copy = all.find((o) => o['kind'] === 'Pod');
  (copy?.['metadata'] as Record<string, unknown>)['name'] = 'changed';
  assert.ok(!server.stored().some((o) => dig(o, 'metadata', 'name') === 'changed'), 'copies, not the stored objects');
});

interface ErrorCase {
  readonly name: string;
  readonly setup?: () => void;
  readonly method: string;
  readonly path: string;
  readonly token?: string | null;
  readonly body?: unknown;
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}
const errorCases: ErrorCase[] = [
  { name: 'no token', method: 'GET', path: '/api/v1/pods', token: null, code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
  { name: 'wrong token', method: 'GET', path: '/api', token: 'nope', code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
  { name: 'missing pod', method: 'GET', path: '/api/v1/namespaces/shop/pods/x', code: 404, reason: 'NotFound', message: 'pods "x" not found' },
  { name: 'missing namespace', method: 'GET', path: '/api/v1/namespaces/x', code: 404, reason: 'NotFound', message: 'namespaces "x" not found' },
  { name: 'missing node', method: 'GET', path: '/api/v1/nodes/x', code: 404, reason: 'NotFound', message: 'nodes "x" not found' },
  {
    name: 'missing policy', method: 'GET', path: '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/x',
    code: 404, reason: 'NotFound', message: 'networkpolicies.networking.k8s.io "x" not found',
  },
  { name: 'unknown path', method: 'GET', path: '/apis/apps/v1/deployments', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
  {
    name: 'forbidden namespaced list',
    setup: () => server.forbid({ verb: 'list', resource: 'networkpolicies', namespace: 'shop' }),
    method: 'GET', path: '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', code: 403, reason: 'Forbidden',
    message: 'networkpolicies.networking.k8s.io is forbidden: User "tester" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"',
  },
  {
    name: 'forbidden cluster list',
    setup: () => server.forbid({ verb: 'list', resource: 'pods', clusterScope: true }),
    method: 'GET', path: '/api/v1/pods', code: 403, reason: 'Forbidden',
    message: 'pods is forbidden: User "tester" cannot list resource "pods" in API group "" at the cluster scope',
  },
  {
    // A named Namespace is a request in that namespace (RequestInfo), so the message says so.
    name: 'forbidden get of a namespace',
    setup: () => server.forbid({ verb: 'get', resource: 'namespaces' }),
    method: 'GET', path: '/api/v1/namespaces/shop', code: 403, reason: 'Forbidden',
    message: 'namespaces "shop" is forbidden: User "tester" cannot get resource "namespaces" in API group "" in the namespace "shop"',
  },
  {
    name: 'forbidden get of a namespace status',
    setup: () => server.forbid({ verb: 'get', resource: 'namespaces/status', namespace: 'shop' }),
    method: 'GET', path: '/api/v1/namespaces/shop/status', code: 403, reason: 'Forbidden',
    message: 'namespaces "shop" is forbidden: User "tester" cannot get resource "namespaces/status" in API group "" in the namespace "shop"',
  },
  {
    name: 'forbidden list of namespaces',
    setup: () => server.forbid({ verb: 'list', resource: 'namespaces', clusterScope: true }),
    method: 'GET', path: '/api/v1/namespaces', code: 403, reason: 'Forbidden',
    message: 'namespaces is forbidden: User "tester" cannot list resource "namespaces" in API group "" at the cluster scope',
  },
  {
    name: 'forbidden get by name at the cluster scope',
    setup: () => server.forbid({ verb: 'get', resource: 'nodes', clusterScope: true }),
    method: 'GET', path: '/api/v1/nodes/node-1', code: 403, reason: 'Forbidden',
    message: 'nodes "node-1" is forbidden: User "tester" cannot get resource "nodes" in API group "" at the cluster scope',
  },
  { name: 'delete of a status subresource', method: 'DELETE', path: '/api/v1/namespaces/shop/status', code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' },
  {
    name: 'duplicate pod', method: 'POST', path: '/api/v1/namespaces/shop/pods',
    body: podObj('shop', 'web-1'), code: 409, reason: 'AlreadyExists', message: 'pods "web-1" already exists',
  },
  {
    name: 'pod in a missing namespace', method: 'POST', path: '/api/v1/namespaces/gone/pods',
    body: podObj('gone', 'p'), code: 404, reason: 'NotFound', message: 'namespaces "gone" not found',
  },
  { name: 'delete missing pod', method: 'DELETE', path: '/api/v1/namespaces/shop/pods/x', code: 404, reason: 'NotFound', message: 'pods "x" not found' },
  { name: 'bad field selector', method: 'GET', path: '/api/v1/pods?fieldSelector=spec.foo%3Dx', code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' },
];
for (const c of errorCases) {
  test(`Status error: ${c.name}`, async () => {
    c.setup?.();
    try {
      const r = await call(server, c.method, c.path, { ...(c.token !== undefined ? { token: c.token } : {}), body: c.body });
      assert.equal(r.status, c.code);
      const s = r.json as { kind: string; status: string; reason: string; message: string; code: number };
      assert.deepEqual([s.kind, s.status, s.reason, s.message, s.code], ['Status', 'Failure', c.reason, c.message, c.code]);
    } finally {
      server.allowAll();
    }
  });
}

test('a namespaced forbid does not forbid other namespaces', async () => {
  server.forbid({ verb: 'list', resource: 'pods', namespace: 'db' });
  try {
    assert.equal((await call(server, 'GET', '/api/v1/namespaces/shop/pods')).status, 200);
    assert.equal((await call(server, 'GET', '/api/v1/namespaces/db/pods')).status, 403);
  } finally {
    server.allowAll();
  }
});

// A user with RoleBindings only (cluster-scope requests denied) may still be allowed a named
// Namespace, which is authorized in its own namespace.
const namespaceScopeCases = [
  { name: 'cluster-scope denial', rule: { verb: '*', resource: '*', clusterScope: true }, want: { shop: 200, status: 200, db: 200, list: 403 } },
  { name: 'denial in db only', rule: { verb: 'get', resource: 'namespaces', namespace: 'db' }, want: { shop: 200, status: 200, db: 403, list: 200 } },
  { name: 'denial of get namespaces in shop', rule: { verb: 'get', resource: 'namespaces', namespace: 'shop' }, want: { shop: 403, status: 200, db: 200, list: 200 } },
];
for (const c of namespaceScopeCases) {
  test(`get of a namespace is authorized in that namespace: ${c.name}`, async () => {
    server.forbid(c.rule);
    try {
      const got = {
        shop: (await call(server, 'GET', '/api/v1/namespaces/shop')).status,
        status: (await call(server, 'GET', '/api/v1/namespaces/shop/status')).status,
        db: (await call(server, 'GET', '/api/v1/namespaces/db')).status,
        list: (await call(server, 'GET', '/api/v1/namespaces')).status,
      };
      assert.deepEqual(got, c.want);
    } finally {
      server.allowAll();
    }
  });
}

// Injected server failures: the Status bodies of apimachinery's NewInternalError and
// NewServiceUnavailable, on exactly the requests a rule covers, after authorization.
const INTERNAL = (cause: string) => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${cause}`,
  reason: 'InternalError', details: { causes: [{ message: cause }] }, code: 500,
});
const failureCases: { name: string; rules: FailureRule[]; forbid?: ForbidRule; method: string; path: string; body?: unknown; want: unknown }[] = [
  { name: '500 on a cluster-wide list', rules: [{ verb: 'list', resource: 'pods' }], method: 'GET', path: '/api/v1/pods', want: INTERNAL('etcdserver: request timed out') },
  { name: '500 on a namespaced get, with a cause', rules: [{ verb: 'get', resource: 'pods', namespace: 'shop', message: 'etcdserver: leader changed' }], method: 'GET', path: '/api/v1/namespaces/shop/pods/web-0', want: INTERNAL('etcdserver: leader changed') },
  {
    name: '500 on create: nothing is stored',
    rules: [{ verb: 'create', resource: 'pods', namespace: 'shop' }],
    method: 'POST', path: '/api/v1/namespaces/shop/pods', body: podObj('shop', 'never-stored'), want: INTERNAL('etcdserver: request timed out'),
  },
  { name: '500 on delete: nothing is deleted', rules: [{ verb: 'delete', resource: 'pods' }], method: 'DELETE', path: '/api/v1/namespaces/shop/pods/web-1', want: INTERNAL('etcdserver: request timed out') },
  {
    name: '503 on a policy list',
    rules: [{ verb: 'list', resource: 'networkpolicies', code: 503 }],
    method: 'GET', path: '/apis/networking.k8s.io/v1/networkpolicies',
    want: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 },
  },
  { name: 'a subresource fails on its own name', rules: [{ verb: 'get', resource: 'namespaces/status' }], method: 'GET', path: '/api/v1/namespaces/shop/status', want: INTERNAL('etcdserver: request timed out') },
  { name: 'a rule for another verb passes', rules: [{ verb: 'create', resource: 'pods' }], method: 'GET', path: '/api/v1/namespaces/shop/pods/web-0', want: 200 },
  { name: 'a rule for another namespace passes', rules: [{ verb: '*', resource: '*', namespace: 'db' }], method: 'GET', path: '/api/v1/namespaces/shop/pods', want: 200 },
  { name: 'a cluster-scope rule passes namespaced requests', rules: [{ verb: 'list', resource: 'pods', clusterScope: true }], method: 'GET', path: '/api/v1/namespaces/shop/pods', want: 200 },
  {
    name: 'a forbidden request is Forbidden, not failed: authorization comes first',
    rules: [{ verb: 'list', resource: 'pods' }],
    forbid: { verb: 'list', resource: 'pods', namespace: 'db' },
    method: 'GET', path: '/api/v1/namespaces/db/pods', want: 403,
  },
];
for (const c of failureCases) {
  test(`injected failure: ${c.name}`, async () => {
    for (const r of c.rules) server.fail(r);
    if (c.forbid) server.forbid(c.forbid);
    const podsBefore = server.stored().filter((o) => o['kind'] === 'Pod').length;
    try {
      const r = await call(server, c.method, c.path, { body: c.body });
      if (typeof c.want === 'number') assert.equal(r.status, c.want, r.text);
      else {
        assert.equal(r.status, (c.want as { code: number }).code);
        assert.equal(r.contentType, 'application/json');
        assert.deepEqual(r.json, c.want);
        assert.equal(server.stored().filter((o) => o['kind'] === 'Pod').length, podsBefore, 'the store is untouched');
      }
    } finally {
      server.stopFailing();
      server.allowAll();
    }
  });
}

test('injected failure with times: only the first N matching requests fail, then the same request succeeds', async () => {
  server.fail({ verb: 'get', resource: 'pods', namespace: 'shop', times: 2 });
  try {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call(server, 'GET', '/api/v1/namespaces/shop/pods/web-0')).status);
    const other = (await call(server, 'GET', '/api/v1/namespaces/db/pods/pg')).status;
    assert.deepEqual([...codes, other], [500, 500, 200, 200], 'a request the rule does not cover leaves its count alone');
    assert.deepEqual(server.requests(/\/pods\/(web-0|pg)$/).slice(-4).map((e) => e.status), [500, 500, 200, 200], 'the log records what was sent');
  } finally {
    server.stopFailing();
  }
});

test('stopFailing clears every injected failure', async () => {
  server.fail({ verb: '*', resource: '*' });
  assert.equal((await call(server, 'GET', '/api/v1/nodes/node-1')).status, 500);
  server.stopFailing();
  assert.equal((await call(server, 'GET', '/api/v1/nodes/node-1')).status, 200);
});

test('GET of a namespace status is the Namespace', async () => {
  const r = await call(server, 'GET', '/api/v1/namespaces/shop/status');
  assert.equal(r.status, 200, r.text);
  assert.equal(dig(r.json, 'kind'), 'Namespace');
  assert.equal(dig(r.json, 'metadata', 'labels', 'team'), 'a');
});

test('create with generateName, Pending, then Running after the configured polls, then delete', async () => {
  server.setPodStartup({ mode: 'run', afterPolls: 2 });
  const body = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'helper-' }, spec: { containers: [{ name: 'c', image: 'img' }] } };
  const created = await call(server, 'POST', '/api/v1/namespaces/shop/pods', { body });
  assert.equal(created.status, 201);
  const pod = created.json as { metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp: string }; status: { phase: string } };
  assert.match(pod.metadata.name, /^helper-[a-z0-9]{5}$/);
  assert.ok(pod.metadata.uid && pod.metadata.resourceVersion);
  assert.match(pod.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(pod.status.phase, 'Pending');
  assert.deepEqual(server.requests(/\/pods$/).at(-1)?.body, body);
  const phases: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await call(server, 'GET', `/api/v1/namespaces/shop/pods/${pod.metadata.name}`);
    phases.push((r.json as { status: { phase: string } }).status.phase);
  }
  assert.deepEqual(phases, ['Pending', 'Pending', 'Running']);
  const running = server.get('Pod', 'shop', pod.metadata.name) as { status: { containerStatuses: { ready: boolean }[]; podIP: string } };
  assert.equal(running.status.containerStatuses[0]?.ready, true);
  assert.match(running.status.podIP, /^10\.244\./);
  assert.equal((await call(server, 'DELETE', `/api/v1/namespaces/shop/pods/${pod.metadata.name}`)).status, 200);
  assert.equal((await call(server, 'GET', `/api/v1/namespaces/shop/pods/${pod.metadata.name}`)).status, 404);
});

test('image-pull-error mode: ErrImagePull then ImagePullBackOff, never Running', async () => {
  server.setPodStartup({ mode: 'image-pull-error' });
  try {
    const body = podObj('shop', 'bad-image');
    assert.equal((await call(server, 'POST', '/api/v1/namespaces/shop/pods', { body })).status, 201);
    const reasons: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(server, 'GET', '/api/v1/namespaces/shop/pods/bad-image');
      const st = (r.json as { status: { phase: string; containerStatuses: { state: { waiting: { reason: string } } }[] } }).status;
      assert.equal(st.phase, 'Pending');
      reasons.push(st.containerStatuses[0]?.state.waiting.reason ?? '');
    }
    assert.deepEqual(reasons, ['ErrImagePull', 'ErrImagePull', 'ImagePullBackOff', 'ImagePullBackOff']);
  } finally {
    server.remove('Pod', 'shop', 'bad-image');
    server.setPodStartup({ mode: 'run', afterPolls: 1 });
  }
});

test('setDelay with a method holds only that method on the path', async () => {
  server.setDelay(1000, /\/nodes\/node-1$/, 'DELETE');
  try {
    let deleted = false;
    const del = call(server, 'DELETE', '/api/v1/nodes/node-1').then((r) => ((deleted = true), r));
    const get = await call(server, 'GET', '/api/v1/nodes/node-1');
    assert.equal(get.status, 200);
    assert.equal(deleted, false, 'the DELETE is still held after the GET on the same path was answered');
    assert.equal((await del).status, 200);
  } finally {
    server.setDelay(0);
    server.add(nodeObj('node-1', '10.0.0.1'));
  }
});

test('setDelay delays responses', async () => {
  server.setDelay(300, /\/version/);
  try {
    const t0 = Date.now();
    await call(server, 'GET', '/version');
    assert.ok(Date.now() - t0 >= 280);
    const t1 = Date.now();
    await call(server, 'GET', '/api');
    assert.ok(Date.now() - t1 < 250);
  } finally {
    server.setDelay(0);
  }
});

interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: V1Status | null;
  readonly protocol: string;
}

async function clientExec(command: string[], stdin: Readable | null): Promise<ExecResult> {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath(dir));
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => outChunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  let status: V1Status | null = null;
  const ws = await new Exec(kc).exec('shop', 'web-0', 'main', command, out, err, stdin, false, (s) => {
    status = s;
  });
  await new Promise<void>((resolve) => ws.on('close', () => resolve()));
  return { stdout: Buffer.concat(outChunks).toString(), stderr: Buffer.concat(errChunks).toString(), status, protocol: ws.protocol };
}

const scripted: ExecHandler = async (req, io) => {
  let input = '';
  for await (const c of io.stdin) input += String(c);
  io.stdout.write(`argv=${req.command.join('|')} container=${req.container}\n`);
  io.stdout.write(input.toUpperCase());
  io.stderr.write('warn\n');
  return input.includes('fail') ? 3 : 0;
};

const execCases = [
  { name: 'v5, stdin EOF keeps the socket: output and exit 0', protocol: 'v5' as const, stdin: 'a\nb\n', wantOut: 'argv=sh|-c|x container=main\nA\nB\n', wantCode: 0 },
  { name: 'v5, non-zero exit code in the status causes', protocol: 'v5' as const, stdin: 'fail\n', wantOut: 'argv=sh|-c|x container=main\nFAIL\n', wantCode: 3 },
  { name: 'v4 without stdin: output and status arrive', protocol: 'v4' as const, stdin: null, wantOut: 'argv=sh|-c|x container=main\n', wantCode: 0 },
];
for (const c of execCases) {
  test(`exec through client-node: ${c.name}`, async () => {
    server.setExecHandler(scripted);
    server.setExecProtocol(c.protocol);
    const r = await clientExec(['sh', '-c', 'x'], c.stdin === null ? null : Readable.from([Buffer.from(c.stdin)]));
    assert.equal(r.protocol, `${c.protocol}.channel.k8s.io`);
    assert.equal(r.stdout, c.wantOut);
    assert.equal(r.stderr, 'warn\n');
    const st = r.status as V1Status | null;
    if (c.wantCode === 0) assert.equal(st?.status, 'Success');
    else {
      assert.equal(st?.status, 'Failure');
      assert.equal(st?.reason, 'NonZeroExitCode');
      assert.equal(st?.details?.causes?.find((x) => x.reason === 'ExitCode')?.message, String(c.wantCode));
    }
    const entry = server.requests(/\/exec$/).at(-1);
    assert.equal(entry?.status, 101);
    assert.deepEqual(entry?.query.getAll('command'), ['sh', '-c', 'x']);
  });
}

test('exec v4: stdin EOF closes the socket and loses the status (real v4 behaviour)', async () => {
  server.setExecHandler(scripted);
  server.setExecProtocol('v4');
  const r = await clientExec(['cat'], Readable.from([Buffer.from('x\n')]));
  assert.equal(r.status, null);
  server.setExecProtocol('v5');
});

const refusalCases = [
  { name: 'refused with 403', setup: () => server.refuseExec(403), pod: 'web-0', want: /Unexpected server response: 403/ },
  { name: 'without get pods/exec', setup: () => server.forbid({ verb: 'get', resource: 'pods/exec' }), pod: 'web-0', want: /Unexpected server response: 403/ },
  { name: 'without create pods/exec', setup: () => server.forbid({ verb: 'create', resource: 'pods/exec' }), pod: 'web-0', want: /Unexpected server response: 403/ },
  { name: 'refused with 404', setup: () => server.refuseExec(404), pod: 'web-0', want: /Unexpected server response: 404/ },
  { name: 'missing pod', setup: () => undefined, pod: 'nope', want: /Unexpected server response: 404/ },
  { name: 'pod not running', setup: () => undefined, pod: 'pg', want: /Unexpected server response: 400/ },
];
for (const c of refusalCases) {
  test(`exec upgrade ${c.name}`, async () => {
    c.setup();
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(server.kubeconfigPath(dir));
      const ns = c.pod === 'pg' ? 'db' : 'shop';
      await assert.rejects(new Exec(kc).exec(ns, c.pod, 'main', ['true'], null, null, null, false), (e: unknown) => {
        assert.match(String((e as { message?: unknown }).message), c.want);
        return true;
      });
    } finally {
      server.refuseExec(undefined);
      server.allowAll();
    }
  });
}

/** The HTTP status and body of an exec upgrade, read off the wire (client-node drops the body). */
function upgrade(pod: string): Promise<{ status: number; body: string }> {
  const url = `${server.url.replace(/^http/, 'ws')}/api/v1/namespaces/shop/pods/${pod}/exec?command=true&stdout=true&container=main`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io'], { ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` } });
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    ws.on('error', reject);
  });
}

// Exec over WebSocket is a GET: authorized as `get pods/exec`, then (newer servers) `create pods/exec`.
const execRbacCases: { name: string; rules: ForbidRule[]; want: number; message?: string }[] = [
  { name: 'no rule: upgraded', rules: [], want: 101 },
  {
    name: 'get denied',
    rules: [{ verb: 'get', resource: 'pods/exec', namespace: 'shop' }],
    want: 403,
    message: 'pods "web-0" is forbidden: User "tester" cannot get resource "pods/exec" in API group "" in the namespace "shop"',
  },
  {
    name: 'create denied',
    rules: [{ verb: 'create', resource: 'pods/exec' }],
    want: 403,
    message: 'pods "web-0" is forbidden: User "tester" cannot create resource "pods/exec" in API group "" in the namespace "shop"',
  },
  {
    name: 'both denied: get is checked first',
    rules: [{ verb: 'create', resource: 'pods/exec' }, { verb: 'get', resource: 'pods/exec' }],
    want: 403,
    message: 'pods "web-0" is forbidden: User "tester" cannot get resource "pods/exec" in API group "" in the namespace "shop"',
  },
  { name: 'a denial in another namespace', rules: [{ verb: '*', resource: 'pods/exec', namespace: 'db' }], want: 101 },
  { name: 'get and create pods (not the subresource) denied', rules: [{ verb: 'get', resource: 'pods' }, { verb: 'create', resource: 'pods' }], want: 101 },
];
for (const c of execRbacCases) {
  test(`exec authorization: ${c.name}`, async () => {
    server.setExecHandler(echoHandler(0));
    for (const r of c.rules) server.forbid(r);
    try {
      const got = await upgrade('web-0');
      assert.equal(got.status, c.want, got.body);
      assert.equal(server.requests(/\/exec$/).at(-1)?.status, c.want);
      if (c.message !== undefined) {
        const st = JSON.parse(got.body) as { kind: string; reason: string; message: string; code: number; details: unknown };
        assert.deepEqual([st.kind, st.reason, st.message, st.code], ['Status', 'Forbidden', c.message, 403]);
        assert.deepEqual(st.details, { name: 'web-0', kind: 'pods' });
      }
    } finally {
      server.allowAll();
    }
  });
}

test('real kubectl get pods -A -o json works against the fake', async () => {
  const k = server.kubeconfigPath(dir, { fileName: 'kubectl-config' });
  const { stdout } = await run('kubectl', ['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-A', '-o', 'json'], {
    encoding: 'utf8',
  });
  const list = JSON.parse(stdout) as { kind: string; items: { metadata: { namespace: string; name: string } }[] };
  assert.equal(list.kind, 'List');
  const got = list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
  assert.ok(got.includes('db/pg') && got.includes('shop/web-6'), got.join(','));
  const table = await run('kubectl', ['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-n', 'db'], { encoding: 'utf8' });
  assert.match(table.stdout, /^NAME\s+.*\npg\s/);
});
