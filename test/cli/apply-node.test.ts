// apply-node through the real executable against the fake API server: the helper pod's spec, the
// scripts delivered over exec into that one pod (the state script, then the program computed from
// the state the node answered, equal to --dry-run --node-state's), cleanup of the pod on success,
// failure and Ctrl-C, and each delivery error as one line with exit 2. Packets are proven in test/lab/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { receivedScript, startApiServer, type ExecHandler, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { renderData } from '../../src/render/data.js';
import { renderStateScript } from '../../src/node/index.js';
import { stateText } from '../node/states.js';
import { example, netpol, plugin, repo } from './run.js';

let server: FakeApiServer;
let kubeconfig: string;
const received: { node: string; script: string }[] = [];

function exampleObjects(): JsonObject[] {
  return parseAllDocuments(readFileSync(example, 'utf8')).map((d) => d.toJS() as JsonObject).filter((o) => o !== null && ['Namespace', 'Pod', 'Node', 'NetworkPolicy'].includes(String(o['kind'])));
}

/** The node's state every fake node answers the state script with: both tables empty, no set of ours. */
const NODE_STATE = stateText();
/** What a program that went through prints. */
const DONE = ['step=check result=ok', 'step=sets result=ok', 'family=4 step=test result=ok', 'family=4 step=commit result=ok', 'result=done'].map((l) => `knp-report ${l}\n`).join('');

/**
 * Plays the node: reads stdin up to the sentinel the receiver command names, then "runs" it: the
 * state script answers `state`, a program `code`, `stdout` and `stderr` (by default, that it
 * went through).
 */
function receiver(code = 0, stdout = DONE, stderr = '', state = NODE_STATE): ExecHandler {
  return async (req, io) => {
    const { script } = await receivedScript(req, io);
    if (script === renderStateScript()) {
      io.stdout.write(state);
      return 0;
    }
    const pod = server.get('Pod', req.namespace, req.pod) as { spec?: { nodeName?: string } } | undefined;
    received.push({ node: pod?.spec?.nodeName ?? '?', script });
    io.stdout.write(stdout);
    io.stderr.write(stderr);
    return code;
  };
}

const helperPods = () => server.requests(/\/namespaces\/kube-system\/pods$/).filter((r) => r.method === 'POST' && r.status === 201);
/** Helper pods the server still holds, whoever made them. */
const leftPods = () => server.stored().filter((o) => o['kind'] === 'Pod' && String((o['metadata'] as JsonObject)['name']).startsWith('netpol-helper-'));
/** Helper pods deleted: DELETEs that found their pod (a 404 is the check after a create that failed). */
const deletedPods = () => server.requests(/\/pods\/netpol-helper/).filter((r) => r.method === 'DELETE' && r.status === 200).length;

before(async () => {
  server = await startApiServer({ objects: [...exampleObjects(), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  kubeconfig = server.kubeconfigPath(mkdtempSync(join(tmpdir(), 'knp-apply-')));
});
after(async () => server.close());

test('apply-node: creates a pinned privileged helper, reads the state and delivers exactly the --dry-run --node-state program through it, deletes the pod', async () => {
  server.setExecHandler(receiver());
  received.length = 0;
  const before = helperPods().length;
  const execs = server.requests(/\/exec$/).length;
  const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, ['iptables backend: nft (detected)', 'IPv4: chains +7 -0, rules +25 -0 (now 7 chains, 25 rules)', 'IPv6: nothing to enforce and nothing of ours: left alone', 'sets: +3 -0 (now 3 sets)', 'done'].map((l) => `node node-a: ${l}\n`).join(''));
  assert.equal(server.requests(/\/exec$/).length, execs + 2, 'two execs: the state script, then the program');
  const posts = helperPods().slice(before);
  assert.equal(posts.length, 1);
  const body = posts[0]?.body as { spec: Record<string, unknown> & { containers: { securityContext: { privileged: boolean } }[] } };
  assert.equal(body.spec['nodeName'], 'node-a');
  assert.equal(body.spec['hostNetwork'], true);
  assert.deepEqual(body.spec['tolerations'], [{ operator: 'Exists' }]);
  assert.equal(body.spec.containers[0]?.securityContext.privileged, true);
  const stateFile = join(mkdtempSync(join(tmpdir(), 'knp-state-')), 'state.txt');
  writeFileSync(stateFile, NODE_STATE);
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '--node-state', stateFile, '--kubeconfig', kubeconfig]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(received.length, 1);
  assert.equal(received[0]?.script, dry.stdout);
  const fromFiles = await netpol(['apply-node', 'node-a', '--dry-run', '--node-state', stateFile, '-f', example]);
  assert.equal(fromFiles.stdout, dry.stdout, 'the same program from files and from the cluster');
  assert.equal(server.requests(/\/pods\/netpol-helper-node-a-/).filter((x) => x.method === 'DELETE').length, 1);
});

test('apply-node: warnings reach the user on success', async () => {
  server.setExecHandler(receiver(0, DONE, '', stateText({ bridge: '0' })));
  const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^node node-a: knp: warning: IPv4: net\.bridge\.bridge-nf-call-iptables is 0: traffic between pods on the same node \(bridged\) is not filtered/m);
});

