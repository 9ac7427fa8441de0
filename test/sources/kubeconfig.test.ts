// The in-cluster branch of kubeconfig resolution: a pod's service account, found through
// KUBERNETES_SERVICE_HOST/PORT and the mounted directory (here a temp folder standing in for
// /var/run/secrets/kubernetes.io/serviceaccount), read through the test API server with the
// directory's token and CA. File-based resolution is tested in cluster-config.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { isOneLineCliError } from './manifest-helpers.js';
import { resolveKubeconfig, SERVICE_ACCOUNT_DIR, type KubeconfigEnv } from '../../src/sources/kubeconfig.js';
import { otherCaPem } from '../support/certs.js';
import { startApiServer, type FakeApiServer } from '../support/apiserver.js';
import { writeKubeconfig } from '../support/kubeconfig-file.js';
import { namespaceObj } from '../support/objects.js';

const SA_TOKEN = 'service-account-token-of-netpol-pod';
let server: FakeApiServer;
let root: string;
let foreignCa: string;

before(async () => {
  server = await startApiServer({ token: SA_TOKEN });
  server.add(namespaceObj('shop'), namespaceObj('data'));
  root = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  foreignCa = await otherCaPem();
  mkdirSync(join(root, 'emptyhome'));
  writeKubeconfig(join(root, 'home', '.kube', 'config'), {
    clusters: [{ name: 'c', server: server.url, caPem: server.caPem }],
    users: [{ name: 'u', token: SA_TOKEN }],
    contexts: [{ name: 'from-home', cluster: 'c', user: 'u' }],
    currentContext: 'from-home',
  });
});

after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Mount {
  /** undefined: no token file; 'dir': a directory where the file should be. */
  readonly token?: string | 'dir';
  /** 'server': the fake's CA; 'other': an unrelated CA; undefined: no ca.crt. */
  readonly ca?: 'server' | 'other';
  readonly namespace?: string;
}

let mounts = 0;
/** A service account directory as the kubelet mounts it. */
function mount(m: Mount): string {
  const dir = join(root, `sa-${++mounts}`);
  mkdirSync(dir, { recursive: true });
  if (m.token === 'dir') mkdirSync(join(dir, 'token'));
  else if (m.token !== undefined) writeFileSync(join(dir, 'token'), m.token);
  if (m.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), m.ca === 'server' ? server.caPem : foreignCa);
  if (m.namespace !== undefined) writeFileSync(join(dir, 'namespace'), m.namespace);
  return dir;
}

function podEnv(extra: Record<string, string> = {}): KubeconfigEnv {
  const { hostname, port } = new URL(server.url);
  return { HOME: join(root, 'emptyhome'), KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port, ...extra };
}

const serviceAccount: Mount = { token: SA_TOKEN, ca: 'server', namespace: 'shop' };

interface ResolveCase {
  readonly name: string;
  readonly mount: Mount;
  readonly env: () => KubeconfigEnv;
  readonly want: { readonly context: string; readonly namespace: string };
}
const cases: ResolveCase[] = [
  { name: 'the token and CA of the directory, the namespace of its file', mount: serviceAccount, env: () => podEnv(), want: { context: 'inClusterContext', namespace: 'shop' } },
  {
    name: 'the namespace file is trimmed',
    mount: { ...serviceAccount, namespace: 'data\n' },
    env: () => podEnv(),
    want: { context: 'inClusterContext', namespace: 'data' },
  },
  {
    name: 'POD_NAMESPACE comes before the file, as in kubectl',
    mount: serviceAccount,
    env: () => podEnv({ POD_NAMESPACE: 'data' }),
    want: { context: 'inClusterContext', namespace: 'data' },
  },
  { name: 'no namespace file: default', mount: { token: SA_TOKEN, ca: 'server' }, env: () => podEnv(), want: { context: 'inClusterContext', namespace: 'default' } },
  { name: 'an empty namespace file: default', mount: { ...serviceAccount, namespace: ' \n' }, env: () => podEnv(), want: { context: 'inClusterContext', namespace: 'default' } },
  {
    name: 'a kubeconfig, when there is one, comes before the service account',
    mount: serviceAccount,
    env: () => podEnv({ HOME: join(root, 'home') }),
    want: { context: 'from-home', namespace: 'default' },
  },
];
for (const c of cases) {
  test(`in-cluster: ${c.name}; the fake is read with the resolved config`, async () => {
    const r = resolveKubeconfig({ serviceAccountDir: mount(c.mount) }, c.env());
    assert.deepEqual({ context: r.context, namespace: r.defaultNamespace, server: r.server }, { ...c.want, server: server.url });
    const before = server.log.length;
    const list = await r.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
    assert.deepEqual(list.items.map((n) => n.metadata?.name).sort(), ['data', 'shop']);
    assert.equal(server.log.slice(before).filter((e) => e.path === '/api/v1/namespaces' && e.status === 200).length, 1);
  });
}

