// The admin tiers from the live cluster, through the real executable and the test API server:
// a cluster without their CRDs answers as before and says nothing; a user who may not list
// AdminNetworkPolicies gets one warning and the answer without them (the same as files without
// them); -n NS still applies the cluster-scoped ANPs that select NS's pods; ANPs over several
// pages are all read (the deciding one on the last page); a 5xx on a tier list is an error.
// The full files-vs-cluster comparison with an ANP, a BANP and a CNP is in cluster-parity.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../support/selectors.js';
import { fakeCluster, multiDir, tiersDir, wireObjects, type FakeCluster } from './cluster-fixtures.js';
import { netpol } from './run.js';

const TIER_PATH = /^\/apis\/policy\.networking\.k8s\.io\//;
const base = wireObjects([multiDir]);
const tiers = wireObjects([tiersDir]);

/** `objects` as one `kind: List` JSON file in the case's folder. */
function listFile(cluster: FakeCluster, name: string, objects: readonly JsonObject[]): string {
  const path = join(cluster.dir, name);
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return path;
}

test('a cluster without the CRDs: the same answers as the files, no word about them', async () => {
  const cluster = await fakeCluster(base, { tierCrds: false });
  try {
    for (const args of [['matrix', '-A', '--port', '8443', '-o', 'json'], ['can-reach', 'dev/api-0', 'payments/payments-1', '--port', 'https']]) {
      const [files, live] = await Promise.all([netpol([...args, '-f', multiDir]), netpol([...args, '--kubeconfig', cluster.kubeconfig])]);
      // Only the note on the Pending pod, the same from both sides: not a word about the CRDs.
      assert.equal(live.stderr, files.stderr);
      assert.doesNotMatch(live.stderr, /warning|policy\.networking/);
      assert.equal(live.code, files.code);
      assert.equal(live.stdout, files.stdout);
    }
    const tierCalls = cluster.server.requests(TIER_PATH);
    assert.equal(tierCalls.length, 6, 'three lists per command');
    assert.ok(tierCalls.every((e) => e.status === 404));
  } finally {
    await cluster.close();
  }
});

test('forbidden to list adminnetworkpolicies: one warning, and the answer without the ANPs', async () => {
  const cluster = await fakeCluster([...base, ...tiers]);
  try {
    cluster.server.forbid({ verb: 'list', resource: 'adminnetworkpolicies' });
    const withoutAnps = listFile(cluster, 'no-anps.json', tiers.filter((o) => o['kind'] !== 'AdminNetworkPolicy'));
    const args = ['can-reach', 'dev/api-0', 'payments/payments-1', '--port', 'https'];
    const [files, all, live] = await Promise.all([
      netpol([...args, '-f', multiDir, '-f', withoutAnps]),
      netpol([...args, '-f', multiDir, '-f', tiersDir]),
      netpol([...args, '--kubeconfig', cluster.kubeconfig]),
    ]);
    assert.equal(live.stderr, 'warning: cannot list adminnetworkpolicies (policy.networking.k8s.io) cluster-wide (Forbidden): the answers leave out every AdminNetworkPolicy\n');
    assert.equal(live.code, files.code);
    assert.equal(live.stdout, files.stdout);
    assert.match(all.stdout, /DENIED by AdminNetworkPolicy\/pci-lockdown/, 'with the ANPs the answer differs');
    assert.doesNotMatch(live.stdout, /(?<!Baseline)AdminNetworkPolicy\//);
    assert.match(live.stdout, /BaselineAdminNetworkPolicy\/default/, 'the BANP is still read');
  } finally {
    await cluster.close();
  }
});

test('-n NS reads the tier policies cluster-wide and applies an ANP selecting its pods', async () => {
  const cluster = await fakeCluster([...base, ...tiers]);
  try {
    const args = ['matrix', '-n', 'payments', '--port', '53/UDP', '--port', '8443', '-o', 'json'];
    const [without, withTiers, live] = await Promise.all([
      netpol([...args, '-f', multiDir]),
      netpol([...args, '-f', multiDir, '-f', tiersDir]),
      netpol([...args, '--kubeconfig', cluster.kubeconfig]),
    ]);
    assert.equal(live.stderr, '');
    assert.equal(live.stdout, withTiers.stdout);
    assert.notEqual(live.stdout, without.stdout, 'pci-lockdown changes the answer in payments');
    assert.deepEqual(
      cluster.server.requests(TIER_PATH).map((e) => e.path).sort(),
      [
        '/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies',
        '/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies',
        '/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies',
      ],
    );
    assert.ok(cluster.server.requests(/\/pods$/).every((e) => e.path === '/api/v1/namespaces/payments/pods'), 'the pods of payments only');
  } finally {
    await cluster.close();
  }
});

test('ANPs over several pages: every page read, the deciding ANP on the last one', async () => {
  const anp = (i: number, action: 'Allow' | 'Pass' | 'Deny'): JsonObject => ({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: `anp-${String(i).padStart(2, '0')}` },
    spec: {
      priority: 100 - i,
      subject: { namespaces: { matchLabels: { team: 'payments' } } },
      ingress: [{ name: `r${i}`, action, from: [{ namespaces: { matchLabels: { env: action === 'Deny' ? 'dev' : `nowhere-${i}` } } }] }],
    },
  });
  // Names sort anp-00 .. anp-10, so anp-10 (the only Deny, and the first by priority) is on the last page.
  const anps = [...Array.from({ length: 10 }, (_, i) => anp(i, i % 2 === 0 ? 'Allow' : 'Pass')), anp(10, 'Deny')];
  const cluster = await fakeCluster([...base, ...anps], { pageSizeCap: 3 });
  try {
    const args = ['can-reach', 'dev/api-0', 'payments/payments-1', '--port', 'https', '-o', 'json'];
    const [files, live] = await Promise.all([netpol([...args, '-f', multiDir, '-f', listFile(cluster, 'anps.json', anps)]), netpol([...args, '--kubeconfig', cluster.kubeconfig])]);
    assert.equal(live.stderr, '');
    assert.equal(live.code, 1);
    assert.equal(live.stdout, files.stdout);
    assert.match(live.stdout, /anp-10/);
    const pages = cluster.server.requests(/\/v1alpha1\/adminnetworkpolicies$/);
    assert.deepEqual(pages.map((e) => e.query.has('continue')), [false, true, true, true], '11 ANPs in pages of 3');
  } finally {
    await cluster.close();
  }
});

test('a 500 on a tier list is an error, as on any other list', async () => {
  const cluster = await fakeCluster(base);
  try {
    cluster.server.fail({ verb: 'list', resource: 'baselineadminnetworkpolicies', code: 503, message: 'the server is currently unable to handle the request' });
    const r = await netpol(['matrix', '-A', '--port', '80', '--kubeconfig', cluster.kubeconfig]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: Error from server (ServiceUnavailable): error when trying to list baselineadminnetworkpolicies at the cluster scope: the server is currently unable to handle the request\n');
  } finally {
    await cluster.close();
  }
});
