// apply-node --watch through the real executable against the test API server: it applies every
// node once, then after each change re-applies exactly the nodes whose rules changed (a new pod:
// its node only; a namespace relabelled: every node it affects; its own helper pods: none), keeps
// going after a dropped watch and after 410 Gone, retries a failed node without holding up the
// others, and on SIGTERM finishes, deletes its helper pods and exits 0. Packets are proven in
// test/lab/watch.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { receivedScript, startApiServer, type ExecHandler, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { renderStateScript } from '../../src/node/index.js';
import { stateText } from '../node/states.js';
import { plugin, repo } from './run.js';

let server: FakeApiServer;
let kubeconfig: string;
/** Every program a node received, in order (state reads aside). */
const received: { node: string; script: string }[] = [];
/** Every exec, state reads included. */
let execs = 0;
/** Nodes whose next program fails (once each entry). */
const failNext: string[] = [];

const ns = (name: string, labels: Record<string, string> = {}): JsonObject => ({ kind: 'Namespace', apiVersion: 'v1', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const node = (name: string): JsonObject => ({ kind: 'Node', apiVersion: 'v1', metadata: { name } });
function pod(namespace: string, name: string, nodeName: string, ip: string, labels: Record<string, string> = {}): JsonObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace, labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'img', ports: [{ containerPort: 80 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}
/** Isolates every pod of shop for ingress; admits port 80 from namespaces labelled team=frontend. */
const policy: JsonObject = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  metadata: { name: 'frontend-only', namespace: 'shop' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }], ports: [{ port: 80 }] }] },
};

function nodeOf(namespace: string, name: string): string {
  const p = server.get('Pod', namespace, name) as { spec?: { nodeName?: string } } | undefined;
  return p?.spec?.nodeName ?? '?';
}

const receiver: ExecHandler = async (req, io) => {
  const { script } = await receivedScript(req, io);
  execs++;
  // The node's state: nothing of ours, whatever was applied before (every program installs anew).
  if (script === renderStateScript()) {
    io.stdout.write(stateText());
    return 0;
  }
  const n = nodeOf(req.namespace, req.pod);
  const i = failNext.indexOf(n);
  if (i >= 0) {
    failNext.splice(i, 1);
    io.stdout.write('knp-report step=check result=ok\nknp-report family=4 step=test result=failed\n');
    io.stderr.write('knp: error: iptables-restore: line 3 failed\n');
    return 1;
  }
  received.push({ node: n, script });
  io.stdout.write('knp-report step=check result=ok\nknp-report family=4 step=commit result=ok\nknp-report result=done\n');
  return 0;
};

interface Watcher {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The JSON log lines so far. */
  lines(): Record<string, unknown>[];
  stderr(): string;
}

