// apply-node through the real executable against the fake API server: the helper pod's spec, the
// script delivered over exec (equal to --dry-run's), cleanup of the pod on success, failure and
// Ctrl-C, and each delivery error as one line with exit 2. Packets are proven in test/lab/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { startApiServer, type ExecHandler, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { renderData } from '../../src/render/data.js';
import { example, netpol, plugin, repo } from './run.js';

let server: FakeApiServer;
let kubeconfig: string;
const received: { node: string; script: string }[] = [];

function exampleObjects(): JsonObject[] {
  return parseAllDocuments(readFileSync(example, 'utf8')).map((d) => d.toJS() as JsonObject).filter((o) => o !== null && ['Namespace', 'Pod', 'Node', 'NetworkPolicy'].includes(String(o['kind'])));
}

/** Plays the node: reads stdin up to the sentinel the receiver command names, then "runs" it. */
function receiver(code: number, stdout: string, stderr = ''): ExecHandler {
  return async (req, io) => {
    const sentinel = /'(#NETPOL-EOF-[0-9a-f]+)'/.exec(req.command.join(' '))?.[1];
    assert.ok(sentinel, `no sentinel in ${req.command.join(' ')}`);
    let text = '';
    for await (const chunk of io.stdin) {
      text += (chunk as Buffer).toString();
      if (text.includes(`\n${sentinel}\n`)) break;
    }
    const pod = server.get('Pod', req.namespace, req.pod) as { spec?: { nodeName?: string } } | undefined;
    received.push({ node: pod?.spec?.nodeName ?? '?', script: text.slice(0, text.indexOf(`${sentinel}\n`)) });
    io.stdout.write(stdout);
    io.stderr.write(stderr);
    return code;
  };
}

const helperPods = () => server.requests(/\/namespaces\/kube-system\/pods$/).filter((r) => r.method === 'POST' && r.status === 201);
const livePods = () => (server.get('Namespace', undefined, 'kube-system'), server.requests(/\/pods\/netpol-helper/).filter((r) => r.method === 'DELETE').length);

