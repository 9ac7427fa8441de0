// lint through the real executable: the example cluster's findings, --fail-on and the exit codes,
// the -o json contract, every invalid object of a file reported beside the findings of the valid
// ones, one POLICY and -n, and the live cluster through the test API server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { example, netpol } from './run.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';

interface FindingJson {
  code: string;
  severity: string;
  kind: string;
  object: string;
  path: string;
  message: string;
}

async function findings(args: readonly string[], opts?: { stdin?: string }): Promise<{ code: number; findings: FindingJson[] }> {
  const r = await netpol(['lint', ...args, '-o', 'json'], opts);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const data = JSON.parse(r.stdout) as { findings: FindingJson[] };
  return { code: r.code, findings: data.findings };
}

const SEED = [
  'warning egress-blocks-dns NetworkPolicy default/test-network-policy spec.egress',
  'warning ipblock-matches-pods NetworkPolicy default/test-network-policy spec.egress[0].to[0]',
  'warning ipblock-matches-pods NetworkPolicy default/test-network-policy spec.ingress[0].from[0]',
  'info unreachable-pod Pod my-namespace/batch-0 ',
  'info unreachable-pod Job my-namespace/report ',
];

test('lint: the example cluster\'s findings, in table and JSON; exit 1 on warnings, 0 with --fail-on error', async () => {
  const j = await findings(['-f', example]);
  assert.equal(j.code, 1);
  assert.deepEqual(j.findings.map((f) => `${f.severity} ${f.code} ${f.kind} ${f.object} ${f.path}`), SEED);
  for (const f of j.findings) assert.deepEqual(Object.keys(f), ['code', 'severity', 'kind', 'object', 'path', 'message']);
  const table = await netpol(['lint', '-f', example]);
  assert.equal(table.code, 1);
  assert.match(table.stdout, /^SEVERITY +CODE +OBJECT +PATH +MESSAGE$/m);
  assert.match(table.stdout, /^warning +egress-blocks-dns +networkpolicy\/default\/test-network-policy +spec\.egress +isolates default\/db-0 for egress/m);
  assert.match(table.stdout, /^5 findings \(0 errors, 3 warnings, 2 info\) in 2 policies\.$/m);
  assert.equal((await netpol(['lint', '-f', example, '--fail-on', 'error'])).code, 0);
  assert.equal((await netpol(['lint', '-f', example, '--fail-on', 'info', '-n', 'my-namespace'])).code, 1);
  assert.equal((await netpol(['lint', '-f', example, '--fail-on', 'warning', '-n', 'my-namespace'])).code, 0);
  const md = await netpol(['lint', '-f', example, '-o', 'md']);
  assert.match(md.stdout, /^\*\*kubectl netpol lint\*\*: 5 findings/);
  assert.match(md.stdout, /^\| warning \| `egress-blocks-dns` \| `networkpolicy\/default\/test-network-policy` \| `spec\.egress` \| isolates /m);
});

test('lint POLICY and -n: the findings of that policy, or of that namespace; an unknown policy is an error', async () => {
  const one = await findings(['-f', example, 'deny-all-policy', '-n', 'my-namespace']);
  assert.deepEqual(one.findings, []);
  assert.equal(one.code, 0);
  const ns = await findings(['-f', example, '-n', 'my-namespace']);
  assert.deepEqual(ns.findings.map((f) => f.code), ['unreachable-pod', 'unreachable-pod']);
  const none = await netpol(['lint', '-f', example, 'no-such', '-n', 'default']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^error: .*networkpolic(y|ies).*"no-such".*\n$/);
  const clean = await netpol(['lint', '-f', example, 'deny-all-policy', '-n', 'my-namespace']);
  assert.equal(clean.stdout, 'No findings in networkpolicy my-namespace/deny-all-policy.\n');
});

test('lint: every invalid object of a file is a finding with the other commands\' words; the valid ones are linted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'knp-lint-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: one, namespace: shop}',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '  - ports: [{port: 70000}]',
        '---',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: two, namespace: shop}',
        'spec:',
        '  podSelector: {matchLabels: {app: nobody}}',
        '---',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: three, namespace: shop}',
        'spec:',
        '  podSelector: {}',
        '  policyTypes: [Sideways]',
        '',
      ].join('\n'),
    );
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: [unclosed\n');
    const j = await findings(['-f', bad, '-f', broken]);
    assert.equal(j.code, 1);
    const got = j.findings.map((f) => [f.severity, f.code, f.kind, f.object, f.path]);
    assert.deepEqual(got, [
      ['error', 'invalid-manifest', 'NetworkPolicy', 'shop/one', 'spec.ingress[0].ports[0].port'],
      ['error', 'invalid-manifest', 'NetworkPolicy', 'shop/three', 'spec.policyTypes[0]'],
      ['error', 'invalid-manifest', '', '', ''],
      ['warning', 'selects-no-pods', 'NetworkPolicy', 'shop/two', 'spec.podSelector'],
    ]);
    // The words the other commands stop at, first error only.
    const explain = await netpol(['explain', '-f', bad]);
    assert.equal(explain.code, 2);
    assert.equal(`error: ${j.findings[0]?.message ?? ''}\n`, explain.stderr);
    assert.match(j.findings[2]?.message ?? '', /broken\.yaml/);
    // --fail-on error still fails on invalid input.
    assert.equal((await netpol(['lint', '-f', bad, '--fail-on', 'error'])).code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint: bad flags are one line and exit 2', async () => {
  const r = await netpol(['lint', '-f', example, '--fail-on', 'never']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /fail-on/);
});

let server: FakeApiServer;
let dir: string;
/** A live cluster runs the Job's pod, not the Job. */
const reportPod: JsonObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'my-namespace', name: 'report', labels: { app: 'report' } },
  spec: { containers: [{ name: 'report', image: 'busybox:1.36' }] },
  status: { phase: 'Running', podIP: '10.244.3.40', podIPs: [{ ip: '10.244.3.40' }] },
};
before(async () => {
  const objects = parseAllDocuments(readFileSync(example, 'utf8')).map((d) => d.toJS() as JsonObject);
  server = await startApiServer({ objects: [...objects.filter((o) => o['kind'] !== 'Job'), reportPod] });
  dir = mkdtempSync(join(tmpdir(), 'knp-lint-cluster-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('lint -A against the live cluster: the same findings as from the files', async () => {
  const live = await findings(['-A', '--kubeconfig', server.kubeconfigPath(dir)]);
  assert.deepEqual(live.findings.map((f) => `${f.severity} ${f.code} ${f.kind} ${f.object} ${f.path}`), SEED.map((l) => l.replace(' Job ', ' Pod ')));
  const ns = await findings(['-n', 'default', '--kubeconfig', server.kubeconfigPath(dir)]);
  assert.deepEqual(ns.findings.map((f) => f.object), ['default/test-network-policy', 'default/test-network-policy', 'default/test-network-policy']);
});
