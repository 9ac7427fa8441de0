// Every command gives the same answer on the same objects whether they come from files (-f) or
// from the (fake) API server (--kubeconfig): the real executable, byte for byte, on the seed
// example and on the multi-namespace fixture, with the server capping pages so every list is read
// through continue tokens. Each case gets its own fake, whose request log then shows that the
// cluster was read with as few and as narrow list calls as the command's scope needs.
//
// What "the same objects" means differs by command. The fake stores objects defaulted, as a real
// server does: a policy written without policyTypes is stored with them. `explain` says when a
// policy's policyTypes were defaulted ("policyTypes defaulted to ..."), which it can only know from
// the object as written: from a cluster it never can. So for explain the -f side is the objects AS
// THE SERVER STORES THEM, read back from the case's fake into a `kind: List` JSON file. can-reach,
// matrix and apply-node keep the raw fixture files as their -f side: the same verdicts from both
// show that the file reader's defaulting agrees with the server's. A last test shows the notes
// themselves: present from the raw files, absent from the stored objects.
//
// Every command also lists the admin tiers' three kinds, cluster-wide whatever its scope (they
// select pods in any namespace); one fixture holds an ANP, BANP and CNP of each kind's shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../support/selectors.js';
import type { RequestLogEntry } from '../support/apiserver.js';
import { fakeCluster, multiDir, requestLine, seedFiles, tiersDir, wireObjects, type FakeCluster } from './cluster-fixtures.js';
import { netpol, repo, run, type Run } from './run.js';

interface Fixture {
  readonly name: string;
  readonly files: readonly string[];
  /** Small enough that the fixture's larger lists take several pages. */
  readonly pageSizeCap: number;
  readonly cases: readonly Case[];
}

interface Case {
  readonly name: string;
  /** The command, without a source: `-f FILES` or `--kubeconfig K` is appended. */
  readonly args: readonly string[];
  /** What the cluster run must read: every namespace, or these; and whether nodes too. */
  readonly reads: 'all' | readonly string[];
  readonly nodes?: boolean;
  /** Whether Services are read too, in the namespaces of `reads`. */
  readonly services?: boolean;
  /** The kubeconfig context's namespace; with it, the cluster run drops the case's `-n NS`. */
  readonly contextNamespace?: string;
}

