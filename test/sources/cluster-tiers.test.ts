// The admin tiers' policies from the live cluster, at the source level: `load` lists them
// cluster-wide for every scope, in the same parallel batch as the other lists; no CRDs is a
// normal, silent case; Forbidden is one warning; a 5xx fails. The watch (apply-node --watch, the
// agent) lists and watches them where served, sees a changed ANP, and picks up CRDs (or RBAC)
// that arrive later.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster, type ClusterConnection } from '../../src/sources/cluster.js';
import type { ObjectSet } from '../../src/sources/objects.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { namespaceObj, podObj } from '../support/objects.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-tiers-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const TIER_PATH = /^\/apis\/policy\.networking\.k8s\.io\//;

function anp(name: string, priority: number): JsonObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }, ingress: [{ name: 'deny', action: 'Deny', from: [{ namespaces: {} }] }] },
  };
}
const banp: JsonObject = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' },
  spec: { subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }] },
};
const cnp: JsonObject = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'cnp' },
  spec: { tier: 'Baseline', priority: 3, subject: { namespaces: {} }, ingress: [{ action: 'Accept', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80 } } }] }] },
};

const tierNames = (set: ObjectSet): string[] => set.tierPolicies.map((t) => `${t.kind}/${t.name}`).sort();

async function withServer(opts: Parameters<typeof startApiServer>[0], body: (s: FakeApiServer, c: ClusterConnection) => Promise<void>): Promise<void> {
  const server = await startApiServer(opts);
  try {
    server.add(namespaceObj('shop'), podObj('shop', 'web', { ip: '10.1.0.5' }));
    const conn = await connectCluster({ kubeconfig: server.kubeconfigPath(dir, { fileName: `k-${Math.random()}` }) });
    await body(server, conn);
  } finally {
    await server.close();
  }
}

for (const scope of [{ namespaces: 'all', nodes: false }, { namespaces: ['shop'], nodes: false }] as const) {
  test(`load (${scope.namespaces === 'all' ? 'all namespaces' : '-n shop'}): the three kinds, cluster-wide, decoded, paged`, async () => {
    await withServer({ pageSizeCap: 2 }, async (server, conn) => {
      server.add(anp('a', 1), anp('b', 2), anp('c', 3), banp, cnp);
      const set = await conn.load(scope);
      assert.deepEqual(tierNames(set), [
        'AdminNetworkPolicy/a', 'AdminNetworkPolicy/b', 'AdminNetworkPolicy/c', 'BaselineAdminNetworkPolicy/default', 'ClusterNetworkPolicy/cnp',
      ]);
      assert.equal(set.tierPolicies.find((t) => t.name === 'cnp')?.tier, 'Baseline');
      assert.deepEqual(conn.warnings, []);
      const pages = server.requests(/adminnetworkpolicies$/).filter((e) => e.path.includes('/v1alpha1/adminnetworkpolicies'));
      assert.deepEqual(pages.map((e) => e.query.has('continue')), [false, true], 'three ANPs in pages of two');
      assert.ok(server.requests(TIER_PATH).every((e) => !e.path.includes('/namespaces/')), 'never namespaced');
    });
  });
}

test('load without the CRDs: no tier policies, no warning, one 404 per kind and nothing more', async () => {
  await withServer({ tierCrds: false }, async (server, conn) => {
    const set = await conn.load({ namespaces: 'all', nodes: false });
    assert.deepEqual(set.tierPolicies, []);
    assert.equal(set.pods.length, 1);
    assert.deepEqual(conn.warnings, []);
    assert.deepEqual(server.requests(TIER_PATH).map((e) => `${e.status ?? '?'} ${e.path}`).sort(), [
      '404 /apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies',
      '404 /apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies',
      '404 /apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies',
    ]);
  });
});

