// Watch on the fake API server, proved with the clients that use it: client-node 1.4.0's Watch and
// informer, the real kubectl, and raw HTTPS for the exact wire shapes.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, makeInformer, Watch, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { startApiServer, type FakeApiServer } from './apiserver.js';
import { call, openStream, type LineStream } from './http-client.js';
import { namespaceObj, nodeObj, podObj, policyObj } from './objects.js';
import type { JsonObject } from './selectors.js';

/** Generous: the machine is shared; nothing here measures time. */
const DEADLINE_MS = 20_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeCluster(): Promise<FakeApiServer> {
  const server = await startApiServer();
  server.add(namespaceObj('shop'), namespaceObj('db'), nodeObj('node-1', '10.0.0.1'));
  server.add(podObj('shop', 'web-0', { labels: { app: 'web' }, nodeName: 'node-1' }));
  server.add(podObj('shop', 'web-1', { labels: { app: 'web' }, nodeName: 'node-2' }));
  server.add(podObj('db', 'pg', { labels: { app: 'db' }, nodeName: 'node-1' }));
  cleanups.push(() => server.close());
  return server;
}

function kubeConfig(server: FakeApiServer): KubeConfig {
  const dir = mkdtempSync(join(tmpdir(), 'fake-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath(dir));
  return kc;
}

interface WatchEvent {
  readonly type: string;
  readonly object: JsonObject;
}

function meta(o: unknown): { name: string; namespace?: string; resourceVersion: string; labels?: Record<string, string> } {
  return (o as { metadata: { name: string; namespace?: string; resourceVersion: string } }).metadata;
}

function summary(e: WatchEvent): string {
  return `${e.type} ${meta(e.object).namespace ?? ''}/${meta(e.object).name}`;
}

async function openWatch(server: FakeApiServer, path: string): Promise<LineStream> {
  const s = await openStream(server, path);
  cleanups.push(() => s.close());
  return s;
}

async function nextEvent(s: LineStream): Promise<WatchEvent> {
  const line = await s.nextLine();
  assert.ok(line !== undefined, 'the watch ended early');
  return JSON.parse(line) as WatchEvent;
}

async function nextEvents(s: LineStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  while (out.length < n) out.push(await nextEvent(s));
  return out;
}

/** Resolves when `check` holds, re-checking on every `poke`; rejects after the deadline. */
function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

// ---- raw wire shapes ----

test('a watch is 200 application/json, chunked, one WatchEvent a line with kind and apiVersion', async () => {
  const server = await fakeCluster();
  const s = await openWatch(server, '/api/v1/namespaces/shop/pods?watch=true');
  assert.equal(s.status, 200);
  assert.equal(s.headers['content-type'], 'application/json');
  assert.equal(s.headers['transfer-encoding'], 'chunked');
  const initial = await nextEvents(s, 2);
  assert.deepEqual(initial.map(summary), ['ADDED shop/web-0', 'ADDED shop/web-1']);
  for (const e of initial) assert.deepEqual([e.object['kind'], e.object['apiVersion']], ['Pod', 'v1']);

  server.add(podObj('shop', 'web-2', { labels: { app: 'web' } }));
  server.add(podObj('db', 'other'));
  server.patch('Pod', 'shop', 'web-0', (p) => ((p['status'] as JsonObject)['phase'] = 'Failed'));
  server.remove('Pod', 'shop', 'web-1');
  const changes = await nextEvents(s, 3);
  assert.deepEqual(changes.map(summary), ['ADDED shop/web-2', 'MODIFIED shop/web-0', 'DELETED shop/web-1']);
  assert.equal((changes[1]?.object['status'] as JsonObject)['phase'], 'Failed');
  const rvs = changes.map((e) => Number(meta(e.object).resourceVersion));
  assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'resourceVersions rise');
  assert.equal(String(rvs[2]), server.resourceVersion(), 'the DELETED object carries the deletion version');
});

const resourceCases = [
  { name: 'pods, cluster-wide', path: '/api/v1/pods', obj: podObj('db', 'new-pod'), kind: 'Pod', apiVersion: 'v1' },
  { name: 'pods, namespaced', path: '/api/v1/namespaces/db/pods', obj: podObj('db', 'new-pod'), kind: 'Pod', apiVersion: 'v1' },
  { name: 'namespaces', path: '/api/v1/namespaces', obj: namespaceObj('new-ns'), kind: 'Namespace', apiVersion: 'v1' },
  { name: 'nodes', path: '/api/v1/nodes', obj: nodeObj('node-9', '10.0.0.9'), kind: 'Node', apiVersion: 'v1' },
  {
    name: 'networkpolicies, cluster-wide', path: '/apis/networking.k8s.io/v1/networkpolicies',
    obj: policyObj('db', 'deny', { podSelector: {} }), kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1',
  },
  {
    name: 'networkpolicies, namespaced', path: '/apis/networking.k8s.io/v1/namespaces/db/networkpolicies',
    obj: policyObj('db', 'deny', { podSelector: {} }), kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1',
  },
];
for (const c of resourceCases) {
  test(`watch from the list's version sees the next change: ${c.name}`, async () => {
    const server = await fakeCluster();
    const list = await call(server, 'GET', c.path);
    const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const s = await openWatch(server, `${c.path}?watch=1&resourceVersion=${rv}`);
    assert.equal(s.status, 200);
    server.add(c.obj);
    const e = await nextEvent(s);
    assert.equal(e.type, 'ADDED');
    assert.deepEqual([e.object['kind'], e.object['apiVersion'], meta(e.object).name], [c.kind, c.apiVersion, meta(c.obj).name]);
  });
}

test('list then watch from its resourceVersion: every later change once, nothing earlier', async () => {
  const server = await fakeCluster();
  server.add(podObj('shop', 'before'));
  const list = await call(server, 'GET', '/api/v1/pods');
  const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  assert.equal(rv, server.resourceVersion());
  // Changes made between the list and the watch are replayed from history.
  server.relabel('Pod', 'shop', 'before', { seen: 'yes' });
  server.add(podObj('db', 'after'));
  const s = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
  server.remove('Pod', 'db', 'after');
  const events = await nextEvents(s, 3);
  assert.deepEqual(events.map(summary), ['MODIFIED shop/before', 'ADDED db/after', 'DELETED db/after']);
  assert.ok(events.every((e) => Number(meta(e.object).resourceVersion) > Number(rv)));
});

test('resourceVersion "0" starts with a synthetic ADDED for every object, then changes', async () => {
  const server = await fakeCluster();
  const s = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=0');
  const initial = await nextEvents(s, 3);
  assert.deepEqual(initial.map(summary), ['ADDED db/pg', 'ADDED shop/web-0', 'ADDED shop/web-1']);
  server.remove('Pod', 'db', 'pg');
  assert.equal(summary(await nextEvent(s)), 'DELETED db/pg');
});

test('changes through the API reach watches: create, the pod starting, delete', async () => {
  const server = await fakeCluster();
  const s = await openWatch(server, `/api/v1/namespaces/db/pods?watch=true&resourceVersion=${server.resourceVersion()}`);
  const created = await call(server, 'POST', '/api/v1/namespaces/db/pods', { body: podObj('db', 'helper') });
  assert.equal(created.status, 201);
  await call(server, 'GET', '/api/v1/namespaces/db/pods/helper');
  await call(server, 'GET', '/api/v1/namespaces/db/pods/helper');
  const deleted = await call(server, 'DELETE', '/api/v1/namespaces/db/pods/helper');
  const events = await nextEvents(s, 3);
  assert.deepEqual(events.map((e) => `${e.type} ${String((e.object['status'] as JsonObject)['phase'])}`), [
    'ADDED Pending',
    'MODIFIED Running',
    'DELETED Running',
  ]);
  assert.equal(meta(events[2]?.object).resourceVersion, meta(deleted.json).resourceVersion, 'DELETE answers with the deletion version');
});

const selectorCases = [
  {
    name: 'labelSelector: relabelled out is DELETED, back in is ADDED',
    query: 'labelSelector=app%3Dweb',
    change: (s: FakeApiServer) => {
      s.relabel('Pod', 'shop', 'web-0', { app: 'api' });
      s.relabel('Pod', 'shop', 'web-0', { app: 'web' });
      s.relabel('Pod', 'db', 'pg', { tier: 'x' });
      s.relabel('Pod', 'shop', 'web-1', { tier: 'x' });
    },
    want: ['DELETED shop/web-0 app=web', 'ADDED shop/web-0 app=web', 'MODIFIED shop/web-1 app=web'],
  },
  {
    name: 'fieldSelector spec.nodeName',
    query: 'fieldSelector=spec.nodeName%3Dnode-1',
    change: (s: FakeApiServer) => {
      s.patch('Pod', 'shop', 'web-0', (p) => ((p['spec'] as JsonObject)['nodeName'] = 'node-2'));
      s.remove('Pod', 'shop', 'web-1');
      s.remove('Pod', 'db', 'pg');
    },
    want: ['DELETED shop/web-0 app=web', 'DELETED db/pg app=db'],
  },
];
for (const c of selectorCases) {
  test(`selector on a watch: ${c.name}`, async () => {
    const server = await fakeCluster();
    const rv = server.resourceVersion();
    const s = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${rv}&${c.query}`);
    c.change(server);
    const events = await nextEvents(s, c.want.length);
    assert.deepEqual(events.map((e) => `${summary(e)} app=${meta(e.object).labels?.['app'] ?? ''}`), c.want);
    const gone = events.find((e) => e.type === 'DELETED');
    assert.ok(gone && Number(meta(gone.object).resourceVersion) > Number(rv), 'a DELETED carries the version of the change');
  });
}

test('a watch from a compacted resourceVersion: 200 and one ERROR event with 410 Expired, then the end', async () => {
  const server = await fakeCluster();
  const old = server.resourceVersion();
  server.add(podObj('db', 'later'));
  const compacted = server.compact();
  const s = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${old}`);
  assert.equal(s.status, 200);
  assert.deepEqual(await nextEvent(s), {
    type: 'ERROR',
    object: {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: `too old resource version: ${old} (${compacted})`, reason: 'Expired', code: 410,
    },
  });
  assert.equal(await s.nextLine(), undefined);
  assert.equal(await s.finished, 'end');
  // From the compacted version itself nothing is missing, so that watch is served.
  const fresh = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${compacted}`);
  server.remove('Pod', 'db', 'later');
  assert.equal(summary(await nextEvent(fresh)), 'DELETED db/later');
});

test('setWatchMode("http"): a watch from a compacted resourceVersion is HTTP 410 with the Status', async () => {
  const server = await fakeCluster();
  const old = server.resourceVersion();
  server.add(podObj('db', 'later'));
  server.compact();
  server.setWatchMode('http');
  const r = await call(server, 'GET', `/api/v1/pods?watch=true&resourceVersion=${old}`);
  assert.equal(r.status, 410);
  assert.equal(r.contentType, 'application/json');
  const st = r.json as { kind: string; reason: string; code: number; message: string };
  assert.deepEqual([st.kind, st.reason, st.code], ['Status', 'Expired', 410]);
  assert.match(st.message, /^too old resource version: \d+ \(\d+\)$/);
});

const refusedCases = [
  {
    name: 'forbidden to watch (list allowed)',
    setup: (s: FakeApiServer) => s.forbid({ verb: 'watch', resource: 'pods' }),
    status: 403,
    message: 'pods is forbidden: User "tester" cannot watch resource "pods" in API group "" in the namespace "shop"',
  },
  {
    name: 'failWatches 500 as HTTP',
    setup: (s: FakeApiServer) => s.failWatches({ code: 500 }),
    status: 500,
    message: 'Internal error occurred: etcdserver: request timed out',
  },
  {
    name: 'a bad label selector',
    setup: () => undefined,
    query: '&labelSelector=a%20in%20b',
    status: 400,
    message: 'unable to parse requirement: a in b',
  },
];
for (const c of refusedCases) {
  test(`watch refused: ${c.name}`, async () => {
    const server = await fakeCluster();
    c.setup(server);
    const r = await call(server, 'GET', `/api/v1/namespaces/shop/pods?watch=true${c.query ?? ''}`);
    assert.equal(r.status, c.status, r.text);
    assert.equal((r.json as { message: string }).message, c.message);
    const listed = await call(server, 'GET', `/api/v1/namespaces/shop/pods`);
    assert.equal(listed.status, 200, 'a list is still served');
  });
}

test('failWatches as an ERROR event: 200, the Status in the stream, then the end', async () => {
  const server = await fakeCluster();
  server.failWatches({ code: 500, delivery: 'error-event', match: /\/pods$/ });
  const ns = await openWatch(server, '/api/v1/namespaces?watch=true');
  assert.equal((await nextEvent(ns)).type, 'ADDED', 'a watch the match leaves out is served');
  const s = await openWatch(server, '/api/v1/pods?watch=true');
  const e = await nextEvent(s);
  assert.deepEqual([e.type, e.object['code'], e.object['reason']], ['ERROR', 500, 'InternalError']);
  assert.equal(await s.finished, 'end');
});

test('timeoutSeconds ends the stream cleanly', async () => {
  const server = await fakeCluster();
  const s = await openWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${server.resourceVersion()}&timeoutSeconds=1`);
  assert.equal(await s.finished, 'end');
  assert.equal(await s.nextLine(), undefined);
  assert.equal(server.openWatches().length, 0);
});