test('apply-node: works on the v4 exec protocol too (the sentinel, not stdin EOF, ends the script)', async () => {
  server.setExecProtocol('v4');
  server.setExecHandler(receiver());
  try {
    const r = await netpol(['apply-node', 'node-b', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^node node-b: done$/m);
  } finally {
    server.setExecProtocol('v5');
  }
});

interface ErrorCase {
  name: string;
  setup: () => void;
  args?: string[];
  stderr: RegExp;
}
const errorCases: ErrorCase[] = [
  {
    name: 'iptables-restore fails on the node',
    setup: () => server.setExecHandler(receiver(1, 'knp-report step=check result=ok\nknp-report family=4 step=test result=failed\n', 'knp: error: IPv4 test: iptables-nft-restore -w 10 --noflush --test failed: iptables-restore: line 7 failed\n')),
    stderr: /^error: node node-a: IPv4 failed, the previous rules are untouched: knp: error: IPv4 test: iptables-nft-restore -w 10 --noflush --test failed: iptables-restore: line 7 failed\n$/,
  },
  {
    name: 'the node answers the state script with something else',
    setup: () => server.setExecHandler(receiver(0, DONE, '', 'sh: 1: iptables-save: not found\n')),
    stderr: /^error: node node-a: the node's state could not be read: line 1: want "knp-state 1" \(the output of the state script\)\n$/,
  },
  {
    name: 'the exec stream drops while the program runs',
    setup: () =>
      server.setExecHandler(async (req, io) => {
        const { script } = await receivedScript(req, io);
        if (script === renderStateScript()) {
          io.stdout.write(NODE_STATE);
          return 0;
        }
        io.stdout.write('knp-report step=check result=ok\n');
        await new Promise((r) => setTimeout(r, 100));
        io.drop();
        return 0;
      }),
    stderr: /^error: node node-a: the script's outcome is unknown: the connection closed without an exit status\n$/,
  },
  { name: 'the image cannot be pulled', setup: () => server.setPodStartup({ mode: 'image-pull-error' }), stderr: /^error: node node-a: helper pod kube-system\/netpol-helper-node-a-\w+ cannot start: (ErrImagePull|ImagePullBackOff)/ },
  { name: 'no permission to create pods', setup: () => server.forbid({ verb: 'create', resource: 'pods', namespace: 'kube-system' }), stderr: /^error: node node-a: Error from server \(Forbidden\): pods is forbidden: User "tester" cannot create resource "pods" in API group "" in the namespace "kube-system"\n$/ },
  { name: 'no permission to exec', setup: () => server.refuseExec(403), stderr: /^error: node node-a: cannot exec into helper pod kube-system\/netpol-helper-node-a-\w+: .*403/ },
  { name: 'no permission to exec: the RBAC hint', setup: () => server.refuseExec(403), stderr: /: .*403.* \(are "get" and "create" on pods\/exec allowed in namespace kube-system\?\)\n$/ },
  { name: 'exec fails otherwise (404): no RBAC hint', setup: () => server.refuseExec(404), stderr: /^error: node node-a: cannot exec into helper pod kube-system\/netpol-helper-node-a-\w+: [^()]*404[^()]*\n$/ },
  { name: 'the API server fails listing pods (500)', setup: () => server.fail({ verb: 'list', resource: 'pods', clusterScope: true }), stderr: /^error: Error from server \(InternalError\): error when trying to list pods at the cluster scope: Internal error occurred: etcdserver: request timed out\n$/ },
  { name: 'the API server fails creating the helper pod (500)', setup: () => server.fail({ verb: 'create', resource: 'pods', namespace: 'kube-system' }), stderr: /^error: node node-a: Error from server \(InternalError\): error when trying to create helper pod kube-system\/netpol-helper-node-a-[b-z2-9]{5}: Internal error occurred: etcdserver: request timed out\n$/ },
  { name: 'the API server is unavailable creating the helper pod (503)', setup: () => server.fail({ verb: 'create', resource: 'pods', namespace: 'kube-system', code: 503 }), stderr: /^error: node node-a: Error from server \(ServiceUnavailable\): error when trying to create helper pod kube-system\/netpol-helper-node-a-[b-z2-9]{5}: the server is currently unable to handle the request\n$/ },
  { name: 'the API server fails reading the helper pod while it starts (500)', setup: () => server.fail({ verb: 'get', resource: 'pods', namespace: 'kube-system' }), stderr: /^error: node node-a: Error from server \(InternalError\): error when trying to read helper pod kube-system\/netpol-helper-node-a-[b-z2-9]{5}: Internal error occurred: etcdserver: request timed out\n$/ },
  { name: 'the helper pod never becomes ready', setup: () => server.setPodStartup({ mode: 'manual' }), args: ['apply-node', 'node-a', '--timeout', '1s'], stderr: /^error: node node-a: helper pod kube-system\/netpol-helper-node-a-[b-z2-9]{5} did not start within 1s \(phase Pending; see --timeout\)\n$/ },
  { name: 'listing pods takes longer than --request-timeout', setup: () => server.setDelay(5000, /^\/api\/v1\/pods$/), args: ['apply-node', 'node-a', '--request-timeout', '1s'], stderr: /^error: the server https:\/\/127\.0\.0\.1:\d+ did not respond within 1s \(--request-timeout\)\n$/ },
  { name: 'creating the helper pod takes longer than --request-timeout', setup: () => server.setDelay(5000, /^\/api\/v1\/namespaces\/kube-system\/pods$/, 'POST'), args: ['apply-node', 'node-a', '--request-timeout', '1s'], stderr: /^error: node node-a: the server https:\/\/127\.0\.0\.1:\d+ did not respond within 1s \(--request-timeout\)\n$/ },
  { name: 'reading the helper pod takes longer than --request-timeout', setup: () => server.setDelay(5000, /\/pods\/netpol-helper-/, 'GET'), args: ['apply-node', 'node-a', '--request-timeout', '1s'], stderr: /^error: node node-a: the server https:\/\/127\.0\.0\.1:\d+ did not respond within 1s \(--request-timeout\)\n$/ },
  { name: 'the exec upgrade takes longer than --timeout', setup: () => server.setDelay(8000, /\/exec$/), args: ['apply-node', 'node-a', '--timeout', '1s'], stderr: /^error: node node-a: cannot exec into helper pod kube-system\/netpol-helper-node-a-[b-z2-9]{5}: no answer within 1s \(see --timeout\); nothing ran on the node\n$/ },
  { name: 'no such node', setup: () => undefined, args: ['apply-node', 'node-z'], stderr: /^error: nodes "node-z" not found\n$/ },
  { name: 'bad --timeout', setup: () => undefined, args: ['apply-node', 'node-a', '--timeout', 'soon'], stderr: /^error: --timeout "soon": expected a duration/ },
  { name: '--timeout past what a helper pod may live', setup: () => undefined, args: ['apply-node', 'node-a', '--timeout', '3h'], stderr: /^error: --timeout "3h": at most 59m, or 0 for that longest: a helper pod lives at most 2h\n$/ },
  { name: 'NODE and --all', setup: () => undefined, args: ['apply-node', 'node-a', '--all'], stderr: /^error: name a NODE or use --all, not both\n$/ },
];

for (const c of errorCases) {
  test(`apply-node error: ${c.name}`, async () => {
    server.allowAll();
    server.setPodStartup({ mode: 'run', afterPolls: 1 });
    server.refuseExec(undefined);
    server.stopFailing();
    server.setDelay(0);
    server.setExecHandler(receiver());
    c.setup();
    const deletesBefore = deletedPods();
    const postsBefore = helperPods().length;
    try {
      const args = c.args ?? ['apply-node', 'node-a'];
      const r = await netpol([...args, '--kubeconfig', kubeconfig, ...(args.includes('--timeout') ? [] : ['--timeout', '20s'])]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, c.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      const created = helperPods().length - postsBefore;
      assert.equal(deletedPods() - deletesBefore, created, 'every helper pod created was deleted');
      assert.deepEqual(leftPods(), [], 'no helper pod is left');
    } finally {
      server.allowAll();
      server.setPodStartup({ mode: 'run', afterPolls: 1 });
      server.refuseExec(undefined);
      server.stopFailing();
      server.setDelay(0);
    }
  });
}

// The rules are in by the time the pod is deleted, so a failed delete is a warning naming the pod
// that is left, and the apply still succeeds.
const deleteFaults: { name: string; setup: () => void; args?: string[]; why: RegExp }[] = [
  { name: 'forbidden', setup: () => server.forbid({ verb: 'delete', resource: 'pods', namespace: 'kube-system' }), why: /Error from server \(Forbidden\): .*cannot delete resource "pods".*/ },
  { name: 'the API server fails (500)', setup: () => server.fail({ verb: 'delete', resource: 'pods', namespace: 'kube-system' }), why: /Error from server \(InternalError\): error when trying to delete helper pod kube-system\/netpol-helper-node-a-\w+: Internal error occurred: etcdserver: request timed out/ },
  {
    name: 'the API server answers later than --request-timeout',
    setup: () => server.setDelay(5000, /\/pods\/netpol-helper-/, 'DELETE'),
    args: ['--request-timeout', '1s'],
    why: /the server https:\/\/127\.0\.0\.1:\d+ did not respond within 1s \(--request-timeout\)/,
  },
];
for (const c of deleteFaults) {
  test(`apply-node: a helper pod that cannot be deleted (${c.name}) is a warning naming it, not silence`, async () => {
    server.allowAll();
    server.setExecHandler(receiver());
    c.setup();
    try {
      const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig, ...(c.args ?? [])]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^node node-a: done$/m);
      const m = /^warning: node node-a: the helper pod kube-system\/(netpol-helper-node-a-\w+) was not deleted \((.*)\); it ends itself within \d+s, or delete it by hand\n$/.exec(r.stderr);
      assert.ok(m, r.stderr);
      assert.match(m[2] ?? '', c.why);
      if (c.name !== 'the API server answers later than --request-timeout') {
        assert.deepEqual(leftPods().map((p) => (p['metadata'] as JsonObject)['name']), [m[1]], 'the pod the warning names is the one left');
      }
    } finally {
      server.allowAll();
      server.stopFailing();
      server.setDelay(0);
      for (const p of leftPods()) server.remove('Pod', 'kube-system', String((p['metadata'] as JsonObject)['name']));
    }
  });
}

