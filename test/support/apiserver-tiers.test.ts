// The fake serves the admin tiers' custom resources as kube-apiserver does with the
// network-policy-api CRDs installed (discovery, paged list, get, create, update, delete, watch,
// RBAC-style denials), and, started without them, answers exactly as for a resource nobody defined.
// The real kubectl is the judge of discovery: it must find `anp` through it, or not at all.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApiServer, type FakeApiServer } from './apiserver.js';
import { call, openStream } from './http-client.js';
import type { JsonObject } from './selectors.js';

const run = promisify(execFile);
const G = '/apis/policy.networking.k8s.io';
const ANPS = `${G}/v1alpha1/adminnetworkpolicies`;
let server: FakeApiServer;
let bare: FakeApiServer;
let dir: string;

function anp(name: string, priority: number): JsonObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] },
  };
}

before(async () => {
  [server, bare] = await Promise.all([startApiServer(), startApiServer({ tierCrds: false })]);
  dir = mkdtempSync(join(tmpdir(), 'fake-apiserver-tiers-'));
  for (let i = 0; i < 5; i++) server.add(anp(`anp-${i}`, 10 + i));
  server.add(
    { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: { subject: { namespaces: {} } } },
    { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'cnp-a' }, spec: { tier: 'Admin', priority: 5, subject: { namespaces: {} } } },
  );
});

