import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { rejectsCliError } from './manifest-helpers.js';
import { connectCluster } from '../../src/sources/cluster.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import { writeKubeconfig } from '../support/kubeconfig-file.js';
import { namespaceObj } from '../support/objects.js';

let server: FakeApiServer;
let plain: FakeApiServer;
let dir: string;
const files: Record<string, string> = {};

before(async () => {
  server = await startApiServer();
  plain = await startApiServer({ tls: false });
  server.add(namespaceObj('shop'));
  plain.add(namespaceObj('plain-ns'));
  dir = mkdtempSync(join(tmpdir(), 'cluster-config-test-'));
  const shared = { name: 'shared', server: server.url, caPem: server.caPem };
  files['a'] = writeKubeconfig(join(dir, 'a.yaml'), {
    clusters: [shared],
    users: [{ name: 'u', token: server.token }],
    contexts: [
      { name: 'a', cluster: 'shared', user: 'u', namespace: 'from-a' },
      { name: 'both', cluster: 'shared', user: 'u', namespace: 'both-from-a' },
    ],
    currentContext: 'a',
  });
  files['b'] = writeKubeconfig(join(dir, 'b.yaml'), {
    clusters: [{ name: 'shared', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 'wrong' }],
    contexts: [
      { name: 'b', cluster: 'shared', user: 'u', namespace: 'from-b' },
      { name: 'both', cluster: 'shared', user: 'u', namespace: 'both-from-b' },
    ],
    currentContext: 'b',
  });
  files['nocurrent'] = writeKubeconfig(join(dir, 'nocurrent.yaml'), {
    clusters: [shared],
    users: [{ name: 'u', token: server.token }],
    contexts: [{ name: 'x', cluster: 'shared', user: 'u' }],
  });
  files['plain'] = writeKubeconfig(join(dir, 'plain.yaml'), {
    clusters: [{ name: 'p', server: plain.url }],
    users: [{ name: 'u', token: plain.token }],
    contexts: [{ name: 'p', cluster: 'p', user: 'u' }],
    currentContext: 'p',
  });
  files['home'] = writeKubeconfig(join(dir, 'home', '.kube', 'config'), {
    clusters: [shared],
    users: [{ name: 'u', token: server.token }],
    contexts: [{ name: 'home-ctx', cluster: 'shared', user: 'u' }],
    currentContext: 'home-ctx',
  });
  files['broken'] = join(dir, 'broken.yaml');
  writeFileSync(files['broken'], 'clusters: [\n  - {name: x\n');
  mkdirSync(join(dir, 'emptyhome'));
});

after(async () => {
  await server.close();
  await plain.close();
  rmSync(dir, { recursive: true, force: true });
});

const f = (k: string): string => files[k] ?? assert.fail(`no file ${k}`);
const list = (...keys: string[]): string => keys.map((k) => (k === 'missing' ? join(dir, 'missing.yaml') : f(k))).join(delimiter);

interface ConfigCase {
  readonly name: string;
  readonly env: () => Record<string, string>;
  readonly kubeconfig?: () => string;
  readonly context?: string;
  readonly want: { context: string; namespace: string; server: () => string };
}
const cases: ConfigCase[] = [
  {
    name: 'KUBECONFIG a:b: the first current-context and the first same-named cluster win',
    env: () => ({ KUBECONFIG: list('a', 'b') }),
    want: { context: 'a', namespace: 'from-a', server: () => server.url },
  },
  {
    name: 'KUBECONFIG b:a: the order decides',
    env: () => ({ KUBECONFIG: list('b', 'a') }),
    want: { context: 'b', namespace: 'from-b', server: () => 'https://127.0.0.1:1' },
  },
  {
    name: 'a context defined in both files comes from the first',
    env: () => ({ KUBECONFIG: list('a', 'b') }),
    context: 'both',
    want: { context: 'both', namespace: 'both-from-a', server: () => server.url },
  },
  {
    name: 'a context only in the second file still uses the first file\'s cluster of that name',
    env: () => ({ KUBECONFIG: list('a', 'b') }),
    context: 'b',
    want: { context: 'b', namespace: 'from-b', server: () => server.url },
  },
  {
    name: 'missing files in KUBECONFIG are skipped; a file without current-context defers to the next',
    env: () => ({ KUBECONFIG: list('missing', 'nocurrent', 'a') }),
    want: { context: 'a', namespace: 'from-a', server: () => server.url },
  },
  {
    name: '--kubeconfig beats KUBECONFIG',
    env: () => ({ KUBECONFIG: list('b') }),
    kubeconfig: () => f('a'),
    want: { context: 'a', namespace: 'from-a', server: () => server.url },
  },
  {
    name: 'no KUBECONFIG: ~/.kube/config, namespace default',
    env: () => ({ HOME: join(dir, 'home') }),
    want: { context: 'home-ctx', namespace: 'default', server: () => server.url },
  },
  {
    name: 'an empty KUBECONFIG counts as unset',
    env: () => ({ KUBECONFIG: '', HOME: join(dir, 'home') }),
    want: { context: 'home-ctx', namespace: 'default', server: () => server.url },
  },
];
for (const c of cases) {
  test(`kubeconfig: ${c.name}`, async () => {
    const conn = await connectCluster(
      { ...(c.kubeconfig ? { kubeconfig: c.kubeconfig() } : {}), ...(c.context !== undefined ? { context: c.context } : {}) },
      c.env(),
    );
    assert.deepEqual(
      { context: conn.context, namespace: conn.defaultNamespace, server: conn.server },
      { context: c.want.context, namespace: c.want.namespace, server: c.want.server() },
    );
    if (conn.server === server.url) assert.deepEqual(await conn.listNames('namespaces'), ['shop']);
  });
}

test('a plain http:// server works without insecure-skip-tls-verify, as with kubectl', async () => {
  const conn = await connectCluster({ kubeconfig: f('plain') }, {});
  assert.deepEqual(await conn.listNames('namespaces'), ['plain-ns']);
});

const errorCases: { name: string; env: () => Record<string, string>; kubeconfig?: () => string; context?: string; want: RegExp }[] = [
  { name: 'no configuration at all', env: () => ({ HOME: join(dir, 'emptyhome') }), want: /^invalid configuration: no configuration has been provided/ },
  { name: 'only missing files in KUBECONFIG', env: () => ({ KUBECONFIG: list('missing'), HOME: join(dir, 'emptyhome') }), want: /^invalid configuration: no configuration has been provided/ },
  { name: 'unknown --context', env: () => ({ KUBECONFIG: list('a', 'b') }), context: 'nope', want: /^context "nope" does not exist$/ },
  { name: 'missing --kubeconfig file', env: () => ({}), kubeconfig: () => join(dir, 'nope.yaml'), want: /nope\.yaml: no such file or directory/ },
  { name: 'unparsable kubeconfig', env: () => ({}), kubeconfig: () => f('broken'), want: /^error loading config file ".*broken\.yaml": / },
  { name: 'no current-context and no --context', env: () => ({ KUBECONFIG: list('nocurrent') }), want: /no current context is set .*--context \(x\)/ },
];
for (const c of errorCases) {
  test(`kubeconfig error: ${c.name}`, async () => {
    await rejectsCliError(connectCluster({ ...(c.kubeconfig ? { kubeconfig: c.kubeconfig() } : {}), ...(c.context !== undefined ? { context: c.context } : {}) }, c.env()), c.want);
  });
}
