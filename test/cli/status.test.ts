// status through the real executable: against the test API server, whose exec plays the node and
// answers the status script with a state written in the test (the rule set installed, drifted, or
// nothing); offline with -f and --node-state. It sends the read-only status script and nothing
// else, deletes its helper pods, and exits 0 in sync, 1 not, 2 on error. Real tables and packets:
// test/lab/status.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { receivedScript, startApiServer, type ExecHandler, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { compileSnapshot } from '../../src/engine/index.js';
import { buildRuleSet, renderStatusScript } from '../../src/node/index.js';
import { readManifests } from '../../src/sources/files.js';
import { toSnapshot } from '../../src/sources/snapshot.js';
import { installedState } from '../node/installed.js';
import { stateText } from '../node/states.js';
import { example, netpol } from './run.js';

let server: FakeApiServer;
let kubeconfig: string;
let dir: string;
/** Scripts the nodes received. */
const sent: string[] = [];
/** What each node answers the status script with. */
const answers = new Map<string, { code: number; stdout: string; stderr?: string }>();

function exampleObjects(): JsonObject[] {
  return parseAllDocuments(readFileSync(example, 'utf8')).map((d) => d.toJS() as JsonObject).filter((o) => o !== null && ['Namespace', 'Pod', 'Node', 'NetworkPolicy'].includes(String(o['kind'])));
}

const node: ExecHandler = async (req, io) => {
  const { script } = await receivedScript(req, io);
  sent.push(script);
  const pod = server.get('Pod', req.namespace, req.pod) as { spec?: { nodeName?: string } } | undefined;
  const a = answers.get(pod?.spec?.nodeName ?? '?') ?? { code: 0, stdout: stateText() };
  io.stdout.write(a.stdout);
  io.stderr.write(a.stderr ?? '');
  return a.code;
};

/** The example's node-a rule set, installed: what node-a holds after apply-node node-a. */
let inSync: string;