const json = ['-o', 'json'];
const fixtures: Fixture[] = [
  {
    name: 'seed example',
    files: seedFiles,
    pageSizeCap: 2,
    cases: [
      { name: 'explain -A', args: ['explain', '-A', ...json], reads: 'all' },
      { name: 'explain one policy', args: ['explain', 'test-network-policy', '-n', 'default', ...json], reads: 'all' },
      { name: 'explain pod', args: ['explain', 'pod/db-0', '-n', 'default', ...json], reads: 'all', services: true },
      { name: 'explain the pod a Job stands for', args: ['explain', 'pod/report', '-n', 'my-namespace', ...json], reads: 'all', services: true },
      { name: 'matrix -n', args: ['matrix', '-n', 'default', '--port', '6379', '--port', '80', ...json], reads: ['default'] },
      { name: 'matrix -n from the context namespace', args: ['matrix', '-n', 'default', '--port', '6379', ...json], reads: ['default'], contextNamespace: 'default' },
      { name: 'matrix -A', args: ['matrix', '-A', '--port', '6379', '--port', 'redis', ...json], reads: 'all' },
      { name: 'can-reach allowed', args: ['can-reach', 'default/frontend-0', 'default/db-0', '--port', '6379', ...json], reads: ['default'] },
      { name: 'can-reach denied', args: ['can-reach', 'default/db-0', 'default/frontend-0', '--port', '80', ...json], reads: ['default'] },
      { name: 'can-reach across namespaces, named port', args: ['can-reach', 'myproject/client-0', 'default/db-0', '--port', 'redis', ...json], reads: ['myproject', 'default'] },
      { name: 'can-reach from an address in the except', args: ['can-reach', '172.17.1.5', 'default/db-0', '--port', '6379', ...json], reads: 'all', nodes: true },
      { name: 'can-reach text', args: ['can-reach', 'my-namespace/batch-0', 'default/db-0', '--port', '6379'], reads: ['my-namespace', 'default'] },
      { name: 'apply-node --dry-run', args: ['apply-node', 'node-a', '--dry-run'], reads: 'all', nodes: true },
    ],
  },
  {
    name: 'multi-namespace',
    files: [multiDir],
    pageSizeCap: 7,
    cases: [
      { name: 'explain -A', args: ['explain', '-A', ...json], reads: 'all' },
      { name: 'explain one policy', args: ['explain', 'api', '-n', 'shop', ...json], reads: 'all' },
      { name: 'explain pod', args: ['explain', 'pod/payments-0', '-n', 'payments', ...json], reads: 'all', services: true },
      { name: 'explain -n, text', args: ['explain', '-n', 'data', '-o', 'wide'], reads: 'all' },
      { name: 'matrix -n', args: ['matrix', '-n', 'shop', '--port', 'http', '--port', '9000', '--port', '53/UDP', ...json], reads: ['shop'] },
      { name: 'matrix -n from the context namespace', args: ['matrix', '-n', 'data', '--port', 'postgres', '--port', '9092', ...json], reads: ['data'], contextNamespace: 'data' },
      { name: 'matrix -A', args: ['matrix', '-A', '--port', '8443', '--port', 'metrics', ...json], reads: 'all' },
      { name: 'can-reach AND peer admits', args: ['can-reach', 'shop/api-0', 'payments/payments-0', '--port', '8443', ...json], reads: ['shop', 'payments'] },
      { name: 'can-reach NotIn namespace denies', args: ['can-reach', 'dev/api-0', 'payments/payments-1', '--port', 'https', ...json], reads: ['dev', 'payments'] },
      { name: 'can-reach named port resolving per pod', args: ['can-reach', 'shop/web-0', 'shop/api-2', '--port', 'http-api', ...json], reads: ['shop'] },
      { name: 'can-reach egress allowed, ingress denied', args: ['can-reach', 'monitoring/prometheus-0', 'data/postgres-0', '--port', 'metrics', ...json], reads: ['monitoring', 'data'] },
      { name: 'can-reach to an ipBlock with except', args: ['can-reach', 'payments/gateway-0', '203.0.113.200', '--port', '443', ...json], reads: 'all', nodes: true },
      { name: 'can-reach to IPv6', args: ['can-reach', 'payments/gateway-0', '2001:db8:ba::1', '--port', '443', ...json], reads: 'all', nodes: true },
      { name: 'can-reach from a node to its pod', args: ['can-reach', '192.168.10.11', 'shop/web-0', '--port', '8080', ...json], reads: 'all', nodes: true },
      { name: 'can-reach endPort range', args: ['can-reach', 'data/backup-0', 'data/kafka-0', '--port', '9092'], reads: ['data'] },
      { name: 'can-reach from a hostNetwork pod to a pod on its node', args: ['can-reach', 'monitoring/node-exporter-n2', 'shop/web-1', '--port', '8080', ...json], reads: ['monitoring', 'shop'] },
      { name: 'apply-node --dry-run', args: ['apply-node', 'node-2', '--dry-run'], reads: 'all', nodes: true },
    ],
  },
  {
    // Three ANPs in pages of 2; the deciding rules are an ANP Deny, an ANP Pass, a CNP Accept, an ANP Allow on a named port.
    name: 'multi-namespace with the admin tiers',
    files: [multiDir, tiersDir],
    pageSizeCap: 2,
    cases: [
      { name: 'explain -A', args: ['explain', '-A', ...json], reads: 'all' },
      { name: 'can-reach denied by an AdminNetworkPolicy, text', args: ['can-reach', 'dev/api-0', 'payments/payments-1', '--port', 'https'], reads: ['dev', 'payments'] },
      { name: 'can-reach passed on by an ANP to the NetworkPolicies', args: ['can-reach', 'shop/api-0', 'payments/payments-0', '--port', '8443', ...json], reads: ['shop', 'payments'] },
      { name: 'can-reach accepted by a ClusterNetworkPolicy', args: ['can-reach', 'payments/gateway-0', 'shop/web-0', '--port', '8080', ...json], reads: ['payments', 'shop'] },
      { name: 'can-reach allowed by an ANP on a named port', args: ['can-reach', 'monitoring/prometheus-0', 'shop/api-0', '--port', 'metrics', ...json], reads: ['monitoring', 'shop'] },
      { name: 'matrix -n', args: ['matrix', '-n', 'payments', '--port', '8443', '--port', '53/UDP', ...json], reads: ['payments'] },
      { name: 'matrix -n from the context namespace', args: ['matrix', '-n', 'shop', '--port', 'http', ...json], reads: ['shop'], contextNamespace: 'shop' },
      { name: 'matrix -A', args: ['matrix', '-A', '--port', '8080', '--port', 'metrics', ...json], reads: 'all' },
      { name: 'matrix -A, text', args: ['matrix', '-A', '--port', '8443'], reads: 'all' },
    ],
  },
  {
    // The named targetPort http is 8080 on web-0 and 9090 on web-1; the Services are served defaulted.
    name: 'a Service in front of pods',
    files: [`${repo}examples/shop-service.yaml`],
    pageSizeCap: 2,
    cases: [
      { name: 'can-reach svc/NS/NAME, text', args: ['can-reach', 'shop/client-0', 'svc/shop/web', '--port', '80'], reads: ['shop'], services: true },
      { name: 'can-reach svc/NAME -n, named Service port', args: ['can-reach', 'client-0', 'svc/web', '-n', 'shop', '--port', 'http', ...json], reads: ['shop'], services: true },
      { name: 'can-reach svc/NAME from the context namespace, every backend allowed', args: ['can-reach', 'monitoring-0', 'svc/canary', '-n', 'shop', '--port', '80'], reads: ['shop'], services: true, contextNamespace: 'shop' },
      { name: 'can-reach from an address to a Service', args: ['can-reach', '10.1.0.6', 'svc/shop/web', '--port', 'metrics', ...json], reads: 'all', nodes: true, services: true },
      { name: 'explain pod names its Services', args: ['explain', 'pod/web-debug', '-n', 'shop'], reads: 'all', services: true },
    ],
  },
];