test('in-cluster: the server is https://HOST:PORT whatever the port, and an IPv6 host is bracketed', () => {
  const dir = mount(serviceAccount);
  for (const [host, port, want] of [
    ['10.96.0.1', '443', 'https://10.96.0.1:443'],
    ['10.96.0.1', '8080', 'https://10.96.0.1:8080'],
    ['fd00:10:96::1', '443', 'https://[fd00:10:96::1]:443'],
  ] as const) {
    const r = resolveKubeconfig({ serviceAccountDir: dir }, { HOME: join(root, 'emptyhome'), KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port });
    assert.equal(r.server, want);
  }
});

// What the fake answers proves which token and CA went out: it accepts only SA_TOKEN, and its
// certificate is signed by its own throwaway CA.
const readFailures: { name: string; mount: Mount; want: (e: unknown) => boolean }[] = [
  { name: 'another token in the file: 401', mount: { ...serviceAccount, token: 'stale' }, want: (e) => e instanceof ApiException && e.code === 401 },
  { name: 'a ca.crt of another CA: the certificate is refused', mount: { ...serviceAccount, ca: 'other' }, want: (e) => /certificate/i.test(String(e)) },
  { name: 'no ca.crt: the system roots do not know the fake', mount: { token: SA_TOKEN, namespace: 'shop' }, want: (e) => /certificate/i.test(String(e)) },
];
for (const c of readFailures) {
  test(`in-cluster read: ${c.name}`, async () => {
    const r = resolveKubeconfig({ serviceAccountDir: mount(c.mount) }, podEnv());
    await assert.rejects(r.kubeConfig.makeApiClient(CoreV1Api).listNamespace(), (e: unknown) => {
      assert.ok(c.want(e), String(e));
      return true;
    });
  });
}

const errorCases: { name: string; mount: Mount; env: () => KubeconfigEnv; context?: string; want: RegExp }[] = [
  {
    name: 'the pod environment without a token file names the missing token',
    mount: { ca: 'server', namespace: 'shop' },
    env: () => podEnv(),
    want: /^invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig \(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set, but there is no service account token at .*\/sa-\d+\/token\)$/,
  },
  {
    name: 'a token file without the pod environment is not used',
    mount: serviceAccount,
    env: () => ({ HOME: join(root, 'emptyhome') }),
    want: /^invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig$/,
  },
  {
    name: 'KUBERNETES_SERVICE_HOST without _PORT is not the pod environment',
    mount: serviceAccount,
    env: () => ({ HOME: join(root, 'emptyhome'), KUBERNETES_SERVICE_HOST: '127.0.0.1' }),
    want: /^invalid configuration: no configuration has been provided, try setting KUBECONFIG or --kubeconfig$/,
  },
  {
    name: 'an unreadable token',
    mount: { ...serviceAccount, token: 'dir' },
    env: () => podEnv(),
    want: /^in-cluster configuration: cannot read the service account token .*\/sa-\d+\/token: EISDIR/,
  },
  { name: 'an unknown --context', mount: serviceAccount, env: () => podEnv(), context: 'prod', want: /^context "prod" does not exist$/ },
];
for (const c of errorCases) {
  test(`in-cluster error: ${c.name}`, () => {
    const dir = mount(c.mount);
    assert.throws(() => resolveKubeconfig({ serviceAccountDir: dir, ...(c.context !== undefined ? { context: c.context } : {}) }, c.env()), isOneLineCliError(c.want));
  });
}

test('the production default is the kubelet mount point', () => {
  assert.equal(SERVICE_ACCOUNT_DIR, '/var/run/secrets/kubernetes.io/serviceaccount');
});