test('load, forbidden one kind: the others read, one warning naming it', async () => {
  await withServer({}, async (server, conn) => {
    server.add(anp('a', 1), banp, cnp);
    server.forbid({ verb: 'list', resource: 'adminnetworkpolicies' });
    const set = await conn.load({ namespaces: ['shop'], nodes: false });
    assert.deepEqual(tierNames(set), ['BaselineAdminNetworkPolicy/default', 'ClusterNetworkPolicy/cnp']);
    assert.deepEqual(conn.warnings, ['cannot list adminnetworkpolicies (policy.networking.k8s.io) cluster-wide (Forbidden): the answers leave out every AdminNetworkPolicy']);
  });
});

test('load, a 500 on a tier list: an error, as for any other list', async () => {
  await withServer({}, async (server, conn) => {
    server.fail({ verb: 'list', resource: 'clusternetworkpolicies' });
    await assert.rejects(conn.load({ namespaces: 'all', nodes: false }), {
      message: 'Error from server (InternalError): error when trying to list clusternetworkpolicies at the cluster scope: Internal error occurred: etcdserver: request timed out',
    });
  });
});

/** A started watch with its listener's record; `until` polls for a condition. */
async function watching(conn: ClusterConnection, probeMs = 100) {
  const problems: string[] = [];
  let changes = 0;
  const w = conn.watch({ onChange: () => changes++, onProblem: (t) => problems.push(t) }, { retryMs: 20, maxRetryMs: 100, watchSeconds: 30, probeMs });
  await w.start();
  const until = async (what: string, ok: () => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { w, problems, changes: () => changes, until };
}

test('watch: lists and watches the tier kinds; a changed, added and deleted ANP each reach the snapshot', async () => {
  await withServer({}, async (server, conn) => {
    server.add(anp('a', 1), cnp);
    const { w, problems, changes, until } = await watching(conn);
    try {
      assert.deepEqual(tierNames(w.objects()), ['AdminNetworkPolicy/a', 'ClusterNetworkPolicy/cnp']);
      await server.waitForWatch(/\/v1alpha1\/adminnetworkpolicies$/);
      await server.waitForWatch(/\/v1alpha2\/clusternetworkpolicies$/);
      const before = changes();
      server.patch('AdminNetworkPolicy', undefined, 'a', (o) => {
        (o['spec'] as JsonObject)['priority'] = 42;
      });
      await until('the new priority', () => w.objects().tierPolicies.find((t) => t.name === 'a')?.priority === 42);
      assert.ok(changes() > before);
      server.add(banp);
      await until('the BANP', () => tierNames(w.objects()).includes('BaselineAdminNetworkPolicy/default'));
      server.remove('AdminNetworkPolicy', undefined, 'a');
      await until('the ANP gone', () => !tierNames(w.objects()).includes('AdminNetworkPolicy/a'));
      assert.deepEqual(problems, []);
    } finally {
      w.stop();
    }
  });
});

test('watch without the CRDs: starts, says nothing, opens no watch on them', async () => {
  await withServer({ tierCrds: false }, async (server, conn) => {
    const { w, problems } = await watching(conn, 60_000);
    try {
      await server.waitForWatch(/\/api\/v1\/pods$/);
      assert.deepEqual(w.objects().tierPolicies, []);
      assert.equal(w.objects().pods.length, 1);
      assert.deepEqual(problems, []);
      assert.deepEqual(server.openWatches(TIER_PATH), []);
      assert.equal(server.requests(TIER_PATH).length, 3);
    } finally {
      w.stop();
    }
  });
});

test('watch, forbidden: one warning, then the ANPs once the user may list them', async () => {
  await withServer({}, async (server, conn) => {
    server.add(anp('a', 1));
    server.forbid({ verb: 'list', resource: 'adminnetworkpolicies' });
    const { w, problems, until } = await watching(conn);
    try {
      assert.deepEqual(w.objects().tierPolicies, []);
      await until('several probes', () => server.requests(/\/adminnetworkpolicies$/).length >= 3);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', /^cannot list adminnetworkpolicies \(policy\.networking\.k8s\.io\) cluster-wide \(Forbidden\): every AdminNetworkPolicy is left out/);
      server.allowAll();
      await until('the ANP', () => tierNames(w.objects()).includes('AdminNetworkPolicy/a'));
      await server.waitForWatch(/\/v1alpha1\/adminnetworkpolicies$/);
    } finally {
      w.stop();
    }
  });
});