test('apply-node --all: a node whose helper pod cannot be created fails alone; the others are applied; exit 2', async () => {
  server.setExecHandler(receiver());
  // One worker takes the nodes in name order, so the one failed create is node-a's.
  server.fail({ verb: 'create', resource: 'pods', namespace: 'kube-system', times: 1 });
  try {
    const r = await netpol(['apply-node', '--all', '--parallel', '1', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^node node-b: done$/m);
    assert.doesNotMatch(r.stdout, /^node node-a:/m);
    assert.match(r.stderr, /^error: node node-a: Error from server \(InternalError\): error when trying to create helper pod kube-system\/netpol-helper-node-a-\w+: Internal error occurred: etcdserver: request timed out\n$/);
    assert.deepEqual(leftPods(), [], 'no helper pod is left');
  } finally {
    server.stopFailing();
  }
});

test('apply-node --all: every node with pods, its lines each', async () => {
  server.setExecHandler(receiver());
  received.length = 0;
  const r = await netpol(['apply-node', '--all', '--kubeconfig', kubeconfig, '--parallel', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').filter((l) => l.endsWith(': done')).sort(), ['node node-a: done', 'node node-b: done']);
  assert.match(r.stdout, /^node node-b: IPv4: nothing to enforce and nothing of ours: left alone$/m);
  // node-b has nothing to enforce and holds nothing of ours: its state read is all that runs there.
  assert.deepEqual(received.map((x) => x.node).sort(), ['node-a']);
});

test('apply-node -o json: one record per node, with what changed as structured data; --dry-run -o yaml carries the program', async () => {
  server.setExecHandler(receiver());
  const r = await netpol(['apply-node', '--all', '--kubeconfig', kubeconfig, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: { node: string; ok: boolean; output: string; report: { ok: boolean; outcome: string; families: { family: number; action: string; chains: { added: number } }[]; sets: { added: number }; attempts: number } }[] };
  assert.deepEqual(out.results.map((x) => [x.node, x.ok, x.report.outcome, x.report.attempts]), [['node-a', true, 'applied', 1], ['node-b', true, 'unchanged', 1]]);
  assert.match(out.results[0]?.output ?? '', /^iptables backend: nft \(detected\)\nIPv4: chains \+7 -0, .*\ndone$/s);
  assert.deepEqual(out.results[0]?.report.families.map((f) => [f.family, f.action, f.chains.added]), [[4, 'changed', 7], [6, 'left-alone', 0]]);
  assert.equal(out.results[0]?.report.sets.added, 3);
  server.setExecHandler(receiver(1, 'knp-report step=check result=ok\nknp-report step=sets result=failed\n', 'knp: error: ipset restore failed: no\n'));
  const failed = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig, '-o', 'json']);
  assert.equal(failed.code, 2);
  const f = JSON.parse(failed.stdout) as { results: { node: string; ok: boolean; error: string; report: { outcome: string } }[] };
  assert.deepEqual(f.results.map((x) => [x.node, x.ok, x.error, x.report.outcome]), [['node-a', false, 'ipset restore failed, the previous rules are untouched: knp: error: ipset restore failed: no', 'untouched']]);
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '-o', 'yaml', '-f', example]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^node: node-a\ncleanup: false\nscript: \|/);
});