function startWatch(args: readonly string[]): Watcher {
  const debounce = args.includes('--debounce') ? [] : ['--debounce', '200ms'];
  const child = spawn(plugin, ['apply-node', ...args, '--watch', ...debounce, '--kubeconfig', kubeconfig], {
    env: { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const lines = (): Record<string, unknown>[] => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  current = { child, exited, lines, stderr: () => stderr };
  return current;
}

let current: Watcher | undefined;

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return;
  assert.fail(`timed out waiting for ${what}; the plugin said:\n${current?.stderr() ?? ''}`);
}

const appliedTo = (w: Watcher, n: string): number => w.lines().filter((l) => l['node'] === n && l['result'] === 'applied').length;

/** Waits until nothing has been applied for `quietMs`, and returns how many applies each node had. */
async function settle(w: Watcher, quietMs = 1500): Promise<Record<string, number>> {
  let count = -1;
  for (;;) {
    const now = execs;
    if (now === count) break;
    count = now;
    await new Promise((r) => setTimeout(r, quietMs));
  }
  return { 'node-a': appliedTo(w, 'node-a'), 'node-b': appliedTo(w, 'node-b') };
}

before(async () => {
  server = await startApiServer({
    objects: [
      ns('kube-system'),
      ns('shop'),
      ns('other'),
      node('node-a'),
      node('node-b'),
      pod('shop', 'web-0', 'node-a', '10.0.1.5', { app: 'web' }),
      pod('shop', 'db-0', 'node-b', '10.0.2.5', { app: 'db' }),
      pod('other', 'client', 'node-b', '10.0.2.9', { app: 'client' }),
      policy,
    ],
    execHandler: receiver,
  });
  kubeconfig = server.kubeconfigPath(mkdtempSync(join(tmpdir(), 'knp-watch-')));
});
after(async () => server.close());

test('apply-node --all --watch: applies each node once, then only the nodes a change affects; SIGTERM exits 0 with no helper pod left', async () => {
  received.length = 0;
  const w = startWatch(['--all', '-o', 'json']);
  try {
    await waitFor('both nodes applied', () => appliedTo(w, 'node-a') === 1 && appliedTo(w, 'node-b') === 1);
    assert.deepEqual(await settle(w), { 'node-a': 1, 'node-b': 1 }, 'its own helper pods change no rule set');
    assert.ok(w.lines().some((l) => l['watching'] !== undefined), w.stderr());

    // A new pod in the isolated namespace: node-a's rules change; node-b's peers (team=frontend) do not.
    server.add(pod('shop', 'web-1', 'node-a', '10.0.1.6', { app: 'web' }));
    await waitFor('node-a re-applied', () => appliedTo(w, 'node-a') === 2);
    assert.deepEqual(await settle(w), { 'node-a': 2, 'node-b': 1 });
    assert.match(received.filter((r) => r.node === 'node-a').at(-1)?.script ?? '', /10\.0\.1\.6/);

    // A namespace relabelled into the peers: every isolated pod admits it now, on both nodes.
    const other = server.get('Namespace', undefined, 'other') as { metadata: { labels: Record<string, string> } };
    server.replace({ ...other, metadata: { ...other.metadata, labels: { ...other.metadata.labels, team: 'frontend' } } } as JsonObject);
    await waitFor('both nodes re-applied', () => appliedTo(w, 'node-a') === 3 && appliedTo(w, 'node-b') === 2);
    assert.match(received.filter((r) => r.node === 'node-a').at(-1)?.script ?? '', /10\.0\.2\.9/);

    // The watch connections drop: the loop resumes from where it was and sees the next change.
    server.dropWatches();
    server.remove('Pod', 'shop', 'web-1');
    await waitFor('node-a re-applied after a dropped watch', () => appliedTo(w, 'node-a') === 4);
    assert.doesNotMatch(received.filter((r) => r.node === 'node-a').at(-1)?.script ?? '', /10\.0\.1\.6/);

    // History compacted while disconnected: 410 Gone, a relist, and the change is still seen.
    server.compact();
    server.dropWatches();
    server.remove('NetworkPolicy', 'shop', 'frontend-only');
    await waitFor('both nodes re-applied after 410', () => appliedTo(w, 'node-a') === 5 && appliedTo(w, 'node-b') === 3);
    // No policy left: nothing to enforce, and (as this node tells) nothing of ours there, so no program runs.
    const last = w.lines().filter((l) => l['node'] === 'node-b' && l['result'] === 'applied').at(-1);
    assert.match(String(last?.['output']), /^IPv4: nothing to enforce and nothing of ours: left alone$/m);

    // The same, with 410 as the HTTP status of the watch request rather than an event in it.
    server.setWatchMode('http');
    server.compact();
    server.dropWatches();
    server.add(policy);
    await waitFor('both nodes re-applied after HTTP 410', () => appliedTo(w, 'node-a') === 6 && appliedTo(w, 'node-b') === 4);
    assert.match(received.filter((r) => r.node === 'node-b').at(-1)?.script ?? '', /10\.0\.2\.9/);
  } finally {
    server.setWatchMode('error-event');
    w.child.kill('SIGTERM');
  }
  assert.equal(await w.exited, 0, w.stderr());
  assert.deepEqual(server.stored().filter((o) => o['kind'] === 'Pod' && String((o['metadata'] as { name: string }).name).startsWith('netpol-helper')), []);
});

test('apply-node NODE --watch: a failed apply is retried with backoff and reported; the text log names each node applied', async () => {
  received.length = 0;
  failNext.push('node-b');
  const w = startWatch(['node-b']);
  try {
    await waitFor('node-b applied after a retry', () => /node node-b: applied: iptables backend: nft \(detected\); IPv4: chains \+\d+ -0, rules \+\d+ -0 /.test(w.stderr()));
    assert.match(w.stderr(), /node node-b: apply failed \(attempt 1; retrying in 1s\): IPv4 failed, the previous rules are untouched: knp: error: iptables-restore: line 3 failed/);
    assert.ok(received.every((r) => r.node === 'node-b'), 'only the named node is applied');
  } finally {
    w.child.kill('SIGINT');
  }
  assert.equal(await w.exited, 0, w.stderr());
});

test('apply-node --watch: a watch the server refuses is reported with what to grant, and retried until it works', async () => {
  received.length = 0;
  server.failWatches({ code: 403, match: /\/pods$/ });
  const w = startWatch(['node-a']);
  try {
    await waitFor('the refusal reported', () => /watch pods: Forbidden \(HTTP 403: is "watch" on pods allowed cluster-wide\? examples\/rbac\.yaml: kubectl-netpol-watcher\); retrying/.test(w.stderr()));
    server.failWatches(undefined);
    server.add(pod('shop', 'web-2', 'node-a', '10.0.1.7', { app: 'web' }));
    await waitFor('node-a applied with the new pod', () => /10\.0\.1\.7/.test(received.filter((r) => r.node === 'node-a').at(-1)?.script ?? ''));
  } finally {
    w.child.kill('SIGTERM');
    server.remove('Pod', 'shop', 'web-2');
  }
  assert.equal(await w.exited, 0, w.stderr());
});

test('apply-node --watch refuses what it cannot do, in one line, exit 2', async () => {
  for (const [args, message] of [
    [['--all', '--dry-run'], /--watch installs and keeps installing: it cannot be combined with --dry-run/],
    [['--all', '--cleanup'], /--watch keeps rules in place: it cannot be combined with --cleanup/],
    [['--all', '-o', 'yaml'], /not -o yaml/],
    [['--all', '--debounce', 'soon'], /--debounce "soon": expected a duration/],
  ] as const) {
    const w = startWatch(args);
    assert.equal(await w.exited, 2, w.stderr());
    assert.match(w.stderr(), message);
    assert.equal(w.stderr().trim().split('\n').length, 1, w.stderr());
  }
});