before(async () => {
  server = await startApiServer({ objects: [...exampleObjects(), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  kubeconfig = server.kubeconfigPath(mkdtempSync(join(tmpdir(), 'knp-apply-')));
});
after(async () => server.close());

test('apply-node: creates a pinned privileged helper, delivers exactly the --dry-run script, deletes the pod', async () => {
  server.setExecHandler(receiver(0, 'IPv4: 3 chains added\n'));
  received.length = 0;
  const before = helperPods().length;
  const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^node node-a: IPv4: 3 chains added$/m);
  const posts = helperPods().slice(before);
  assert.equal(posts.length, 1);
  const body = posts[0]?.body as { spec: Record<string, unknown> & { containers: { securityContext: { privileged: boolean } }[] } };
  assert.equal(body.spec['nodeName'], 'node-a');
  assert.equal(body.spec['hostNetwork'], true);
  assert.deepEqual(body.spec['tolerations'], [{ operator: 'Exists' }]);
  assert.equal(body.spec.containers[0]?.securityContext.privileged, true);
  const dry = await netpol(['apply-node', 'node-a', '--dry-run', '--kubeconfig', kubeconfig]);
  assert.equal(received.length, 1);
  assert.equal(received[0]?.script, dry.stdout);
  const fromFiles = await netpol(['apply-node', 'node-a', '--dry-run', '-f', example]);
  assert.equal(fromFiles.stdout, dry.stdout, 'the same script from files and from the cluster');
  assert.equal(server.requests(/\/pods\/netpol-helper-node-a-/).filter((x) => x.method === 'DELETE').length, 1);
});

test('apply-node: the script\'s warnings reach the user on success', async () => {
  server.setExecHandler(receiver(0, 'IPv4: unchanged\n', 'knp: warning: IPv4: net.bridge.bridge-nf-call-iptables is 0\n'));
  const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^node node-a: knp: warning: IPv4: net\.bridge\.bridge-nf-call-iptables is 0$/m);
});

test('apply-node: works on the v4 exec protocol too (the sentinel, not stdin EOF, ends the script)', async () => {
  server.setExecProtocol('v4');
  server.setExecHandler(receiver(0, 'ok\n'));
  try {
    const r = await netpol(['apply-node', 'node-b', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /node node-b: ok/);
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
  { name: 'the script fails on the node', setup: () => server.setExecHandler(receiver(3, '', 'iptables-restore: line 7 failed\n')), stderr: /^error: node node-a: the script failed \(exit 3\): iptables-restore: line 7 failed\n$/ },
  { name: 'the image cannot be pulled', setup: () => server.setPodStartup({ mode: 'image-pull-error' }), stderr: /^error: node node-a: helper pod kube-system\/netpol-helper-node-a-\w+ cannot start: (ErrImagePull|ImagePullBackOff)/ },
  { name: 'no permission to create pods', setup: () => server.forbid({ verb: 'create', resource: 'pods', namespace: 'kube-system' }), stderr: /^error: node node-a: Error from server \(Forbidden\): pods is forbidden: User "tester" cannot create resource "pods" in API group "" in the namespace "kube-system"\n$/ },
  { name: 'no permission to exec', setup: () => server.refuseExec(403), stderr: /^error: node node-a: cannot exec into helper pod kube-system\/netpol-helper-node-a-\w+: .*403/ },
  { name: 'no permission to exec: the RBAC hint', setup: () => server.refuseExec(403), stderr: /: .*403.* \(are "get" and "create" on pods\/exec allowed in namespace kube-system\?\)\n$/ },
  { name: 'exec fails otherwise (404): no RBAC hint', setup: () => server.refuseExec(404), stderr: /^error: node node-a: cannot exec into helper pod kube-system\/netpol-helper-node-a-\w+: [^()]*404[^()]*\n$/ },
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
    server.setExecHandler(receiver(0, 'ok\n'));
    c.setup();
    const deletesBefore = livePods();
    const postsBefore = helperPods().length;
    try {
      const args = c.args ?? ['apply-node', 'node-a'];
      const r = await netpol([...args, '--kubeconfig', kubeconfig, ...(args.includes('--timeout') ? [] : ['--timeout', '20s'])]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, c.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      const created = helperPods().length - postsBefore;
      assert.equal(livePods() - deletesBefore, created, 'every helper pod created was deleted');
    } finally {
      server.allowAll();
      server.setPodStartup({ mode: 'run', afterPolls: 1 });
      server.refuseExec(undefined);
    }
  });
}

test('apply-node: a helper pod that cannot be deleted is a warning naming it, not silence', async () => {
  server.allowAll();
  server.setExecHandler(receiver(0, 'ok\n'));
  server.forbid({ verb: 'delete', resource: 'pods', namespace: 'kube-system' });
  try {
    const r = await netpol(['apply-node', 'node-a', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^node node-a: ok$/m);
    assert.match(r.stderr, /^warning: node node-a: the helper pod kube-system\/netpol-helper-node-a-\w+ was not deleted \(Error from server \(Forbidden\): .*cannot delete resource "pods".*\); it ends itself within \d+s, or delete it by hand\n$/);
  } finally {
    server.allowAll();
  }
});

test('apply-node --all: every node with pods, one line each', async () => {
  server.setExecHandler(receiver(0, 'done\n'));
  received.length = 0;
  const r = await netpol(['apply-node', '--all', '--kubeconfig', kubeconfig, '--parallel', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['node node-a: done', 'node node-b: done']);
  assert.deepEqual(received.map((x) => x.node).sort(), ['node-a', 'node-b']);
});

test('apply-node -o json: one record per node; --dry-run -o yaml carries the script', async () => {
  server.setExecHandler(receiver(0, 'IPv4: chains +3\n'));
  const r = await netpol(['apply-node', '--all', '--kubeconfig', kubeconfig, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { results: [{ node: 'node-a', ok: true, output: 'IPv4: chains +3' }, { node: 'node-b', ok: true, output: 'IPv4: chains +3' }] });
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
  const inner = receiver(0, 'IPv4: unchanged\n');
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
  server.setExecHandler(receiver(0, 'IPv4: 3 chains added\n'));
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
      server.setExecHandler(receiver(0, 'IPv4: 3 chains added\n'));
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
  server.setExecHandler(receiver(0, 'IPv4: unchanged\n'));
  for (const spelling of ['--dry-run=none', '--dry-run=false']) {
    const execs = received.length;
    const r = await netpol(['apply-node', 'node-a', spelling, '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^node node-a: IPv4: unchanged$/m);
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