test('apply-node: Ctrl-C while the helper pod starts deletes it and exits 130', async () => {
  server.setPodStartup({ mode: 'manual' });
  try {
    const deletes = () => server.requests(/\/pods\/netpol-helper-node-a-/).filter((x) => x.method === 'DELETE').length;
    const before = deletes();
    const posts = helperPods().length;
    const child = spawn(plugin, ['apply-node', 'node-a', '--kubeconfig', kubeconfig], { env: { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    for (let i = 0; i < 100 && helperPods().length === posts; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(helperPods().length, posts + 1, 'the helper pod was created');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(deletes(), before + 1);
  } finally {
    server.setPodStartup({ mode: 'run', afterPolls: 1 });
  }
});

/** Runs apply-node node-a as a child, with a script that stays running until `finish` is called. */
async function startWithHeldScript(args: readonly string[] = []) {
  let finish = (): void => undefined;
  const held = new Promise<void>((r) => (finish = r));
  let running = false;
  let finished = false;
  const inner = receiver();
  server.setExecHandler(async (req, io) => {
    running = true;
    await held;
    finished = true;
    return inner(req, io);
  });
  const deletes = () => server.requests(/\/pods\/netpol-helper-node-a-/).filter((x) => x.method === 'DELETE').length;
  const before = deletes();
  const child = spawn(plugin, ['apply-node', 'node-a', '--kubeconfig', kubeconfig, ...args], { env: { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  for (let i = 0; i < 200 && !running; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(running, 'the script started on the node');
  return { child, exited, finish, deletes: () => deletes() - before, finished: () => finished, stderr: () => stderr };
}

test('apply-node: Ctrl-C while the script runs lets it finish, then deletes the pod and exits 130', async () => {
  const run = await startWithHeldScript();
  run.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(run.deletes(), 0, 'the pod (and the script in it) is not killed while the script runs');
  assert.match(run.stderr(), /SIGINT: waiting for 1 running script\(s\) to finish \(Ctrl-C again to stop them\), deleting the helper pods\.\.\./);
  run.finish();
  assert.equal(await run.exited, 130);
  assert.ok(run.finished(), 'the script ran to its end');
  assert.equal(run.deletes(), 1);
});

test('apply-node: a second Ctrl-C stops the running script at once and says the node may be half configured', async () => {
  const run = await startWithHeldScript();
  run.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 130);
  assert.equal(run.finished(), false);
  assert.equal(run.deletes(), 1);
  assert.match(run.stderr(), /SIGINT: deleting the helper pods now; a node whose script was cut may be left half configured: run apply-node on it again/);
  run.finish();
});

test('apply-node: a script still running at --timeout gets as long again, then is stopped with a warning and an error', async () => {
  const run = await startWithHeldScript(['--timeout', '1s']);
  assert.equal(await run.exited, 2);
  assert.equal(
    run.stderr(),
    'warning: node node-a: the script is still running after 1s; waiting 1s more, since a script cut mid-way can leave the node half configured\n' +
      'error: node node-a: the script did not finish within 1s (see --timeout); it was stopped, and the node may be left half configured: run apply-node on it again\n',
  );
  assert.equal(run.deletes(), 1);
  run.finish();
});

test('apply-node: a script that finishes within the grace after --timeout succeeds', async () => {
  const run = await startWithHeldScript(['--timeout', '1s']);
  await new Promise((r) => setTimeout(r, 1400));
  run.finish();
  assert.equal(await run.exited, 0);
  assert.match(run.stderr(), /^warning: node node-a: the script is still running after 1s;/);
  assert.equal(run.deletes(), 1);
});

test('apply-node offline: --dry-run prints the script; a node nobody knows is an error; install needs a cluster', async () => {
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example]);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /^#!\/bin\/sh\n/);
  const unknown = await netpol(['apply-node', 'node-q', '--dry-run', '-f', example]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error: node "node-q" not found: it is neither a Node object nor any pod's spec.nodeName in the input\n$/);
  const install = await netpol(['apply-node', 'node-a', '-f', example]);
  assert.equal(install.code, 2);
  assert.match(install.stderr, /can only --dry-run/);
  const cleanup = await netpol(['apply-node', 'node-a', '--cleanup', '--dry-run']);
  assert.equal(cleanup.code, 0);
  assert.match(cleanup.stdout, /KNP-/);
});

/** --all --dry-run's text: [node, script] in print order, split at each node's heading line. */
function scriptsOf(text: string): [string, string][] {
  const headings = [...text.matchAll(/^# ===== node (\S+): its script follows; run each script on its own node, never this whole output =====\n/gm)];
  assert.equal(headings[0]?.index, 0, 'the output starts with a heading');
  return headings.map((h, i) => [h[1] ?? '', text.slice((h.index ?? 0) + h[0].length, headings[i + 1]?.index ?? text.length)]);
}

const ALL_DRY_RUNS: { readonly name: string; readonly input: readonly string[]; readonly nodes: readonly string[]; readonly extra?: readonly string[] }[] = [
  { name: 'the seed example', input: ['-f', example], nodes: ['node-a', 'node-b'] },
  { name: 'the seed example, --mark-bits 0x3000', input: ['-f', example], nodes: ['node-a', 'node-b'], extra: ['--mark-bits', '0x3000'] },
  { name: 'the multi-namespace fixture', input: ['-f', `${repo}test/fixtures/multi-namespace/cluster`], nodes: ['node-1', 'node-2', 'node-3'] },
  { name: '--cleanup: the same script for every node', input: ['-f', example], nodes: ['node-a', 'node-b'], extra: ['--cleanup'] },
];

for (const c of ALL_DRY_RUNS) {
  test(`apply-node --all --dry-run offline, ${c.name}: every node's script, sorted, each byte for byte apply-node NODE --dry-run's, in text, json and yaml`, async () => {
    const args = ['apply-node', '--all', '--dry-run', ...c.input, ...(c.extra ?? [])];
    const singles = await Promise.all(c.nodes.map((n) => netpol(['apply-node', n, '--dry-run', ...c.input, ...(c.extra ?? [])])));
    const records = c.nodes.map((node, i) => ({ node, script: singles[i]?.stdout ?? '' }));
    assert.ok(singles.every((s) => s.code === 0 && /^#!\/bin\/sh\n/.test(s.stdout)), singles.map((s) => s.stderr).join(''));
    if (c.extra?.includes('--cleanup')) assert.equal(new Set(records.map((r) => r.script)).size, 1, 'the cleanup script names no node');
    const text = await netpol(args);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, '');
    assert.deepEqual(scriptsOf(text.stdout), records.map((r) => [r.node, r.script]));
    const json = await netpol([...args, '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout, renderData({ nodes: records }, 'json'), 'printed piece by piece, equal to JSON.stringify of the whole');
    assert.deepEqual(JSON.parse(json.stdout), { nodes: records });
    const yaml = await netpol([...args, '-o', 'yaml']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.equal(yaml.stdout, renderData({ nodes: records }, 'yaml'), 'printed piece by piece, equal to stringify of the whole');
  });
}

test('apply-node --all --dry-run against the cluster: every node\'s script, the same as from the files; no pod created, no script run', async () => {
  server.setExecHandler(receiver());
  const execs = received.length;
  const changes = () => server.requests(/\/pods/).filter((x) => x.method !== 'GET').length;
  const before = changes();
  for (const extra of [[], ['-o', 'json'], ['--cleanup'], ['--cleanup', '-o', 'yaml']]) {
    const live = await netpol(['apply-node', '--all', '--dry-run', ...extra, '--kubeconfig', kubeconfig]);
    assert.equal(live.code, 0, live.stderr);
    assert.equal(live.stderr, '');
    const offline = await netpol(['apply-node', '--all', '--dry-run', ...extra, '-f', example]);
    assert.equal(live.stdout, offline.stdout, extra.join(' '));
  }
  assert.equal(changes(), before, 'no pod created or deleted');
  assert.equal(received.length, execs, 'no script run');
});

/** Every way a kubectl user may spell a dry run, each against the live cluster: none may reach a node. */
const DRY_RUNS: { readonly args: readonly string[]; readonly code: number; readonly stderr?: RegExp }[] = [
  { args: ['--dry-run'], code: 0 },
  { args: ['--dry-run=client'], code: 0 },
  { args: ['--dry-run=server'], code: 0 },
  { args: ['--dry-run', 'client'], code: 0 },
  { args: ['--dry-run', 'server'], code: 0 },
  { args: ['--dry-run=true'], code: 0, stderr: /^warning: --dry-run=true is deprecated \(boolean value\) and can be replaced with --dry-run=client\.\n$/ },
  { args: ['--dry-run=bogus'], code: 2, stderr: /^error: invalid --dry-run value "bogus": must be "none", "server", or "client"\n$/ },
  { args: ['--dry-run=Client'], code: 2, stderr: /^error: invalid --dry-run value "Client"/ },
  { args: ['--dry-run='], code: 2, stderr: /^error: invalid --dry-run value ""/ },
  { args: ['--dry-run=client', '--dry-run=bogus'], code: 2, stderr: /^error: invalid --dry-run value "bogus"/ },
];

for (const [i, c] of DRY_RUNS.entries()) {
  for (const where of ['after', 'before'] as const) {
    test(`apply-node ${where === 'after' ? 'node-a ' : ''}${c.args.join(' ')}${where === 'before' ? ' node-a' : ''}: ${c.code === 0 ? 'prints the script' : 'refused'}, and never touches the node`, async () => {
      server.setExecHandler(receiver());
      const before = server.requests(/\/pods/).filter((r) => r.method !== 'GET').length;
      const execs = received.length;
      const args = where === 'after' ? ['apply-node', 'node-a', ...c.args] : ['apply-node', ...c.args, 'node-a'];
      const r = await netpol([...args, '--kubeconfig', kubeconfig]);
      assert.equal(r.code, c.code, `${i}: ${r.stderr}`);
      if (c.code === 0) assert.match(r.stdout, /^#!\/bin\/sh\n# kubectl-netpol: NetworkPolicy rules for node node-a;/);
      if (c.stderr) assert.match(r.stderr, c.stderr);
      else assert.equal(r.stderr, '');
      assert.equal(server.requests(/\/pods/).filter((x) => x.method !== 'GET').length, before, 'no pod created or deleted');
      assert.equal(received.length, execs, 'no script run');
    });
  }
}

test('apply-node --dry-run=none and --dry-run=false install, as kubectl reads them', async () => {
  server.setExecHandler(receiver());
  for (const spelling of ['--dry-run=none', '--dry-run=false']) {
    const execs = received.length;
    const r = await netpol(['apply-node', 'node-a', spelling, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^node node-a: done$/m);
    assert.equal(received.length, execs + 1, spelling);
  }
});

test('apply-node --mark-bits: the dry-run script uses those bits, and only those', async () => {
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example, '--mark-bits', '0x300']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^# Packet mark bits: egress 0x100, ingress 0x200 \(--mark-bits 0x300\)/m);
  const marks = [...dry.stdout.matchAll(/(?:--mark|--set-xmark) (0x[0-9a-f]+\/0x[0-9a-f]+)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(marks)].sort(), ['0x0/0x300', '0x100/0x100', '0x200/0x200']);
  const decimal = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example, '--mark-bits', '768']);
  assert.equal(decimal.stdout, dry.stdout, 'decimal 768 is 0x300');
  const byDefault = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example]);
  assert.match(byDefault.stdout, /^# Packet mark bits: egress 0x100000, ingress 0x200000 \(--mark-bits 0x300000\)/m);
});

const badMasks = [
  { value: '0x100', why: /1 bit set, not two/ },
  { value: '0x700', why: /3 bits set, not two/ },
  { value: '0', why: /0 bits set, not two/ },
  { value: '0x4100', why: /kube-proxy's 0x4000 \(masquerade\) or 0x8000 \(drop\)/ },
  { value: '0x18000', why: /kube-proxy/ },
  { value: '0x100000001', why: /more than the 32 bits of a packet mark/ },
  { value: 'lots', why: /not a number/ },
  { value: '-3', why: /not a number/ },
  { value: '0x', why: /not a number/ },
];

for (const c of badMasks) {
  test(`apply-node --mark-bits ${c.value}: one line, exit 2`, async () => {
    const r = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example, `--mark-bits=${c.value}`]);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: --mark-bits "${c.value}": `));
    assert.match(r.stderr, c.why);
    assert.match(r.stderr, /want a mask of exactly two bits, hex \(0x300000\) or decimal: the lower marks egress, the higher ingress\n$/);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
  });
}

test('apply-node --print-state-script prints the read-only state script, reading nothing; its output computes the --dry-run program', async () => {
  const r = await netpol(['apply-node', '--print-state-script']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, renderStateScript());
  const both = await netpol(['apply-node', 'node-a', '--print-state-script']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^error: --print-state-script prints the script that reads a node's state, and takes no NODE/);
  const dir = mkdtempSync(join(tmpdir(), 'knp-state-'));
  const busy = join(dir, 'busy.txt');
  writeFileSync(busy, stateText({ sets: ['set KNP-4P-0123456789abcdef 3'] }));
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '--node-state', busy, '-f', example]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^knp_check=exact$/m);
  assert.match(dry.stdout, /^knp_stale='KNP-4P-0123456789abcdef'$/m);
  assert.match(dry.stdout, /^set KNP-4P-0123456789abcdef 3$/m, 'the state it was computed from, to compare with');
  const none = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example]);
  assert.match(none.stdout, /^knp_check=empty$/m, 'without a state: for a node with nothing of ours');
  assert.match(none.stdout, /^# Computed for a node that holds no chain or set of ours/m);
});

const stateErrors: { name: string; args: (dir: string) => string[]; stderr: RegExp }[] = [
  { name: 'no such file', args: (d) => ['--dry-run', '--node-state', join(d, 'nope.txt')], stderr: /^error: --node-state \S+nope\.txt: no such file\n$/ },
  {
    name: 'not a state',
    args: (d) => (writeFileSync(join(d, 'bad.txt'), 'hello\n'), ['--dry-run', '--node-state', join(d, 'bad.txt')]),
    stderr: /^error: --node-state \S+bad\.txt: line 1: want "knp-state 1" \(the output of the state script\) \(want the output of apply-node --print-state-script run on the node\)\n$/,
  },
  { name: 'without --dry-run', args: (d) => ['--node-state', join(d, 'x')], stderr: /^error: --node-state is for --dry-run: an install reads the node's state itself\n$/ },
  { name: 'a state the rule set cannot go on', args: (d) => (writeFileSync(join(d, 'noipset.txt'), stateText().replace('ipset yes', 'ipset no')), ['--dry-run', '--node-state', join(d, 'noipset.txt')]), stderr: /^error: node node-a: ipset not found\n$/ },
];

for (const c of stateErrors) {
  test(`apply-node --node-state: ${c.name}: one line, exit 2`, async () => {
    const r = await netpol(['apply-node', 'node-a', ...c.args(mkdtempSync(join(tmpdir(), 'knp-state-'))), '-f', example]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, c.stderr);
  });
}

test('apply-node --all --node-state is refused: a state file is one node\'s', async () => {
  const r = await netpol(['apply-node', '--all', '--dry-run', '--node-state', 'x', '-f', example]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: --node-state holds one node's state: name that NODE instead of --all\n$/);
});
