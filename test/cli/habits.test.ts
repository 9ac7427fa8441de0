// kubectl habits through the real executable: a reader that goes away (`| head`), terminal widths,
// per-command help, completion from -f files, and matrix --expect as a CI gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { example, netpol, plugin, repo, run } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'knp-habits-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** 150 pods: a wide matrix is 22,500 lines, far more than a pipe holds. */
const BIG = file(
  'big.yaml',
  Array.from({ length: 150 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: big, labels: {app: a${i % 7}}}\nspec: {containers: [{name: c, image: i}]}\nstatus: {phase: Running, podIP: 10.1.0.${i + 1}}\n`).join('---\n'),
);

/** Runs the plugin, reads its first line, then closes the pipe as `head -1` does. */
function firstLineThenClose(args: readonly string[]): Promise<{ line: string; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(plugin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let line: string | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (line === undefined && out.includes('\n')) {
        line = out.slice(0, out.indexOf('\n'));
        child.stdout.destroy();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ line: line ?? '', code, stderr }));
  });
}

const PIPES: { readonly name: string; readonly args: readonly string[]; readonly first: RegExp; readonly code: number }[] = [
  { name: 'matrix -o wide', args: ['matrix', '-f', BIG, '--port', '80', '-o', 'wide'], first: /^FROM +TO +PORT +VERDICT +REASON$/, code: 0 },
  { name: 'matrix -o json', args: ['matrix', '-f', BIG, '--port', '80', '-o', 'json'], first: /^\{$/, code: 0 },
  { name: 'matrix', args: ['matrix', '-f', BIG, '--port', '80,81,82'], first: /^PORT 80\/TCP/, code: 0 },
  { name: 'explain -o yaml', args: ['explain', '-f', BIG, '-f', example, '-o', 'yaml'], first: /^- policy: |^policies:|^\S/, code: 0 },
];

for (const c of PIPES) {
  test(`pipe: ${c.name} | head -1 ends quietly with exit ${c.code}`, async () => {
    const r = await firstLineThenClose(c.args);
    assert.match(r.line, c.first);
    assert.equal(r.stderr, '', 'no EPIPE stack trace');
    assert.equal(r.code, c.code);
  });
}

test('pipe: through a shell and the real kubectl, `matrix | head -1` exits 0', async () => {
  const r = await run('bash', ['-c', `set -o pipefail; kubectl netpol matrix -f ${BIG} --port 80 -o wide | head -1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^FROM +TO/);
});

