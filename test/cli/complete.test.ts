// Shell completion with names read from the cluster, the way kubectl (>= 1.26) completes plugins:
// `kubectl __complete netpol WORDS...` runs plugin/kubectl_complete-netpol, which prints one
// candidate per line and then cobra's directive (`:4`: do not complete file names). KUBECONFIG
// points at the fake, whose context namespace is shop; an unreachable cluster yields no candidates
// and no error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeCluster, multiDir, wireObjects, type FakeCluster } from './cluster-fixtures.js';
import { repo, run } from './run.js';

const objects = wireObjects([multiDir]);

interface Case {
  readonly name: string;
  /** The words after `kubectl __complete netpol`; the last is the one being completed. */
  readonly words: readonly string[];
  readonly want: readonly string[];
}

const shopPods = ['api-0', 'api-1', 'api-2', 'cart-0', 'cart-1', 'mailer-0', 'web-0', 'web-1', 'web-2', 'web-canary-0'];
const cases: Case[] = [
  { name: 'can-reach SRC: pods of the context namespace', words: ['can-reach', ''], want: shopPods },
  { name: 'can-reach DST after SRC', words: ['can-reach', 'shop/web-0', 'api'], want: ['api-0', 'api-1', 'api-2'] },
  { name: 'can-reach NS/: pods of that namespace', words: ['can-reach', 'payments/'], want: ['payments/fraud-0', 'payments/gateway-0', 'payments/ledger-0', 'payments/ledger-1', 'payments/payments-0', 'payments/payments-1'] },
  { name: 'can-reach with -n before the command', words: ['-n', 'kube-system', 'can-reach', ''], want: ['coredns-0', 'coredns-1', 'kube-proxy-n1', 'metrics-server-0'] },
  { name: 'can-reach: nothing after DST', words: ['can-reach', 'web-0', 'api-0', ''], want: [] },
  { name: 'apply-node NODE: node names', words: ['apply-node', ''], want: ['node-1', 'node-2', 'node-3'] },
  { name: 'explain: policy names, then pod/', words: ['explain', ''], want: ['allow-dns', 'api', 'default-deny', 'web', 'pod/'] },
  { name: 'explain -n NS: that namespace\'s policies', words: ['explain', '-n', 'data', ''], want: ['kafka', 'stores', 'pod/'] },
  { name: 'explain pod/: pod names', words: ['explain', 'pod/web'], want: ['pod/web-0', 'pod/web-1', 'pod/web-2', 'pod/web-canary-0'] },
  { name: '-n: namespaces', words: ['matrix', '-n', ''], want: ['data', 'dev', 'kube-system', 'monitoring', 'payments', 'shop'] },
  { name: '--namespace with a prefix', words: ['explain', '--namespace', 'd'], want: ['data', 'dev'] },
  { name: '--ip-family: its two values', words: ['can-reach', '--ip-family', ''], want: ['IPv4', 'IPv6'] },
  { name: '--ip-family takes its value: the next word is SRC', words: ['can-reach', '--ip-family', 'IPv6', 'web-'], want: ['web-0', 'web-1', 'web-2', 'web-canary-0'] },
  { name: 'matrix flags include --ip-family', words: ['matrix', '--i'], want: ['--ip-family'] },
  { name: '-o: the output formats', words: ['explain', '-o', ''], want: ['table', 'wide', 'json', 'yaml'] },
  { name: 'matrix -o: the review formats and pictures', words: ['matrix', '-o', ''], want: ['table', 'wide', 'json', 'yaml', 'md', 'csv', 'dot', 'mermaid', 'svg'] },
  { name: 'diff -o: the same', words: ['diff', 'a.yaml', 'b.yaml', '-o', ''], want: ['table', 'wide', 'json', 'yaml', 'md', 'csv', 'dot', 'mermaid', 'svg'] },
  { name: 'lint -o: its own', words: ['lint', '-o', ''], want: ['table', 'wide', 'json', 'yaml', 'md'] },
  { name: 'lint --fail-on: the severities', words: ['lint', '--fail-on', ''], want: ['error', 'warning', 'info'] },
  { name: '--helper-namespace: namespaces', words: ['apply-node', 'node-1', '--helper-namespace', 'k'], want: ['kube-system'] },
];

async function complete(words: readonly string[], env: NodeJS.ProcessEnv) {
  return run('kubectl', ['__complete', 'netpol', ...words], { env });
}

function candidates(stdout: string): string[] {
  const lines = stdout.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.pop(), ':4', `ends with :4, got ${JSON.stringify(stdout)}`);
  return lines.map((l) => l.split('\t')[0] ?? '');
}

describe('completion with names from the cluster, through kubectl', { concurrency: 3 }, () => {
  let cluster: FakeCluster;
  before(async () => {
    cluster = await fakeCluster(objects, { namespace: 'shop', pageSizeCap: 7 });
  });
  after(() => cluster.close());
  const env = (): NodeJS.ProcessEnv => ({ KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir });
  for (const c of cases) {
    test(c.name, async () => {
      const r = await complete(c.words, env());
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(candidates(r.stdout), c.want);
    });
  }
  test('kubectl runs the plugin\'s completion shim', async () => {
    const r = await complete(['apply-node', 'node-'], env());
    assert.match(r.stderr, new RegExp(`About to call: ${repo}plugin/kubectl_complete-netpol apply-node node-`));
    assert.deepEqual(candidates(r.stdout), ['node-1', 'node-2', 'node-3']);
  });
});

describe('completion when the cluster cannot be read: no candidates, no error', { concurrency: 3 }, () => {
  const words: (readonly string[])[] = [['can-reach', ''], ['explain', ''], ['apply-node', ''], ['matrix', '-n', '']];
  let c: FakeCluster;
  before(async () => {
    c = await fakeCluster([]);
  });
  after(() => c.close());
  for (const w of words) {
    test(`unreachable server: ${w.join(' ')}`, async () => {
      const down = c.kubeconfigWith({ server: 'https://127.0.0.1:1', fileName: 'down' });
      const viaKubectl = await complete(w, { KUBECONFIG: down, HOME: c.dir });
      assert.equal(viaKubectl.code, 0);
      assert.equal(viaKubectl.stdout, ':4\n');
      const direct = await run(`${repo}plugin/kubectl_complete-netpol`, w, { env: { KUBECONFIG: down, HOME: c.dir } });
      assert.deepEqual([direct.code, direct.stdout, direct.stderr], [0, ':4\n', '']);
    });
  }
  test('a bad --request-timeout', async () => {
    const r = await run(`${repo}plugin/kubectl_complete-netpol`, ['explain', '--request-timeout', 'soon', ''], { env: { KUBECONFIG: c.kubeconfig, HOME: c.dir } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, ':4\n', '']);
  });
  test('a flag naming a file (-f, --kubeconfig, --node-state): the shell completes files', async () => {
    for (const flag of ['-f', '--kubeconfig', '--node-state']) {
      const r = await run(`${repo}plugin/kubectl_complete-netpol`, ['apply-node', 'node-1', flag, ''], { env: { KUBECONFIG: c.kubeconfig, HOME: c.dir } });
      assert.deepEqual([r.code, r.stdout], [0, ':0\n'], flag);
    }
  });
  test('no kubeconfig at all', async () => {
    const r = await run(`${repo}plugin/kubectl_complete-netpol`, ['explain', ''], { env: { KUBECONFIG: undefined, HOME: c.dir } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, ':4\n', '']);
  });
});