test('allowWatchBookmarks: BOOKMARK events carry only kind, apiVersion and the resourceVersion', async () => {
  const server = await fakeCluster();
  server.setBookmarkInterval(50);
  const s = await openWatch(server, `/apis/networking.k8s.io/v1/networkpolicies?watch=true&resourceVersion=${server.resourceVersion()}&allowWatchBookmarks=true`);
  server.add(namespaceObj('unrelated'));
  const e = await nextEvent(s);
  assert.deepEqual(e, {
    type: 'BOOKMARK',
    object: { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', metadata: { resourceVersion: server.resourceVersion() } },
  });
});

test('dropWatches cuts open streams mid-body; the request log has the watch with its query', async () => {
  const server = await fakeCluster();
  const pods = await openWatch(server, '/api/v1/pods?watch=true');
  const nodes = await openWatch(server, '/api/v1/nodes?watch=true');
  await nextEvent(pods);
  await nextEvent(nodes);
  assert.equal(server.dropWatches(/\/pods$/), 1);
  assert.equal(await pods.finished, 'aborted');
  assert.deepEqual(server.openWatches().map((e) => e.path), ['/api/v1/nodes']);
  const logged = server.requests(/^\/api\/v1\/pods$/);
  assert.deepEqual(logged.map((e) => [e.method, e.query.get('watch'), e.status]), [['GET', 'true', 200]]);
});

test('close() finishes with watches open', async () => {
  const server = await startApiServer();
  const s = await openStream(server, '/api/v1/pods?watch=true');
  await server.close();
  assert.equal(await s.finished, 'aborted');
});

test('a paged list is one snapshot: later pages are served as of the first page; after a compaction 410', async () => {
  const server = await fakeCluster();
  const first = await call(server, 'GET', '/api/v1/pods?limit=1');
  const token = (first.json as { metadata: { continue: string } }).metadata.continue;
  server.remove('Pod', 'shop', 'web-1');
  server.relabel('Pod', 'shop', 'web-0', { app: 'changed' });
  server.add(podObj('shop', 'web-9'));
  const rest = await call(server, 'GET', `/api/v1/pods?limit=10&continue=${encodeURIComponent(token)}`);
  const items = (rest.json as { items: JsonObject[] }).items;
  assert.deepEqual(items.map((i) => `${meta(i).name} ${meta(i).labels?.['app'] ?? ''}`), ['web-0 web', 'web-1 web']);
  server.compact();
  const expired = await call(server, 'GET', `/api/v1/pods?limit=10&continue=${encodeURIComponent(token)}`);
  assert.equal(expired.status, 410);
  const st = expired.json as { reason: string; message: string };
  assert.equal(st.reason, 'Expired');
  assert.match(st.message, /^The provided continue parameter is too old to display a consistent list result\./);
});

// ---- client-node 1.4.0 Watch ----

interface WatchRun {
  readonly events: string[];
  readonly errorObjects: JsonObject[];
  readonly done: Promise<(Error & { statusCode?: number }) | null>;
  readonly controller: Promise<AbortController>;
}

function clientWatch(kc: KubeConfig, path: string, query: Record<string, string>): WatchRun {
  const events: string[] = [];
  const errorObjects: JsonObject[] = [];
  let settle: (e: (Error & { statusCode?: number }) | null) => void = () => undefined;
  const done = new Promise<(Error & { statusCode?: number }) | null>((resolve) => (settle = resolve));
  const controller = new Watch(kc).watch(
    path,
    query,
    (type: string, obj: JsonObject) => {
      if (type === 'ERROR') errorObjects.push(obj);
      else events.push(`${type} ${meta(obj).name}`);
    },
    (err: unknown) => settle(err === null || err === undefined ? null : (err as Error & { statusCode?: number })),
  );
  cleanups.push(async () => (await controller).abort());
  return { events, errorObjects, done, controller };
}

test('client-node Watch: ADDED, MODIFIED and DELETED after changes, filtered by labelSelector', async () => {
  const server = await fakeCluster();
  const w = clientWatch(kubeConfig(server), '/api/v1/namespaces/shop/pods', { resourceVersion: server.resourceVersion(), labelSelector: 'app=web' });
  await server.waitForWatch(/\/namespaces\/shop\/pods$/);
  server.add(podObj('shop', 'web-2', { labels: { app: 'web' } }), podObj('shop', 'cache', { labels: { app: 'cache' } }));
  server.relabel('Pod', 'shop', 'web-0', { version: '2' });
  server.remove('Pod', 'shop', 'web-1');
  await eventually('three events', () => w.events.length >= 3);
  assert.deepEqual(w.events, ['ADDED web-2', 'MODIFIED web-0', 'DELETED web-1']);
});

const expiredClientCases = [
  { mode: 'error-event' as const, wantDone: null, wantErrorEvent: 410 },
  { mode: 'http' as const, wantDone: 410, wantErrorEvent: undefined },
];
for (const c of expiredClientCases) {
  test(`client-node Watch after a compaction, 410 as ${c.mode}: ${c.mode === 'http' ? 'done(err) with statusCode 410' : 'the ERROR event, then done(null)'}`, async () => {
    const server = await fakeCluster();
    const old = server.resourceVersion();
    server.add(podObj('shop', 'later'));
    server.compact();
    server.setWatchMode(c.mode);
    const w = clientWatch(kubeConfig(server), '/api/v1/pods', { resourceVersion: old });
    const err = await w.done;
    assert.equal(err === null ? null : err.statusCode, c.wantDone);
    assert.equal(w.errorObjects[0]?.['code'], c.wantErrorEvent);
    assert.deepEqual(w.events, []);
  });
}

// ---- client-node 1.4.0 informer (ListWatch) ----

interface InformerRun {
  readonly events: string[];
  readonly errors: unknown[];
  readonly informer: ReturnType<typeof makeInformer<V1Pod>>;
}

async function podInformer(server: FakeApiServer): Promise<InformerRun> {
  const kc = kubeConfig(server);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  const events: string[] = [];
  const errors: unknown[] = [];
  const note = (verb: string) => (o: KubernetesObject) => events.push(`${verb} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
  informer.on('add', note('add'));
  informer.on('update', note('update'));
  informer.on('delete', note('delete'));
  informer.on('error', (e: unknown) => errors.push(e));
  cleanups.push(() => informer.stop());
  await informer.start();
  await server.waitForWatch(/^\/api\/v1\/pods$/);
  return { events, errors, informer };
}

test('informer: list, then watch from the list version; changes arrive as add, update, delete', async () => {
  const server = await fakeCluster();
  const run = await podInformer(server);
  assert.deepEqual(run.events, ['add db/pg', 'add shop/web-0', 'add shop/web-1']);
  const list = server.requests(/^\/api\/v1\/pods$/).filter((e) => e.query.get('watch') === null);
  const watch = server.openWatches(/^\/api\/v1\/pods$/)[0];
  assert.equal(list.length, 1);
  assert.equal(watch?.query.get('resourceVersion'), server.resourceVersion(), 'the watch starts at the list version');
  server.add(podObj('db', 'new'));
  server.relabel('Pod', 'shop', 'web-0', { x: 'y' });
  server.remove('Pod', 'shop', 'web-1');
  await eventually('three more events', () => run.events.length >= 6);
  assert.deepEqual(run.events.slice(3), ['add db/new', 'update shop/web-0', 'delete shop/web-1']);
});

test('informer: a dropped watch reports an error; start() resumes from the last version without a relist', async () => {
  const server = await fakeCluster();
  const run = await podInformer(server);
  server.add(podObj('db', 'seen'));
  await eventually('the add', () => run.events.includes('add db/seen'));
  const lastSeen = server.resourceVersion();
  server.dropWatches();
  await eventually('the error callback', () => run.errors.length > 0);
  server.add(podObj('db', 'while-away'));
  await run.informer.start();
  const resumed = await server.waitForWatch(/^\/api\/v1\/pods$/);
  assert.equal(resumed.query.get('resourceVersion'), lastSeen);
  await eventually('the change made while away', () => run.events.includes('add db/while-away'));
  assert.equal(server.requests(/^\/api\/v1\/pods$/).filter((e) => e.query.get('watch') === null).length, 1, 'no relist');
  assert.equal(run.events.filter((e) => e === 'add db/seen').length, 1, 'nothing doubled');
});

for (const mode of ['error-event', 'http'] as const) {
  test(`informer: after a compaction (410 as ${mode}) it relists and emits delete for what vanished`, async () => {
    const server = await fakeCluster();
    server.setWatchMode(mode);
    const run = await podInformer(server);
    server.dropWatches();
    await eventually('the error callback', () => run.errors.length > 0);
    server.remove('Pod', 'shop', 'web-1');
    server.add(podObj('db', 'fresh'));
    server.compact();
    await run.informer.start();
    await eventually('delete and add after the relist', () => run.events.includes('delete shop/web-1') && run.events.includes('add db/fresh'));
    await server.waitForWatch(/^\/api\/v1\/pods$/);
    assert.equal(server.requests(/^\/api\/v1\/pods$/).filter((e) => e.query.get('watch') === null).length, 2, 'one relist');
    const watches = server.requests(/^\/api\/v1\/pods$/).filter((e) => e.query.get('watch') === 'true');
    assert.deepEqual(watches.map((e) => e.status), [200, mode === 'http' ? 410 : 200, 200]);
    assert.equal(run.informer.list().length, 3);
  });
}

// ---- real kubectl ----

async function kubectlWatch(server: FakeApiServer, args: string[], change: () => void, want: RegExp): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-watch-kubectl-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const k = server.kubeconfigPath(dir);
  const child = spawn('kubectl', ['--kubeconfig', k, '--cache-dir', join(dir, 'cache'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  cleanups.push(async () => {
    child.kill();
    await exited;
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await server.waitForWatch(/\/pods$/);
  change();
  await eventually(`kubectl to print ${String(want)}`, () => want.test(out));
  return out;
}

test('real kubectl get pods -w prints a change made during the watch', async () => {
  const server = await fakeCluster();
  const out = await kubectlWatch(server, ['get', 'pods', '-n', 'shop', '-w', '--request-timeout=60s'], () => server.add(podObj('shop', 'late-pod')), /\nlate-pod\s/);
  assert.match(out, /^NAME\s+.*\nweb-0\s/);
  const watch = server.requests(/\/namespaces\/shop\/pods$/).find((e) => e.query.get('watch') === 'true');
  assert.match(watch?.query.get('resourceVersion') ?? '', /^\d+$/, 'kubectl watches from its list version');
});

test('real kubectl --watch-only prints only the change, not the objects listed first', async () => {
  const server = await fakeCluster();
  const out = await kubectlWatch(server, ['get', 'pods', '-A', '--watch-only', '-o', 'name'], () => server.add(podObj('db', 'late')), /pod\/late\n/);
  assert.equal(out, 'pod/late\n');
});

test('real kubectl -w --output-watch-events names the DELETED event', async () => {
  const server = await fakeCluster();
  const out = await kubectlWatch(
    server,
    ['get', 'pods', '-n', 'db', '-w', '--output-watch-events'],
    () => server.remove('Pod', 'db', 'pg'),
    /\nDELETED\s+pg\s/,
  );
  assert.match(out, /^EVENT\s+NAME\s+.*\nADDED\s+pg\s/);
});