test('pipe: a crash is never exit 0 or 1', async () => {
  // A directory given as --expect makes the read fail inside the command: an error, exit 2.
  const r = await netpol(['matrix', '-f', example, '--port', '80', '--expect', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: .*EISDIR/);
});

const hasScript = existsSync('/usr/bin/script') || existsSync('/bin/script');
const noPty = hasScript ? false : 'util-linux `script` is not installed: no PTY to test terminal widths on';
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** stdout on a real PTY of `cols` columns (0: a PTY that reports no size). */
async function onTerminal(cols: number, args: readonly string[]): Promise<string> {
  const r = await run('script', ['-qfc', `stty cols ${cols} rows 50; ${[plugin, ...args].map(quote).join(' ')}`, '/dev/null'], { env: { COLUMNS: '', TERM: 'xterm' } });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.replace(/\r\n/g, '\n');
}

const seedMatrix = ['matrix', '-f', example, '--port', '80'];

test('terminal: a TTY of 0 columns is an unknown width: names as headers, no one-column blocks', { skip: noPty }, async () => {
  const out = await onTerminal(0, seedMatrix);
  assert.match(out, /^FROM +default\/db-0 +default\/frontend-0/m);
  assert.doesNotMatch(out, /columns 1-1 of/);
});

test('terminal: a narrow TTY numbers the columns, and every line fits, headers too', { skip: noPty }, async () => {
  const out = await onTerminal(40, seedMatrix);
  assert.match(out, /^#  FROM/m);
  for (const line of out.split('\n')) assert.ok([...line].length <= 40, `too wide: ${JSON.stringify(line)}`);
});

test('terminal: piped output fits $COLUMNS when it is set, and is not cut when it is not', async () => {
  const narrow = await netpol(seedMatrix, { env: { COLUMNS: '40' } });
  assert.match(narrow.stdout, /^#  FROM/m);
  for (const line of narrow.stdout.split('\n')) assert.ok([...line].length <= 40, `too wide: ${JSON.stringify(line)}`);
  const piped = await netpol(seedMatrix, { env: { COLUMNS: '' } });
  assert.match(piped.stdout, /^FROM +default\/db-0/m);
});

const HELP: { readonly command: string; readonly own: RegExp; readonly example: RegExp }[] = [
  { command: 'can-reach', own: /--port/, example: /kubectl netpol can-reach default\/frontend-0 default\/db-0 --port 6379/ },
  { command: 'matrix', own: /--expect/, example: /kubectl netpol matrix -n shop --port 80 --port 53\/UDP/ },
  { command: 'apply-node', own: /--dry-run/, example: /kubectl netpol apply-node node-a --dry-run=client/ },
  { command: 'explain', own: /Positionals:/, example: /kubectl netpol explain pod\/db-0 -n default/ },
];

for (const h of HELP) {
  test(`help: ${h.command} --help shows its own flags first, then the common ones, and examples`, async () => {
    const r = await netpol([h.command, '--help']);
    assert.equal(r.code, 0, r.stderr);
    const own = r.stdout.search(h.own);
    assert.ok(own >= 0 && own < r.stdout.indexOf('Input:'), r.stdout);
    assert.ok(r.stdout.indexOf('Examples:') > r.stdout.indexOf('Cluster:'), r.stdout);
    assert.match(r.stdout, h.example);
  });
}

test('completion: names come from the -f files when no cluster is named', async () => {
  const pods = await run('kubectl', ['__complete', 'netpol', 'can-reach', '-f', example, 'fr'], { cwd: repo });
  assert.equal(pods.code, 0, pods.stderr);
  assert.equal(pods.stdout, 'frontend-0\n:4\n');
  const policies = await run('kubectl', ['__complete', 'netpol', 'explain', '-n', 'default', '-f', example, '']);
  assert.equal(policies.stdout, 'test-network-policy\npod/\n:4\n');
  const nodes = await run('kubectl', ['__complete', 'netpol', 'apply-node', '-f', example, '--dry-run', '']);
  assert.equal(nodes.stdout, 'node-a\nnode-b\n:4\n');
  const values = await run('kubectl', ['__complete', 'netpol', 'apply-node', 'node-a', '--dry-run=']);
  assert.equal(values.stdout, '--dry-run=none\n--dry-run=client\n--dry-run=server\n:4\n');
});

const EXPECT_OK = file('ok.yaml', '- {from: default/frontend-0, to: default/db-0, port: 6379, allowed: true}\n- {from: default/db-0, to: default/frontend-0, port: 6379, allowed: false}\n');
const EXPECT_BAD = file(
  'bad.yaml',
  '# a comment\n- from: default/frontend-0\n  to: default/db-0\n  port: 6379\n  allowed: true\n- from: default/db-0\n  to: default/frontend-0\n  port: 6379/TCP\n  allowed: true\n',
);

test('matrix --expect: exit 0 when every expectation holds, and says so', async () => {
  const r = await netpol(['matrix', '-n', 'default', '-f', example, '--port', '6379', '--expect', EXPECT_OK]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Expectations: all 2 expectations hold$/m);
});

test('matrix --expect: exit 1 listing each differing pair with its line and reason', async () => {
  const r = await netpol(['matrix', '-n', 'default', '-f', example, '--expect', EXPECT_BAD]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^PORT 6379\/TCP/m, 'the ports come from the expectations when --port is not given');
  assert.match(r.stdout, new RegExp(`^Expectations: 1 of 2 expectations differ:\\n  default/db-0 -> default/frontend-0 on 6379/TCP: expected allowed, got denied \\(${BAD_WHERE(6)}\\)\\n    egress of default/db-0 denied by default/test-network-policy$`, 'm'));
  const json = JSON.parse((await netpol(['matrix', '-n', 'default', '-f', example, '--expect', EXPECT_BAD, '-o', 'json'])).stdout) as { expectations: { checked: number; differing: { from: string; expected: boolean; got: boolean }[] } };
  assert.equal(json.expectations.checked, 2);
  assert.deepEqual(json.expectations.differing.map((d) => [d.from, d.expected, d.got]), [['default/db-0', true, false]]);
});

function BAD_WHERE(line: number): string {
  return `${EXPECT_BAD.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(line ${line}\\)`;
}

const EXPECT_ERRORS: { readonly name: string; readonly text: string; readonly extra?: readonly string[]; readonly stderr: RegExp }[] = [
  { name: 'an unknown field, with the close one', text: '- {from: a/b, to: c/d, prot: 80, allowed: true}\n', stderr: /\(line 1\): expectation \[0\]\.prot: unknown field "prot" \(did you mean "port"\?\)\n$/ },
  { name: 'allowed not a boolean', text: '- {from: a/b, to: c/d, port: 80, allowed: yes please}\n', stderr: /expectation \[0\]\.allowed: required: true or false\n$/ },
  { name: 'not a list', text: 'from: a/b\n', stderr: /\(line 1\): expected a list of \{from, to, port, allowed\}\n$/ },
  { name: 'a pod outside the matrix', text: '- {from: default/db-0, to: shop/web-0, port: 80, allowed: true}\n', extra: ['-n', 'default'], stderr: /\(line 1\): pod shop\/web-0 is not in the matrix \(widen the scope with -n, -A or -l\)\n$/ },
  { name: 'a port outside the matrix', text: '- {from: default/db-0, to: default/db-0, port: 81, allowed: true}\n', extra: ['-n', 'default', '--port', '80'], stderr: /port 81\/TCP is not a column of the matrix \(add --port 81\/TCP\)\n$/ },
  { name: 'a bad port', text: '- {from: default/db-0, to: default/db-0, port: 0, allowed: true}\n', extra: ['-n', 'default'], stderr: /\(line 1\): port "0": port must be between 1 and 65535\n$/ },
];

for (const c of EXPECT_ERRORS) {
  test(`matrix --expect: ${c.name} is one error, exit 2`, async () => {
    const r = await netpol(['matrix', '-f', example, ...(c.extra ?? []), '--expect', file(`${c.name.replace(/\W+/g, '-')}.yaml`, c.text)]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, c.stderr);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  });
}

test('matrix -o json is streamed, and is exactly the formatted JSON of its value', async () => {
  for (const args of [['matrix', '-f', BIG, '--port', '80,dns/UDP', '-o', 'json'], ['matrix', '-n', 'default', '-f', example, '--expect', EXPECT_OK, '-o', 'json']]) {
    const r = await netpol(args);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal(`${JSON.stringify(JSON.parse(r.stdout), null, 2)}\n`, r.stdout);
  }
});