after(async () => {
  await Promise.all([server.close(), bare.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const field = (j: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((cur, k) => (typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[k] : undefined), j);
const names = (j: unknown): string[] => ((field(j, 'items') as JsonObject[] | undefined) ?? []).map((i) => String(field(i, 'metadata', 'name')));

test('discovery: the group with both versions, v1alpha2 preferred; each version lists its kinds and their status', async () => {
  const groups = (await call(server, 'GET', '/apis')).json;
  const group = (field(groups, 'groups') as JsonObject[]).find((g) => g['name'] === 'policy.networking.k8s.io');
  assert.deepEqual(group, {
    name: 'policy.networking.k8s.io',
    versions: [{ groupVersion: 'policy.networking.k8s.io/v1alpha2', version: 'v1alpha2' }, { groupVersion: 'policy.networking.k8s.io/v1alpha1', version: 'v1alpha1' }],
    preferredVersion: { groupVersion: 'policy.networking.k8s.io/v1alpha2', version: 'v1alpha2' },
  });
  assert.deepEqual((await call(server, 'GET', G)).json, { kind: 'APIGroup', apiVersion: 'v1', ...group });
  const v1 = (await call(server, 'GET', `${G}/v1alpha1`)).json;
  assert.deepEqual((field(v1, 'resources') as JsonObject[]).map((r) => `${String(r['name'])} ${String(r['kind'])} namespaced=${String(r['namespaced'])}`), [
    'adminnetworkpolicies AdminNetworkPolicy namespaced=false',
    'adminnetworkpolicies/status AdminNetworkPolicy namespaced=false',
    'baselineadminnetworkpolicies BaselineAdminNetworkPolicy namespaced=false',
    'baselineadminnetworkpolicies/status BaselineAdminNetworkPolicy namespaced=false',
  ]);
  assert.deepEqual(field(v1, 'resources', 0, 'shortNames'), ['anp']);
  const v2 = (await call(server, 'GET', `${G}/v1alpha2`)).json;
  assert.deepEqual((field(v2, 'resources') as JsonObject[]).map((r) => r['name']), ['clusternetworkpolicies', 'clusternetworkpolicies/status']);
});

test('list: paged through continue tokens, items without kind, one resourceVersion', async () => {
  const first = await call(server, 'GET', `${ANPS}?limit=2`);
  assert.equal(first.status, 200);
  assert.equal(field(first.json, 'kind'), 'AdminNetworkPolicyList');
  assert.equal(field(first.json, 'apiVersion'), 'policy.networking.k8s.io/v1alpha1');
  assert.equal(field(first.json, 'items', 0, 'kind'), undefined);
  assert.equal(field(first.json, 'metadata', 'remainingItemCount'), 3);
  const seen = names(first.json);
  let cont = field(first.json, 'metadata', 'continue');
  while (typeof cont === 'string') {
    const page = await call(server, 'GET', `${ANPS}?limit=2&continue=${encodeURIComponent(cont)}`);
    assert.equal(field(page.json, 'metadata', 'resourceVersion'), field(first.json, 'metadata', 'resourceVersion'));
    seen.push(...names(page.json));
    cont = field(page.json, 'metadata', 'continue');
  }
  assert.deepEqual(seen, ['anp-0', 'anp-1', 'anp-2', 'anp-3', 'anp-4']);
  assert.deepEqual(names((await call(server, 'GET', `${G}/v1alpha2/clusternetworkpolicies`)).json), ['cnp-a']);
});

test('get, and the Status of a missing one', async () => {
  const got = await call(server, 'GET', `${ANPS}/anp-1`);
  assert.equal(field(got.json, 'kind'), 'AdminNetworkPolicy');
  assert.equal(field(got.json, 'metadata', 'generation'), 1);
  assert.equal(field(got.json, 'metadata', 'namespace'), undefined);
  const missing = await call(server, 'GET', `${ANPS}/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404,
    message: 'adminnetworkpolicies.policy.networking.k8s.io "nope" not found',
    details: { name: 'nope', group: 'policy.networking.k8s.io', kind: 'adminnetworkpolicies' },
  });
});

test('paths the CRDs do not define answer 404 like any unknown path', async () => {
  for (const path of [`${G}/v1alpha2/adminnetworkpolicies`, `${G}/v1alpha1/namespaces/shop/adminnetworkpolicies`, `${G}/v1/adminnetworkpolicies`]) {
    const r = await call(server, 'GET', path);
    assert.equal(r.status, 404, path);
    assert.equal(field(r.json, 'message'), 'the server could not find the requested resource', path);
  }
});

test('create, update (resourceVersion required and checked, generation on spec change, status kept), delete', async () => {
  const created = await call(server, 'POST', ANPS, { body: anp('made', 99) });
  assert.equal(created.status, 201);
  assert.equal(field(created.json, 'metadata', 'generation'), 1);
  assert.equal((await call(server, 'POST', ANPS, { body: anp('made', 99) })).status, 409);
  const stored = created.json as JsonObject;

  const unconditional = await call(server, 'PUT', `${ANPS}/made`, { body: anp('made', 98) });
  assert.equal(unconditional.status, 422);
  assert.equal(field(unconditional.json, 'message'), 'AdminNetworkPolicy.policy.networking.k8s.io "made" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  const stale = await call(server, 'PUT', `${ANPS}/made`, { body: { ...anp('made', 98), metadata: { name: 'made', resourceVersion: '1' } } });
  assert.equal(stale.status, 409);
  assert.match(String(field(stale.json, 'message')), /^Operation cannot be fulfilled on adminnetworkpolicies.policy.networking.k8s.io "made": the object has been modified/);
  const renamed = await call(server, 'PUT', `${ANPS}/made`, { body: { ...anp('other', 98) } });
  assert.equal(renamed.status, 400);

  const stream = await openStream(server, `${ANPS}?watch=true&resourceVersion=${String(field(stored, 'metadata', 'resourceVersion'))}`);
  const body = { ...anp('made', 98), metadata: { ...(stored['metadata'] as JsonObject) }, status: { conditions: [{ type: 'Ready' }] } };
  const updated = await call(server, 'PUT', `${ANPS}/made`, { body });
  assert.equal(updated.status, 200);
  assert.equal(field(updated.json, 'spec', 'priority'), 98);
  assert.equal(field(updated.json, 'metadata', 'generation'), 2);
  assert.equal(field(updated.json, 'metadata', 'uid'), field(stored, 'metadata', 'uid'));
  assert.equal(field(updated.json, 'status'), undefined, 'the main resource does not write status');
  const event = JSON.parse((await stream.nextLine()) ?? '{}') as unknown;
  assert.equal(field(event, 'type'), 'MODIFIED');
  assert.equal(field(event, 'object', 'kind'), 'AdminNetworkPolicy');
  assert.equal(field(event, 'object', 'spec', 'priority'), 98);

  const meta = (updated.json as JsonObject)['metadata'] as JsonObject;
  const st = await call(server, 'PUT', `${ANPS}/made/status`, { body: { ...anp('made', 1), metadata: meta, status: { conditions: [] } } });
  assert.equal(st.status, 200);
  assert.equal(field(st.json, 'spec', 'priority'), 98, 'the status subresource does not write spec');
  assert.deepEqual(field(st.json, 'status'), { conditions: [] });
  assert.equal(field(st.json, 'metadata', 'generation'), 2);

  assert.equal((await call(server, 'DELETE', `${ANPS}/made`)).status, 200);
  assert.equal(field(JSON.parse((await stream.nextLine()) ?? '{}'), 'type'), 'MODIFIED');
  assert.equal(field(JSON.parse((await stream.nextLine()) ?? '{}'), 'type'), 'DELETED');
  stream.close();
  assert.equal((await call(server, 'DELETE', `${ANPS}/made`)).status, 404);
  assert.equal((await call(server, 'PUT', `${ANPS}/made`, { body: { ...anp('made', 1), metadata: meta } })).status, 404);
});

test('RBAC: a denied list is a 403 naming the group, at the cluster scope', async () => {
  server.forbid({ verb: 'list', resource: 'adminnetworkpolicies' });
  try {
    const r = await call(server, 'GET', ANPS);
    assert.equal(r.status, 403);
    assert.equal(
      field(r.json, 'message'),
      'adminnetworkpolicies.policy.networking.k8s.io is forbidden: User "tester" cannot list resource "adminnetworkpolicies" in API group "policy.networking.k8s.io" at the cluster scope',
    );
    assert.equal((await call(server, 'GET', `${G}/v1alpha2/clusternetworkpolicies`)).status, 200, 'other kinds unaffected');
  } finally {
    server.allowAll();
  }
});

test('without the CRDs: no group in discovery, 404 for the group, its versions and every path; add refuses', async () => {
  const groups = (await call(bare, 'GET', '/apis')).json;
  assert.deepEqual((field(groups, 'groups') as JsonObject[]).map((g) => g['name']), ['networking.k8s.io']);
  for (const path of [G, `${G}/v1alpha1`, `${G}/v1alpha2`, ANPS, `${ANPS}/x`, `${G}/v1alpha1/baselineadminnetworkpolicies`, `${G}/v1alpha2/clusternetworkpolicies?watch=true`]) {
    const r = await call(bare, 'GET', path);
    assert.equal(r.status, 404, path);
    assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 }, path);
  }
  assert.equal((await call(bare, 'POST', ANPS, { body: anp('x', 1) })).status, 404);
  assert.throws(() => bare.add(anp('x', 1)), /not served/);
});

test('real kubectl finds the kinds by short name through discovery, and not on a server without the CRDs', async () => {
  const k = server.kubeconfigPath(dir, { fileName: 'kubectl-config' });
  const { stdout } = await run('kubectl', ['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), 'get', 'anp', '-o', 'name'], { encoding: 'utf8' });
  assert.match(stdout, /^adminnetworkpolicy\.policy\.networking\.k8s\.io\/anp-0\nadminnetworkpolicy\.policy\.networking\.k8s\.io\/anp-1\n/);
  const cnp = await run('kubectl', ['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), 'get', 'cnp', 'cnp-a', '-o', 'jsonpath={.spec.tier}'], { encoding: 'utf8' });
  assert.equal(cnp.stdout, 'Admin');
  const kb = bare.kubeconfigPath(dir, { fileName: 'kubectl-config-bare' });
  await assert.rejects(
    run('kubectl', ['--kubeconfig', kb, '--cache-dir', join(dir, 'cache-bare'), 'get', 'anp'], { encoding: 'utf8' }),
    (e: { stderr?: string }) => /the server doesn't have a resource type "anp"/.test(e.stderr ?? ''),
  );
});