const LIST_PATHS = {
  namespaces: (ns?: string) => (ns === undefined ? '/api/v1/namespaces' : `/api/v1/namespaces/${ns}`),
  pods: (ns?: string) => (ns === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${ns}/pods`),
  networkpolicies: (ns?: string) =>
    ns === undefined ? '/apis/networking.k8s.io/v1/networkpolicies' : `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`,
  services: (ns?: string) => (ns === undefined ? '/api/v1/services' : `/api/v1/namespaces/${ns}/services`),
};

/** The admin tiers' lists: cluster-wide for every scope. */
const TIER_LISTS = [
  ['/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies', 'AdminNetworkPolicy'],
  ['/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies', 'BaselineAdminNetworkPolicy'],
  ['/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies', 'ClusterNetworkPolicy'],
] as const;

function count(objects: readonly JsonObject[], kind: string, ns?: string): number {
  return objects.filter((o) => o['kind'] === kind && (ns === undefined || (o['metadata'] as { namespace?: string }).namespace === ns)).length;
}

/** Each list call the case needs (path and item count); GETs of single namespaces have count undefined. */
function expectedCalls(c: Case, objects: readonly JsonObject[]): Map<string, number | undefined> {
  const calls = new Map<string, number | undefined>();
  if (c.reads === 'all') {
    calls.set(LIST_PATHS.namespaces(), count(objects, 'Namespace'));
    calls.set(LIST_PATHS.pods(), count(objects, 'Pod'));
    calls.set(LIST_PATHS.networkpolicies(), count(objects, 'NetworkPolicy'));
    if (c.services === true) calls.set(LIST_PATHS.services(), count(objects, 'Service'));
  } else {
    for (const ns of c.reads) {
      calls.set(LIST_PATHS.namespaces(ns), undefined);
      calls.set(LIST_PATHS.pods(ns), count(objects, 'Pod', ns));
      calls.set(LIST_PATHS.networkpolicies(ns), count(objects, 'NetworkPolicy', ns));
      if (c.services === true) calls.set(LIST_PATHS.services(ns), count(objects, 'Service', ns));
    }
  }
  if (c.nodes === true) calls.set('/api/v1/nodes', count(objects, 'Node'));
  for (const [path, kind] of TIER_LISTS) calls.set(path, count(objects, kind));
  return calls;
}

/** The log shows exactly the needed calls, each list read in ceil(n / cap) pages through continue tokens. */
function assertRequests(log: readonly RequestLogEntry[], want: Map<string, number | undefined>, cap: number): void {
  for (const e of log) assert.equal(e.method, 'GET', `only reads: ${requestLine(e)}`);
  assert.deepEqual([...new Set(log.map((e) => e.path))].sort(), [...want.keys()].sort(), 'the paths read');
  for (const [path, n] of want) {
    const calls = log.filter((e) => e.path === path);
    if (n === undefined) {
      assert.equal(calls.length, 1, `one GET of ${path}`);
      continue;
    }
    const pages = Math.max(1, Math.ceil(n / cap));
    assert.equal(calls.length, pages, `${path}: ${n} items in pages of ${cap}`);
    for (const [i, call] of calls.entries()) {
      assert.ok(Number(call.query.get('limit')) > 0, `${path} page ${i} asks for a limit`);
      assert.equal(call.query.has('continue'), i > 0, `${path} page ${i} ${i > 0 ? 'continues' : 'starts'} the list`);
    }
  }
}

function assertSame(files: Run, cluster: Run): void {
  // Only notes about pods without an address may be printed, and they may differ: the files' Job
  // is a template that has none by nature, the cluster's copy a pod that has none yet.
  const unnoted = (stderr: string): string => stderr.replace(/^note: \d+ pods? ha(?:s|ve) no IP address yet: .*\n/m, '');
  assert.equal(unnoted(files.stderr), '', `files: ${files.stderr}`);
  assert.equal(unnoted(cluster.stderr), '', `cluster: ${cluster.stderr}`);
  assert.ok(files.code === 0 || files.code === 1, `files exit ${files.code}`);
  assert.ok(files.stdout.length > 0, 'an answer');
  assert.equal(cluster.code, files.code, 'exit code');
  assert.equal(cluster.stdout, files.stdout, 'stdout');
}

for (const fx of fixtures) {
  const objects = wireObjects(fx.files);
  const fileArgs = fx.files.flatMap((f) => ['-f', f]);
  describe(`files and cluster agree: ${fx.name}`, { concurrency: 3 }, () => {
    for (const c of fx.cases) {
      test(c.name, async () => {
        const cluster = await fakeCluster(objects, { pageSizeCap: fx.pageSizeCap, ...(c.contextNamespace !== undefined ? { namespace: c.contextNamespace } : {}) });
        try {
          const clusterArgs = c.contextNamespace !== undefined ? withoutNamespaceFlag(c.args) : c.args;
          assert.ok(c.contextNamespace === undefined || clusterArgs.length < c.args.length, 'the context case drops -n');
          const sourceArgs = c.args[0] === 'explain' ? ['-f', storedFile(cluster)] : fileArgs;
          const [files, live] = await Promise.all([netpol([...c.args, ...sourceArgs]), netpol([...clusterArgs, '--kubeconfig', cluster.kubeconfig])]);
          assertSame(files, live);
          assertRequests(cluster.server.log, expectedCalls(c, objects), fx.pageSizeCap);
        } finally {
          await cluster.close();
        }
      });
    }
  });
}

/** The fake's objects as it stores them (defaulted), as one `kind: List` JSON file. */
function storedFile(cluster: FakeCluster): string {
  const path = join(cluster.dir, 'stored.json');
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cluster.server.stored() }));
  return path;
}

function withoutNamespaceFlag(args: readonly string[]): string[] {
  const i = args.indexOf('-n');
  return i < 0 ? [...args] : [...args.slice(0, i), ...args.slice(i + 2)];
}

test('through the real kubectl: kubectl netpol can-reach --kubeconfig gives the files\' answer', async () => {
  const objects = wireObjects([multiDir]);
  const cluster = await fakeCluster(objects, { pageSizeCap: 7 });
  try {
    const pairs = [
      ['shop/api-1', 'payments/payments-1', '8443'],
      ['shop/mailer-0', 'payments/payments-1', '8443'],
    ];
    for (const [src = '', dst = '', port = ''] of pairs) {
      const args = ['can-reach', src, dst, '--port', port];
      const [files, live] = await Promise.all([
        netpol([...args, '-f', multiDir]),
        run('kubectl', ['netpol', ...args, '--kubeconfig', cluster.kubeconfig]),
      ]);
      assertSame(files, live);
    }
    assert.ok(cluster.server.log.some((e) => e.path === '/api/v1/namespaces/payments/pods'), 'the plugin read the fake');
  } finally {
    await cluster.close();
  }
});

test('why explain reads the stored objects: its policyTypes note needs the object as written', async () => {
  const objects = wireObjects([multiDir]);
  const cluster = await fakeCluster(objects);
  try {
    const args = ['explain', '-A', '-o', 'wide'];
    const [raw, stored, live] = await Promise.all([
      netpol([...args, '-f', multiDir]),
      netpol([...args, '-f', storedFile(cluster)]),
      netpol([...args, '--kubeconfig', cluster.kubeconfig]),
    ]);
    const unwritten = objects.filter((o) => o['kind'] === 'NetworkPolicy' && (o['spec'] as { policyTypes?: unknown }).policyTypes === undefined);
    assert.ok(unwritten.length > 0, 'the fixture has policies without policyTypes');
    const defaulted = (r: Run) => r.stdout.split('\n').filter((l) => l.includes('policyTypes defaulted to')).length;
    assert.equal(defaulted(raw), unwritten.length, 'from the raw files, each such policy says so');
    assert.equal(defaulted(stored), 0, 'the stored objects have policyTypes');
    assertSame(stored, live);
    assert.notEqual(raw.stdout, live.stdout);
  } finally {
    await cluster.close();
  }
});
