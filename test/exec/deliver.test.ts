/**
 * Delivery as a library, in-process against the test API server: one helper pod serves several
 * scripts, two deliveries in one process do not share state, and the caller's signals stop
 * (nothing new starts, the pod is deleted, a running script finishes) or cut (a running script's
 * exec ends at once) without touching the process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receivedScript, startApiServer, type ExecHandler } from '../support/apiserver.js';
import { connectCluster } from '../../src/sources/cluster.js';
import { apiErrorFor } from '../../src/sources/api-errors.js';
import { deliverScript, openHelperPod, StoppedError, type DeliveryClient, type HelperOptions } from '../../src/exec/deliver.js';

const server = await startApiServer({ objects: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
after(() => server.close());
const cluster = await connectCluster({ kubeconfig: server.kubeconfigPath(mkdtempSync(join(tmpdir(), 'knp-deliver-'))) }, {});
const client: DeliveryClient = { core: cluster.apis.core, kubeConfig: cluster.kubeConfig() };

/** Plays the node: the script up to the receiver's sentinel, answered by `answer`. */
function node(answer: (script: string) => Promise<{ code: number; out: string }>): ExecHandler {
  return async (req, io) => {
    const r = await answer((await receivedScript(req, io)).script);
    io.stdout.write(r.out);
    return r.code;
  };
}

function options(extra: Partial<HelperOptions> = {}): HelperOptions {
  return { node: 'node-a', namespace: 'kube-system', image: 'img', timeoutMs: 20_000, apiError: (err, action) => apiErrorFor(err, server.url, action), ...extra };
}

const helperPods = (): string[] => server.stored().filter((o) => o['kind'] === 'Pod').map((o) => String((o['metadata'] as { name: string }).name));

test('deliver: one helper pod runs several scripts in turn, then is deleted', async () => {
  server.setExecHandler(node(async (script) => ({ code: script.startsWith('fail') ? 3 : 0, out: `ran ${script.trim()}\n` })));
  const posts = server.requests(/\/pods$/).filter((r) => r.method === 'POST').length;
  const stages: string[] = [];
  const session = await openHelperPod(client, options({ onStage: (s) => stages.push(s) }));
  assert.equal(helperPods().length, 1);
  assert.deepEqual(await session.run('first'), { exitCode: 0, stdout: 'ran first\n', stderr: '' });
  assert.deepEqual(await session.run('fail second'), { exitCode: 3, stdout: 'ran fail second\n', stderr: '' });
  await session.close();
  await session.close();
  assert.deepEqual(helperPods(), []);
  assert.equal(server.requests(/\/pods$/).filter((r) => r.method === 'POST').length, posts + 1, 'one pod for both scripts');
  assert.deepEqual(stages, ['creating', 'waiting', 'running', 'running', 'deleting']);
  await assert.rejects(session.run('third'), /closed/);
});

test('deliver: two deliveries in one process, the second after the first was stopped', async () => {
  server.setExecHandler(node(async () => ({ code: 0, out: 'ok\n' })));
  const stopped = new AbortController();
  stopped.abort();
  await assert.rejects(deliverScript(client, { ...options({ stop: stopped.signal }), script: 'x' }), StoppedError);
  const r = await deliverScript(client, { ...options(), script: 'x' });
  assert.equal(r.exitCode, 0);
  assert.match(r.pod, /^kube-system\/netpol-helper-node-a-/);
  assert.deepEqual(helperPods(), []);
});

test('deliver: stop while the pod starts deletes it; stop while a script runs lets it finish', async () => {
  server.setPodStartup({ mode: 'manual' });
  const stop = new AbortController();
  const opening = openHelperPod(client, options({ stop: stop.signal }));
  for (let i = 0; i < 200 && helperPods().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(helperPods().length, 1);
  stop.abort();
  await assert.rejects(opening, StoppedError);
  assert.deepEqual(helperPods(), []);
  server.setPodStartup({ mode: 'run', afterPolls: 1 });

  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  server.setExecHandler(node(async () => (await held, { code: 0, out: 'finished\n' })));
  const stop2 = new AbortController();
  const execs = server.requests(/\/exec/).length;
  const delivery = deliverScript(client, { ...options({ stop: stop2.signal }), script: 'x' });
  for (let i = 0; i < 400 && server.requests(/\/exec/).length === execs; i++) await new Promise((r) => setTimeout(r, 25));
  stop2.abort();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(helperPods().length, 1, 'the pod running the script is not deleted under it');
  release();
  assert.equal((await delivery).stdout, 'finished\n');
  assert.deepEqual(helperPods(), []);
});

test('deliver: kill cuts a running script and says the node may be half configured', async () => {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  server.setExecHandler(node(async () => (await held, { code: 0, out: '' })));
  const kill = new AbortController();
  const execs = server.requests(/\/exec/).length;
  const delivery = deliverScript(client, { ...options({ kill: kill.signal }), script: 'x' });
  for (let i = 0; i < 400 && server.requests(/\/exec/).length === execs; i++) await new Promise((r) => setTimeout(r, 25));
  kill.abort();
  await assert.rejects(delivery, /stopped before it finished; the node may be left half configured/);
  assert.deepEqual(helperPods(), []);
  release();
});