before(async () => {
  server = await startApiServer({ objects: [...exampleObjects(), { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  dir = mkdtempSync(join(tmpdir(), 'knp-status-'));
  kubeconfig = server.kubeconfigPath(dir);
  server.setExecHandler(node);
  inSync = installedState(buildRuleSet(compileSnapshot(toSnapshot(await readManifests([example]))), 'node-a'));
});
after(async () => server.close());

const helperPosts = () => server.requests(/\/namespaces\/kube-system\/pods$/).filter((r) => r.method === 'POST' && r.status === 201).length;
const helperDeletes = () => server.requests(/\/pods\/netpol-helper/).filter((r) => r.method === 'DELETE').length;

interface Case {
  name: string;
  args: string[];
  answers: Record<string, { code: number; stdout: () => string; stderr?: string }>;
  code: number;
  stdout?: RegExp[];
  stderr?: RegExp;
}

const cases: Case[] = [
  { name: 'a node holding the rule set is in sync: exit 0', args: ['status', 'node-a'], answers: { 'node-a': { code: 0, stdout: () => inSync } }, code: 0, stdout: [/^NODE +STATUS +CHAINS \(HAVE\/WANT\) +SETS \(HAVE\/WANT\)$/m, /^node-a +in-sync +7\/7 +3\/3$/m] },
  {
    name: 'a node with nothing of ours: not installed, exit 1, and what to run',
    args: ['status', 'node-a'],
    answers: { 'node-a': { code: 0, stdout: () => stateText() } },
    code: 1,
    stdout: [/^node-a +not-installed +0\/7 +0\/3$/m, /^node node-a: pods here are isolated by policies, and none of our rules is installed; apply-node node-a installs them$/m],
  },
  {
    name: 'a pod chain someone flushed: stale, naming the pod',
    args: ['status', 'node-a'],
    answers: { 'node-a': { code: 0, stdout: () => inSync.split('\n').filter((l) => !/^-A KNP-POD-I-\S+ .*"default\/db-0 ingress: no policy admits"/.test(l)).join('\n') } },
    code: 1,
    stdout: [/^node-a +stale /m, /^ {2}pod default\/db-0 ingress: installed with other rules \(the policies selecting it, or its addresses, changed\) \(IPv4\)$/m],
  },
  {
    name: '--all: every node, in name order; node-b holding node-a\'s rules is stale, exit 1',
    args: ['status', '--all'],
    answers: { 'node-a': { code: 0, stdout: () => inSync }, 'node-b': { code: 0, stdout: () => inSync } },
    code: 1,
    stdout: [/^node-a +in-sync .*\nnode-b +stale /m, /^ {2}pod default\/db-0 ingress: installed, no longer wanted \(deleted, moved, or no longer isolated\) \(IPv4\)$/m],
  },
  {
    name: 'the node cannot run the script: exit 2, one line',
    args: ['status', 'node-a'],
    answers: { 'node-a': { code: 127, stdout: () => '', stderr: 'sh: iptables-nft-save: not found\n' } },
    code: 2,
    stderr: /^error: node node-a: reading the node's state failed \(exit 127\): sh: iptables-nft-save: not found\n$/,
  },
  {
    name: 'the node answers something else: exit 2, naming the line',
    args: ['status', 'node-a'],
    answers: { 'node-a': { code: 0, stdout: () => 'hello\n' } },
    code: 2,
    stderr: /^error: node node-a: the node's state could not be read: line 1: want "knp-state 1" \(the output of the state script\)\n$/,
  },
];

for (const c of cases) {
  test(`status: ${c.name}`, async () => {
    answers.clear();
    for (const [n, a] of Object.entries(c.answers)) answers.set(n, { code: a.code, stdout: a.stdout(), ...(a.stderr === undefined ? {} : { stderr: a.stderr }) });
    sent.length = 0;
    const [posts, deletes] = [helperPosts(), helperDeletes()];
    const r = await netpol([...c.args, '--kubeconfig', kubeconfig, '--timeout', '20s']);
    assert.equal(r.code, c.code, r.stdout + r.stderr);
    for (const re of c.stdout ?? []) assert.match(r.stdout, re);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.ok(sent.length > 0 && sent.every((s) => s === renderStatusScript()), 'only the read-only status script reaches a node');
    assert.equal(helperPosts() - posts, sent.length, 'one helper pod a node');
    assert.equal(helperDeletes() - deletes, helperPosts() - posts, 'every helper pod deleted');
  });
}

test('status: the API server failing to create the helper pod (500) is one line naming the node and the pod, exit 2, nothing left', async () => {
  sent.length = 0;
  server.fail({ verb: 'create', resource: 'pods', namespace: 'kube-system' });
  try {
    const r = await netpol(['status', 'node-a', '--kubeconfig', kubeconfig, '--timeout', '20s']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: node node-a: Error from server \(InternalError\): error when trying to create helper pod kube-system\/netpol-helper-node-a-\w+: Internal error occurred: etcdserver: request timed out\n$/);
    assert.equal(sent.length, 0, 'no script reached the node');
    const left = server.stored().filter((o) => o['kind'] === 'Pod' && String((o['metadata'] as JsonObject)['name']).startsWith('netpol-helper-'));
    assert.deepEqual(left, [], 'no helper pod is left');
  } finally {
    server.stopFailing();
  }
});

test('status --all: one node whose helper pod never runs is an error line; the other is reported; exit 2', async () => {
  answers.clear();
  answers.set('node-b', { code: 0, stdout: inSync });
  // The first pod created (node-a's, with one worker) is held Pending until --timeout.
  const posts = helperPosts();
  server.setPodStartup({ mode: 'manual' });
  const release = setInterval(() => {
    const post = server.requests(/\/namespaces\/kube-system\/pods$/).filter((e) => e.method === 'POST' && e.status === 201)[posts + 1];
    const name = (post?.body as { metadata?: { name?: string } } | undefined)?.metadata?.name;
    if (name !== undefined && server.get('Pod', 'kube-system', name)) {
      server.setPodPhase('kube-system', name, 'Running');
      clearInterval(release);
    }
  }, 20);
  try {
    const r = await netpol(['status', '--all', '--parallel', '1', '--kubeconfig', kubeconfig, '--timeout', '1s']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^node-b +stale /m);
    assert.match(r.stderr, /^error: node node-a: helper pod kube-system\/netpol-helper-node-a-\w+ did not start within 1s \(phase Pending; see --timeout\)\n$/);
    const left = server.stored().filter((o) => o['kind'] === 'Pod' && String((o['metadata'] as JsonObject)['name']).startsWith('netpol-helper-'));
    assert.deepEqual(left, [], 'no helper pod is left');
  } finally {
    clearInterval(release);
    server.setPodStartup({ mode: 'run', afterPolls: 1 });
  }
});

test('status -o json: a record per node, field by field; -o wide adds the counters table', async () => {
  answers.clear();
  const counters = `${inSync.trimEnd()}\ncounters 4 ok\n${inSync
    .split('\n')
    .filter((l) => l.startsWith('-A KNP-') || / -j KNP-/.test(l))
    .map((l) => `[${l.includes('"default/db-0 ingress: no policy admits"') ? 5 : 0}:0] ${l}`)
    .join('\n')}\nend counters 4\ncounters 6 ok\nend counters 6\n`;
  answers.set('node-a', { code: 0, stdout: counters });
  const r = await netpol(['status', 'node-a', '-o', 'json', '--kubeconfig', kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { nodes: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(j.nodes[0] ?? {}), ['node', 'status', 'families', 'changes', 'sets', 'counters']);
  const db = (j.nodes[0]?.['counters'] as { for: { name?: string; direction?: string }; rejected: number }[]).find((c) => c.for.name === 'default/db-0' && c.for.direction === 'ingress');
  assert.equal(db?.rejected, 5);
  const wide = await netpol(['status', 'node-a', '-o', 'wide', '--kubeconfig', kubeconfig]);
  assert.equal(wide.code, 0, wide.stderr);
  assert.match(wide.stdout, /^NODE +FAMILY +CHAIN +FOR +PACKETS +REJECTED +ADMITTED$/m);
  assert.match(wide.stdout, /^node-a +IPv4 +KNP-POD-I-\w{12} +pod default\/db-0 ingress +\d+ +5 +/m);
});

test('status offline: -f with --node-state compares with that file; the status script is shellcheck-clean sh that --print-state-script prints', async () => {
  const file = join(dir, 'node-a.txt');
  writeFileSync(file, inSync);
  const ok = await netpol(['status', 'node-a', '-f', example, '--node-state', file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^node-a +in-sync /m);
  const printed = await netpol(['status', '--print-state-script']);
  assert.equal(printed.code, 0);
  assert.equal(printed.stdout, renderStatusScript());
});

const refusals: { name: string; args: string[]; stderr: RegExp }[] = [
  { name: 'neither NODE nor --all', args: ['status', '-f', example], stderr: /^error: status needs a NODE name, or --all\n$/ },
  { name: 'NODE and --all', args: ['status', 'node-a', '--all', '-f', example], stderr: /^error: name a NODE or use --all, not both\n$/ },
  { name: '-f alone cannot read a node', args: ['status', 'node-a', '-f', example], stderr: /^error: status with -f alone cannot read a node: give --node-state FILE/ },
  { name: '--all with --node-state', args: ['status', '--all', '-f', example, '--node-state', 'x.txt'], stderr: /^error: --node-state holds one node's state/ },
  { name: 'a state file that is none', args: ['status', 'node-a', '-f', example, '--node-state', example], stderr: /^error: --node-state \S+: line 1: want "knp-state 1"/ },
  { name: 'a missing state file', args: ['status', 'node-a', '-f', example, '--node-state', '/nonexistent/state.txt'], stderr: /^error: --node-state \/nonexistent\/state\.txt: no such file\n$/ },
];

for (const c of refusals) {
  test(`status refuses ${c.name}: one line, exit 2`, async () => {
    const r = await netpol(c.args);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, c.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}

test('status refuses a node nobody knows, offline', async () => {
  const file = join(dir, 'state.txt');
  writeFileSync(file, stateText());
  const r = await netpol(['status', 'node-z', '-f', example, '--node-state', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: node "node-z" not found: it is neither a Node object nor any pod's spec\.nodeName in the input\n$/);
});
