import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster, type ClusterConnection, type Need } from '../../src/sources/cluster.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import { namespaceObj, nodeObj, podObj, policyObj } from '../support/objects.js';

let server: FakeApiServer;
let dir: string;
let conn: ClusterConnection;

const mixedPolicy = policyObj('shop', 'mixed', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, namespaceSelector: {} },
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } },
      ],
      ports: [{ protocol: 'TCP', port: 8080, endPort: 8090 }, { port: 'http' }],
    },
    { from: [] },
    { ports: [{ protocol: 'UDP', port: 53 }] },
  ],
  egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
});

before(async () => {
  server = await startApiServer();
  dir = mkdtempSync(join(tmpdir(), 'cluster-source-test-'));
  server.add(
    namespaceObj('shop', { team: 'a' }),
    namespaceObj('db'),
    nodeObj('node-1', '192.168.1.10'),
    podObj('shop', 'web', { labels: { app: 'web' }, ip: '10.1.0.5', nodeName: 'node-1', ports: [{ name: 'http', containerPort: 8080 }] }),
    podObj('db', 'pg', { labels: { app: 'pg' }, ip: '10.1.0.6' }),
    podObj('ghost', 'orphan', { labels: { app: 'x' } }),
    mixedPolicy,
    policyObj('db', 'deny', { podSelector: {} }),
  );
  conn = await connectCluster({ kubeconfig: server.kubeconfigPath(dir, { namespace: 'shop' }) });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function listPaths(from: number): string[] {
  return server.log.slice(from).map((e) => `${e.method} ${e.path}${e.query.get('limit') !== null ? ` limit=${e.query.get('limit')}` : ''}`).sort();
}

/** Every load lists the admin tiers' kinds too, cluster-wide whatever the scope (cluster-tiers.test.ts). */
const TIER_REQUESTS = [
  'GET /apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies limit=500',
  'GET /apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies limit=500',
  'GET /apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies limit=500',
];

interface LoadCase {
  readonly name: string;
  readonly need: Need;
  readonly wantRequests: string[];
  readonly wantNamespaces: string[];
  readonly wantPods: string[];
  readonly wantPolicies: string[];
  readonly wantNodes: string[];
}
const loadCases: LoadCase[] = [
  {
    name: 'all namespaces: three cluster-wide lists',
    need: { namespaces: 'all', nodes: false },
    wantRequests: ['GET /api/v1/namespaces limit=500', 'GET /api/v1/pods limit=500', 'GET /apis/networking.k8s.io/v1/networkpolicies limit=500'],
    wantNamespaces: ['db', 'shop'],
    wantPods: ['db/pg', 'ghost/orphan', 'shop/web'],
    wantPolicies: ['db/deny', 'shop/mixed'],
    wantNodes: [],
  },
  {
    name: 'all namespaces and nodes',
    need: { namespaces: 'all', nodes: true },
    wantRequests: [
      'GET /api/v1/namespaces limit=500', 'GET /api/v1/nodes limit=500', 'GET /api/v1/pods limit=500',
      'GET /apis/networking.k8s.io/v1/networkpolicies limit=500',
    ],
    wantNamespaces: ['db', 'shop'],
    wantPods: ['db/pg', 'ghost/orphan', 'shop/web'],
    wantPolicies: ['db/deny', 'shop/mixed'],
    wantNodes: ['node-1'],
  },
  {
    name: 'named namespaces: a get and two namespaced lists each; a missing namespace is just absent',
    need: { namespaces: ['shop', 'ghost', 'shop'], nodes: false },
    wantRequests: [
      'GET /api/v1/namespaces/ghost', 'GET /api/v1/namespaces/ghost/pods limit=500', 'GET /api/v1/namespaces/shop',
      'GET /api/v1/namespaces/shop/pods limit=500', 'GET /apis/networking.k8s.io/v1/namespaces/ghost/networkpolicies limit=500',
      'GET /apis/networking.k8s.io/v1/namespaces/shop/networkpolicies limit=500',
    ],
    wantNamespaces: ['shop'],
    wantPods: ['ghost/orphan', 'shop/web'],
    wantPolicies: ['shop/mixed'],
    wantNodes: [],
  },
];
for (const c of loadCases) {
  test(`load: ${c.name}`, async () => {
    const from = server.log.length;
    const set = await conn.load(c.need);
    assert.deepEqual(listPaths(from), [...c.wantRequests, ...TIER_REQUESTS].sort());
    assert.deepEqual(set.namespaces.map((n) => n.name).sort(), c.wantNamespaces);
    assert.deepEqual(set.pods.map((p) => `${p.namespace}/${p.name}`).sort(), c.wantPods);
    assert.deepEqual(set.policies.map((p) => `${p.namespace}/${p.name}`).sort(), c.wantPolicies);
    assert.deepEqual(set.nodes.map((n) => n.name), c.wantNodes);
  });
}

test('load decodes pods, namespaces and nodes through the shared decoder', async () => {
  const set = await conn.load({ namespaces: 'all', nodes: true });
  const web = set.pods.find((p) => p.name === 'web');
  assert.deepEqual(web?.ips.map((i) => i.text), ['10.1.0.5']);
  assert.equal(web?.nodeName, 'node-1');
  assert.equal(web?.phase, 'Running');
  assert.deepEqual(web?.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(set.namespaces.find((n) => n.name === 'shop')?.labels, { team: 'a', 'kubernetes.io/metadata.name': 'shop' });
  assert.deepEqual(set.nodes[0]?.addresses.map((a) => `${a.type}=${a.ip.text}`), ['InternalIP=192.168.1.10']);
});

test('policies are read as wire JSON: from and ipBlock except kept, and absent vs empty peers', async () => {
  const set = await conn.load({ namespaces: ['shop'], nodes: false });
  const p = set.policies.find((x) => x.name === 'mixed');
  assert.ok(p);
  assert.deepEqual(p.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(p.ingress.map((r) => r.peersField), ['set', 'empty', 'absent']);
  const [sel, block] = p.ingress[0]?.peers ?? [];
  assert.equal(sel?.kind, 'selector');
  assert.deepEqual(sel?.kind === 'selector' ? sel.podSelector?.matchExpressions : undefined, [{ key: 'tier', operator: 'In', values: ['front'] }]);
  assert.ok(sel?.kind === 'selector' && sel.namespaceSelector !== undefined);
  assert.equal(block?.kind, 'ip-block');
  assert.deepEqual(block?.kind === 'ip-block' ? [block.cidr.text, ...block.except.map((e) => e.text)] : [], ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16']);
  assert.deepEqual(p.ingress[0]?.ports, [{ protocol: 'TCP', port: 8080, endPort: 8090 }, { protocol: 'TCP', port: 'http' }]);
  const egressBlock = p.egress[0]?.peers[0];
  assert.deepEqual(egressBlock?.kind === 'ip-block' ? egressBlock.except.map((e) => e.text) : [], ['169.254.169.254/32']);
});

test('paging: 1200 pods read across pages the server caps at 100', async () => {
  const big = await startApiServer({ pageSizeCap: 100 });
  try {
    big.add(namespaceObj('big'));
    for (let i = 0; i < 1200; i++) big.add(podObj('big', `p-${String(i).padStart(4, '0')}`, { ip: `10.9.${Math.floor(i / 250)}.${i % 250}` }));
    const c = await connectCluster({ kubeconfig: big.kubeconfigPath(dir, { fileName: 'big' }) });
    for (const need of [{ namespaces: 'all', nodes: false }, { namespaces: ['big'], nodes: false }] as const) {
      const from = big.log.length;
      const set = await c.load(need);
      assert.equal(set.pods.length, 1200);
      assert.equal(new Set(set.pods.map((p) => p.name)).size, 1200);
      const podPages = big.log.slice(from).filter((e) => e.path.endsWith('/pods'));
      assert.equal(podPages.length, 12);
      assert.ok(podPages.every((e) => e.query.get('limit') === '500'));
      assert.equal(podPages.filter((e) => e.query.get('continue') !== null).length, 11);
    }
  } finally {
    await big.close();
  }
});

const nameCases = [
  { kind: 'namespaces' as const, ns: undefined, want: ['db', 'shop'] },
  { kind: 'pods' as const, ns: undefined, want: ['orphan', 'pg', 'web'] },
  { kind: 'pods' as const, ns: 'db', want: ['pg'] },
  { kind: 'networkpolicies' as const, ns: 'shop', want: ['mixed'] },
  { kind: 'nodes' as const, ns: undefined, want: ['node-1'] },
];
for (const c of nameCases) {
  test(`listNames ${c.kind}${c.ns ? ` in ${c.ns}` : ''}`, async () => {
    assert.deepEqual(await conn.listNames(c.kind, c.ns), c.want);
  });
}

test('connection facts: server, context, default namespace from the context', () => {
  assert.equal(conn.server, server.url);
  assert.equal(conn.context, 'fake');
  assert.equal(conn.defaultNamespace, 'shop');
  assert.equal(conn.kubeConfig().getCurrentContext(), 'fake');
});
