// What users see when the cluster cannot answer, through the real executable: each error is one
// `error: ...` line on stderr, exit 2, nothing on stdout, no stack trace. Then the overlay:
// local files laid over the live cluster change a verdict, and the output says so.
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { otherCaPem } from '../support/certs.js';
import type { FakeApiServer } from '../support/apiserver.js';
import { fakeCluster, multiDir, overlayDir, wireObjects, type FakeCluster } from './cluster-fixtures.js';
import { netpol, type Run } from './run.js';

const objects = wireObjects([multiDir]);

interface ErrorCase {
  readonly name: string;
  /** The command; `K` stands for the kubeconfig that `kubeconfig` returns (default: the fake's own). */
  readonly args: readonly string[];
  readonly kubeconfig?: (c: FakeCluster) => Promise<string> | string;
  readonly setup?: (s: FakeApiServer) => void;
  readonly env?: (c: FakeCluster) => NodeJS.ProcessEnv;
  readonly want: (s: FakeApiServer) => string;
}

const reach = ['can-reach', 'shop/web-0', 'shop/api-0', '--port', '9000'];
const cases: ErrorCase[] = [
  {
    name: 'server unreachable names the server',
    args: [...reach, '--kubeconfig', 'K'],
    kubeconfig: (c) => c.kubeconfigWith({ server: 'https://127.0.0.1:1' }),
    want: () => 'Unable to connect to the server https://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused',
  },
  {
    name: 'TLS: the server certificate is not signed by the kubeconfig CA',
    args: ['explain', '-A', '--kubeconfig', 'K'],
    kubeconfig: async (c) => c.kubeconfigWith({ caPem: await otherCaPem() }),
    want: (s) => `Unable to connect to the server ${s.url}: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  },
  {
    name: '401: a token the server does not know',
    args: ['matrix', '-n', 'shop', '--port', '80', '--kubeconfig', 'K'],
    kubeconfig: (c) => c.kubeconfigWith({ token: 'expired-token' }),
    want: () => 'You must be logged in to the server (Unauthorized)',
  },
  {
    name: '403 names the verb, the resource and the namespace',
    args: [...reach, '--kubeconfig', 'K'],
    setup: (s) => s.forbid({ verb: 'list', resource: 'networkpolicies', namespace: 'shop' }),
    want: () =>
      'Error from server (Forbidden): networkpolicies.networking.k8s.io is forbidden: User "tester" cannot list resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop"',
  },
  {
    name: '403 on a cluster-wide list (explain reads every namespace)',
    args: ['explain', 'api', '-n', 'shop', '--kubeconfig', 'K'],
    setup: (s) => s.forbid({ verb: 'list', resource: 'pods', clusterScope: true }),
    want: () => 'Error from server (Forbidden): pods is forbidden: User "tester" cannot list resource "pods" in API group "" at the cluster scope',
  },
  {
    name: '403 on nodes (apply-node reads them)',
    args: ['apply-node', 'node-1', '--dry-run', '--kubeconfig', 'K'],
    setup: (s) => s.forbid({ verb: 'list', resource: 'nodes' }),
    want: () => 'Error from server (Forbidden): nodes is forbidden: User "tester" cannot list resource "nodes" in API group "" at the cluster scope',
  },
  {
    name: '404: can-reach names a pod the cluster does not have',
    args: ['can-reach', 'shop/web-0', 'shop/nope', '--port', '80', '--kubeconfig', 'K'],
    want: () => 'DST: pod "nope" not found in namespace shop',
  },
  {
    name: '404: explain names a policy the cluster does not have',
    args: ['explain', 'nope', '-n', 'payments', '--kubeconfig', 'K'],
    want: () => 'networkpolicy "nope" not found in namespace payments',
  },
  {
    name: '404: explain pod/NAME in the context namespace',
    args: ['explain', 'pod/web-0', '--kubeconfig', 'K'],
    want: () => 'pod "web-0" not found in namespace default',
  },
  {
    name: '404: apply-node --dry-run names a node the cluster does not have',
    args: ['apply-node', 'node-9', '--dry-run', '--kubeconfig', 'K'],
    want: () => 'nodes "node-9" not found',
  },
  {
    name: 'timeout: --request-timeout 1s on a server that answers in 10s',
    args: [...reach, '--request-timeout', '1s', '--kubeconfig', 'K'],
    setup: (s) => s.setDelay(10_000),
    want: (s) => `the server ${s.url} did not respond within 1s (--request-timeout)`,
  },
  {
    name: 'an invalid --request-timeout',
    args: [...reach, '--request-timeout', 'soon', '--kubeconfig', 'K'],
    want: () => 'invalid --request-timeout "soon": timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)',
  },
  {
    name: 'unknown --context',
    args: [...reach, '--context', 'prod', '--kubeconfig', 'K'],
    want: () => 'context "prod" does not exist',
  },
  {
    name: '--kubeconfig names a missing file',
    args: [...reach, '--kubeconfig', '/nonexistent/config'],
    want: () => 'stat /nonexistent/config: no such file or directory (--kubeconfig)',
  },
  {
    name: 'no kubeconfig at all: no KUBECONFIG, no ~/.kube/config',
    args: reach,
    env: (c) => ({ KUBECONFIG: undefined, HOME: c.dir, KUBERNETES_SERVICE_HOST: undefined }),
    want: () => 'invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig',
  },
  {
    name: 'KUBECONFIG lists only missing files',
    args: ['matrix', '--port', '80'],
    env: (c) => ({ KUBECONFIG: `${c.dir}/a:${c.dir}/b`, HOME: c.dir, KUBERNETES_SERVICE_HOST: undefined }),
    want: () => 'invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig',
  },
];

function assertOneErrorLine(r: Run, want: string): void {
  assert.equal(r.stderr, `error: ${want}\n`);
  assert.equal(r.code, 2, `exit code; stdout: ${r.stdout}`);
  assert.equal(r.stdout, '');
}

describe('cluster errors through the real executable', { concurrency: 3 }, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const cluster = await fakeCluster(objects);
      try {
        c.setup?.(cluster.server);
        const k = c.kubeconfig ? await c.kubeconfig(cluster) : cluster.kubeconfig;
        const args = c.args.map((a) => (a === 'K' ? k : a));
        const r = await netpol(args, c.env ? { env: c.env(cluster) } : {});
        assertOneErrorLine(r, c.want(cluster.server));
      } finally {
        await cluster.close();
      }
    });
  }
});

interface OverlayCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly file: string;
  /** Exit codes: cluster alone, then with the file laid over it. */
  readonly codes: readonly [number, number];
}

const overlays: OverlayCase[] = [
  { name: 'a new policy denies what the cluster allows', args: ['can-reach', 'dev/debug-shell', 'dev/postgres-0', '--port', '5432'], file: `${overlayDir}/debug-egress.yaml`, codes: [0, 1] },
  { name: 'a replaced policy allows what the cluster denies', args: ['can-reach', 'data/backup-0', 'data/kafka-0', '--port', '9092'], file: `${overlayDir}/kafka.yaml`, codes: [1, 0] },
];

describe('-f FILE --cluster lays local files over the live cluster', { concurrency: 2 }, () => {
  for (const c of overlays) {
    test(c.name, async () => {
      const cluster = await fakeCluster(objects);
      const env = { KUBECONFIG: cluster.kubeconfig };
      try {
        const [alone, text, json] = await Promise.all([
          netpol(c.args, { env }),
          netpol([...c.args, '-f', c.file, '--cluster'], { env }),
          netpol([...c.args, '-f', c.file, '--cluster', '-o', 'json'], { env }),
        ]);
        assert.equal(alone.code, c.codes[0], alone.stdout + alone.stderr);
        assert.doesNotMatch(alone.stdout, /local files/);
        assert.equal(text.code, c.codes[1], text.stdout + text.stderr);
        assert.match(text.stdout, new RegExp(`^Note: this answer includes local files laid over the live cluster: ${c.file}$`, 'm'));
        assert.equal(json.code, c.codes[1], json.stderr);
        const j = JSON.parse(json.stdout) as { allowed: boolean; includesLocalFiles?: string[] };
        assert.deepEqual(j.includesLocalFiles, [c.file]);
        assert.equal(j.allowed, c.codes[1] === 0);
        for (const r of [alone, text, json]) assert.equal(r.stderr, '');
      } finally {
        await cluster.close();
      }
    });
  }

  test('--kubeconfig with -f is an overlay too; -f alone never reads the cluster', async () => {
    const cluster = await fakeCluster(objects);
    try {
      const file = `${overlayDir}/debug-egress.yaml`;
      const args = ['can-reach', 'dev/debug-shell', 'dev/postgres-0', '--port', '5432'];
      const withKubeconfig = await netpol([...args, '-f', file, '--kubeconfig', cluster.kubeconfig]);
      assert.equal(withKubeconfig.code, 1);
      assert.match(withKubeconfig.stdout, /includes local files/);
      const before = cluster.server.log.length;
      // The file alone has no pods: offline, the pods are unknown; and the fake sees no request.
      const offline = await netpol([...args, '-f', file], { env: { KUBECONFIG: cluster.kubeconfig } });
      assert.equal(offline.code, 2);
      assert.equal(offline.stderr, 'error: SRC: pod "debug-shell" not found in namespace dev\n');
      assert.equal(cluster.server.log.length, before);
    } finally {
      await cluster.close();
    }
  });
});

test('a local object with no namespace goes to the context\'s namespace, as kubectl apply -f puts it', async () => {
  const cluster = await fakeCluster(objects, { namespace: 'dev' });
  try {
    const policy = readFileSync(`${overlayDir}/debug-egress.yaml`, 'utf8').replace(/^ {2}namespace: dev\n/m, '');
    assert.doesNotMatch(policy, /namespace: dev/);
    const args = ['can-reach', 'debug-shell', 'postgres-0', '--port', '5432', '-f', '-', '--kubeconfig', cluster.kubeconfig];
    const r = await netpol(args, { stdin: policy });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /debug-egress/);
    // -n still wins over the context, for the file's objects as for the names.
    const other = await netpol([...args, '-n', 'data'].map((a) => (a === 'debug-shell' ? 'dev/debug-shell' : a === 'postgres-0' ? 'dev/postgres-0' : a)), { stdin: policy });
    assert.equal(other.code, 0, other.stdout + other.stderr);
  } finally {
    await cluster.close();
  }
});

test('a --cluster overlay with an invalid local file fails before reading the cluster', async () => {
  const cluster = await fakeCluster(objects);
  try {
    const r = await netpol(['explain', '-A', '-f', '-', '--cluster', '--kubeconfig', cluster.kubeconfig], {
      stdin: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: dev}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 0\n',
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: <stdin>.*NetworkPolicy dev\/bad.*spec\.ingress\[0\]\.ports\[0\]\.port.*\n$/);
    assert.equal(cluster.server.log.length, 0);
  } finally {
    await cluster.close();
  }
});
