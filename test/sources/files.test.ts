import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { readManifests } from '../../src/sources/files.js';
import { MAX_INPUT_BYTES } from '../../src/sources/files-read.js';
import type { ObjectSet } from '../../src/sources/objects.js';
import { toSnapshot } from '../../src/sources/snapshot.js';
import { rejectsCliError } from './manifest-helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/manifests');
const fixture = (name: string): string => join(FIXTURES, name);

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-files-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function names(set: ObjectSet): string[] {
  return [
    ...set.namespaces.map((n) => `Namespace/${n.name}`),
    ...set.pods.map((p) => `${p.workload ?? 'Pod'}/${p.namespace}/${p.name}`),
    ...set.policies.map((p) => `NetworkPolicy/${p.namespace}/${p.name}`),
    ...set.nodes.map((n) => `Node/${n.name}`),
  ];
}

test('multi-document YAML: empty documents and ignored kinds are skipped, YAML 1.1 dates stay strings', async () => {
  const set = await readManifests([fixture('multi.yaml')]);
  assert.deepEqual(names(set), ['Namespace/shop', 'Pod/shop/web-0', 'NetworkPolicy/shop/web']);
  assert.deepEqual(set.pods[0]?.labels, { app: 'web', built: '2024-01-01' });
  assert.equal(set.pods[0]?.ips[0]?.text, '10.244.1.5');
  assert.deepEqual(set.policies[0]?.ingress[0]?.ports, [{ protocol: 'TCP', port: 'http' }]);
});

test('objects of kinds not evaluated are counted by kind, with the group version where there is one', async () => {
  const text = [
    'apiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: a}',
    'apiVersion: policy.networking.k8s.io/v1beta1\nkind: ClusterNetworkPolicy\nmetadata: {name: b}',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}',
    'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: d}}]',
    'apiVersion: example.com/v9\nkind: NetworkPolicy\nmetadata: {name: e}',
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}',
  ].join('\n---\n');
  const set = await readManifests(['-'], { stdin: Readable.from([text]) });
  assert.deepEqual(names(set), ['Namespace/shop']);
  assert.deepEqual(set.skipped, [
    { kind: 'ClusterNetworkPolicy (policy.networking.k8s.io/v1beta1)', count: 2 },
    { kind: 'ConfigMap', count: 2 },
    { kind: 'NetworkPolicy (example.com/v9)', count: 1 },
  ]);
  assert.equal((await readManifests([fixture('policy.json')])).skipped, undefined, 'nothing skipped, no field');
});

test('an error names the file, the document and the line of the field', async () => {
  const file = fixture('bad-endport.yaml');
  await rejectsCliError(
    () => readManifests([file]),
    `${file} (document 2, line 21): NetworkPolicy shop/web: spec.ingress[0].ports[1].endPort: must be >= port (8080)`,
  );
});

test('List and typed lists (items without kind), nested', async () => {
  const set = await readManifests([fixture('list.yaml')]);
  assert.deepEqual(names(set), ['Namespace/shop', 'Pod/shop/a', 'Pod/shop/b']);
});

test('an error in a List item names the line of the field in that item', async () => {
  const file = fixture('bad-list-item.yaml');
  await rejectsCliError(() => readManifests([file]), new RegExp(`^${escape(file)} \\(document 1, line 11\\): Pod default/Not_Fine: metadata\\.name: `));
});

test('JSON file', async () => {
  const set = await readManifests([fixture('policy.json')]);
  assert.deepEqual(names(set), ['NetworkPolicy/shop/from-json']);
  assert.deepEqual(set.policies[0]?.policyTypes, ['Egress']);
});

test('the seed example reads into the expected snapshot', async () => {
  const snap = toSnapshot(await readManifests([join(ROOT, 'examples/seed-cluster.yaml')]));
  assert.deepEqual(snap.namespaces.map((n) => n.name), ['default', 'my-namespace', 'myproject']);
  assert.deepEqual(
    snap.pods.map((p) => `${p.namespace}/${p.name}@${p.ips.map((i) => i.text).join(',')}`),
    [
      'default/db-0@172.17.0.10',
      'default/frontend-0@172.17.0.11',
      'default/other-0@10.0.0.12',
      'my-namespace/batch-0@172.17.1.30',
      'my-namespace/report@',
      'myproject/client-0@172.17.2.20',
    ],
  );
  assert.deepEqual(snap.policies.map((p) => `${p.namespace}/${p.name}`), ['default/test-network-policy', 'my-namespace/deny-all-policy']);
  assert.deepEqual(snap.nodes.map((n) => `${n.name}=${n.addresses.map((a) => a.ip.text).join(',')}`), ['node-a=192.168.56.11', 'node-b=192.168.56.12']);
  const ips = snap.pods.flatMap((p) => p.ips.map((i) => i.text));
  assert.equal(new Set(ips).size, ips.length, 'pod IPs collide');
});

test('the AND-vs-OR example reads: one policy with two peers, one with a single two-selector peer', async () => {
  const snap = toSnapshot(await readManifests([join(ROOT, 'examples/and-vs-or.yaml')]));
  const byName = new Map(snap.policies.map((p) => [p.name, p]));
  assert.equal(byName.get('or-peers')?.ingress[0]?.peers.length, 2);
  const and = byName.get('and-peer')?.ingress[0]?.peers;
  assert.equal(and?.length, 1);
  assert.ok(and?.[0]?.kind === 'selector' && and[0].podSelector !== undefined && and[0].namespaceSelector !== undefined);
  assert.equal(snap.pods.length, 6);
});

test('directories: recursive, sorted, only .yaml/.yml/.json, symlink loops end, each file read once', async () => {
  await withTempDir(async (dir) => {
    const ns = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
    await mkdir(join(dir, 'b-sub/deeper'), { recursive: true });
    await writeFile(join(dir, 'z.yaml'), ns('z'));
    await writeFile(join(dir, 'a.yml'), ns('a'));
    await writeFile(join(dir, 'b-sub/m.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'm' } }));
    await writeFile(join(dir, 'b-sub/deeper/k.yaml'), ns('k'));
    await writeFile(join(dir, 'notes.txt'), 'not: [yaml');
    await writeFile(join(dir, 'README.md'), '# not read');
    await symlink(dir, join(dir, 'b-sub/loop'));
    await symlink(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    const set = await readManifests([dir, join(dir, 'a.yml')]);
    assert.deepEqual(names(set), ['Namespace/a', 'Namespace/k', 'Namespace/m', 'Namespace/z']);
  });
});

test('stdin with "-", between files', async () => {
  const stdin = Readable.from([Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n')]);
  const set = await readManifests([fixture('policy.json'), '-'], { stdin });
  assert.deepEqual(names(set), ['Namespace/from-stdin', 'NetworkPolicy/shop/from-json']);
});

test('stdin errors are named <stdin>', async () => {
  const stdin = Readable.from(['kind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: "yes"\n']);
  await rejectsCliError(() => readManifests(['-'], { stdin }), '<stdin> (document 1, line 5): Pod default/p: spec.hostNetwork: must be true or false (got a string)');
});

test('"-" given twice is an error', async () => {
  await rejectsCliError(() => readManifests(['-', '-'], { stdin: Readable.from(['']) }), '"-" (stdin) may be given only once');
});

test('a missing path is an error', async () => {
  await rejectsCliError(() => readManifests(['/nonexistent/policies.yaml']), 'the path "/nonexistent/policies.yaml" does not exist');
});

test('duplicate objects name both places', async () => {
  await withTempDir(async (dir) => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n';
    await writeFile(join(dir, 'a.yaml'), pod);
    await writeFile(join(dir, 'b.yaml'), `kind: Service\nmetadata:\n  name: s\n---\n${pod}`);
    await rejectsCliError(
      () => readManifests([dir]),
      `${join(dir, 'b.yaml')} (document 2, line 5): duplicate Pod shop/web: already defined at ${join(dir, 'a.yaml')} (document 1, line 1)`,
    );
  });
});

const GET_ALL_PODS = [
  'Pod/kube-system/coredns-5d78c9869d-7xkqz',
  'Pod/kube-system/kube-proxy-q9m4t',
  'Pod/kube-system/kube-proxy-x7k2p',
  'Pod/shop/db-0',
  'Pod/shop/debug',
  'Pod/shop/report-28461234-xk2vq',
  'Pod/shop/web-7d4b9c8f5-abcde',
  'Pod/shop/web-7d4b9c8f5-fghij',
  // No pods of these two in the dump: a Deployment scaled to 0, and a Job whose pods are gone.
  'Deployment/shop/idle',
  'Job/shop/migrate',
];

const GET_ALL = join(ROOT, 'test/sources/fixtures/get-all.yaml');

/** Workloads next to their own pods, as `kubectl get all` shows them: each pod counts once. */
const workloadCases: { name: string; input: () => Promise<string>; file: string; want: string[] | RegExp }[] = [
  { name: 'kubectl get all -A -o yaml', file: 'all.yaml', input: () => readFile(GET_ALL, 'utf8'), want: GET_ALL_PODS },
  { name: 'kubectl get all -A -o json', file: 'all.json', input: async () => JSON.stringify(parse(await readFile(GET_ALL, 'utf8')), null, 4), want: GET_ALL_PODS },
  {
    name: 'the same objects as separate documents, owners after what they own',
    file: 'all.yaml',
    input: async () => {
      const list = parse(await readFile(GET_ALL, 'utf8')) as { items: unknown[] };
      return list.items.reverse().map((item) => stringify(item)).join('---\n');
    },
    want: [...GET_ALL_PODS.slice(8).reverse(), ...GET_ALL_PODS.slice(0, 8).reverse()],
  },
  {
    name: 'a Deployment and an unrelated Pod of one name',
    file: 'clash.yaml',
    input: async () =>
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template: {}\n',
    want: /clash\.yaml \(document 2, line 6\): Deployment default\/web and Pod default\/web \(.*clash\.yaml \(document 1, line 1\)\) would both be pod default\/web: a workload none of whose pods are in the input counts as one pod named after it$/,
  },
  {
    name: 'a Deployment and a StatefulSet of one name',
    file: 'clash.yaml',
    input: async () =>
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template: {}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template: {}\n',
    want: /\(document 2, line 9\): Deployment shop\/web and StatefulSet shop\/web \(.*\(document 1, line 1\)\) would both be pod shop\/web: /,
  },
];

for (const c of workloadCases) {
  test(`workloads and their pods: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, c.file);
      await writeFile(file, await c.input());
      if (c.want instanceof RegExp) {
        await rejectsCliError(() => readManifests([file]), c.want);
        return;
      }
      assert.deepEqual(names(await readManifests([file])), c.want);
    });
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'kind: List',
  'items: [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
].join('\n');

/** Items of ignored kinds, nested by aliases: only the alias limit stops the walk. */
const LIST_BOMB = [
  'x0: &x0 {kind: List, items: [{kind: ConfigMap, metadata: {name: c}}]}',
  ...Array.from({ length: 8 }, (_, i) => `x${i + 1}: &x${i + 1} {kind: List, items: [${Array(9).fill(`*x${i}`).join(', ')}]}`),
  'kind: List',
  'items: [*x8]',
].join('\n');

const hostile: { name: string; content: () => string | Buffer; want: RegExp }[] = [
  { name: 'alias bomb', content: () => BOMB, want: /: cannot read YAML: Excessive alias count/ },
  { name: 'alias bomb through nested Lists', content: () => LIST_BOMB, want: /(cannot read YAML: Excessive alias count|lists nested more than)/ },
  { name: '100k unclosed [', content: () => '['.repeat(100_000), want: /\(document 1, line 1\): nesting deeper than 100 levels$/ },
  { name: '100k nested [] closed', content: () => '['.repeat(100_000) + ']'.repeat(100_000), want: /nesting deeper than 100 levels$/ },
  { name: '100k nested {a: ...}', content: () => '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000), want: /nesting deeper than 100 levels$/ },
  {
    name: '5k nested block sequences',
    content: () => Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}- `).join('\n') + 'x',
    want: /nesting deeper than 100 levels$/,
  },
  { name: '100k inline block sequences', content: () => '- '.repeat(100_000) + 'x', want: /nesting deeper than 100 levels$/ },
  {
    name: 'deep nesting built from aliases',
    content: () =>
      [`a0: &a0 ${'['.repeat(60)}1${']'.repeat(60)}`, ...Array.from({ length: 30 }, (_, i) => `a${i + 1}: &a${i + 1} [[[[[*a${i}]]]]]`)].join('\n'),
    want: /nesting deeper than 100 levels \(after following aliases\)$/,
  },
  { name: 'alias inside its own anchor', content: () => 'a: &a [1, *a]\n', want: /an alias refers to a node that contains it$/ },
  { name: 'NUL bytes (binary)', content: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]), want: /: contains a NUL byte at offset 6: binary data/ },
  { name: 'UTF-16 text', content: () => Buffer.from('\ufeffkind: Pod\n', 'utf16le'), want: /contains a NUL byte/ },
  { name: 'invalid UTF-8', content: () => Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xc3, 0x28, 0x0a]), want: /: is not valid UTF-8 text$/ },
  { name: 'invalid YAML', content: () => 'kind: Pod\nmetadata:\n  name: [a\n', want: /\(document 1, line \d\): invalid YAML: / },
  { name: 'duplicate keys', content: () => 'kind: Pod\nkind: Node\n', want: /\(document 1, line 2\): invalid YAML: Map keys must be unique/ },
  { name: 'a top-level list', content: () => '- kind: Pod\n', want: /\(document 1, line 1\): must be a Kubernetes object \(a mapping with apiVersion and kind\), got a list$/ },
  { name: 'a List whose items is a string', content: () => 'kind: List\nitems: pods\n', want: /: List: items: must be a list \(got a string\)$/ },
  { name: 'a null List item', content: () => 'kind: List\nitems:\n- null\n', want: /\(document 1, line 3\): items\.0: must be an object, got null$/ },
];

for (const c of hostile) {
  test(`hostile input ends in a CliError quickly: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'input.yaml');
      await writeFile(file, c.content());
      await rejectsCliError(() => readManifests([file]), new RegExp(`^${escape(file)}.*${c.want.source}`));
    });
  });
}

test('hostile input: a file over the size cap is refused', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20));
    await rejectsCliError(() => readManifests([file]), `${file}: larger than 32 MiB; split it into smaller files`);
  });
});

test('hostile input: an endless stream (/dev/zero) stops at the cap', async () => {
  await rejectsCliError(() => readManifests(['/dev/zero']), '/dev/zero: larger than 32 MiB; split it into smaller files');
});

test('hostile input: stdin over the size cap', async () => {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const stdin = Readable.from((function* () {
    for (let i = 0; i < 40; i++) yield chunk;
  })());
  await rejectsCliError(() => readManifests(['-'], { stdin }), '<stdin>: larger than 32 MiB; split it into smaller files');
});

test('an empty file and a comment-only file hold no objects', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'empty.yaml'), '');
    await writeFile(join(dir, 'comments.yaml'), '# nothing\n---\n# here\n');
    const set = await readManifests([dir]);
    assert.deepEqual(names(set), []);
  });
});

const UNNAMESPACED = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team',
  'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a',
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p',
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n  namespace: ""',
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\n  namespace: other',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template: {}',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}',
  'apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: s',
].join('\n---\n');

/** Objects that name no namespace land in the one given, as with `kubectl apply -n NS -f`. */
const namespaceCases: { name: string; defaultNamespace?: string; file: string; content: string; stdin?: boolean; want: string[] | string }[] = [
  {
    name: 'without one: default',
    file: 'a.yaml',
    content: UNNAMESPACED,
    want: ['Namespace/team', 'Pod/default/p', 'Pod/default/q', 'Pod/other/r', 'Deployment/default/web', 'Pod/default/s', 'NetworkPolicy/default/deny', 'Node/node-a'],
  },
  {
    name: 'shop: namespaced objects without one (or with "") go there, the others stay',
    defaultNamespace: 'shop',
    file: 'a.yaml',
    content: UNNAMESPACED,
    want: ['Namespace/team', 'Pod/shop/p', 'Pod/shop/q', 'Pod/other/r', 'Deployment/shop/web', 'Pod/shop/s', 'NetworkPolicy/shop/deny', 'Node/node-a'],
  },
  {
    name: 'shop, from stdin',
    defaultNamespace: 'shop',
    file: '-',
    content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n',
    stdin: true,
    want: ['Pod/shop/p'],
  },
  {
    name: 'shop, in JSON',
    defaultNamespace: 'shop',
    file: 'a.json',
    content: '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}]}',
    want: ['Pod/shop/p'],
  },
  {
    name: 'errors name the object in the namespace it was given',
    defaultNamespace: 'shop',
    file: 'a.yaml',
    content: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: 1\n',
    want: ' (document 1, line 6): Pod shop/p: spec.hostNetwork: must be true or false (got a number)',
  },
  {
    name: 'a Deployment and a Pod that meet in the namespace given clash',
    defaultNamespace: 'shop',
    file: 'a.yaml',
    content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template: {}\n---\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n',
    want: ' (document 2, line 8): Pod shop/web and Deployment shop/web (',
  },
  {
    name: 'an invalid namespace is refused before anything is read',
    defaultNamespace: 'Shop_1',
    file: 'missing.yaml',
    content: '',
    want: `namespace for objects that name none: "Shop_1" must be an RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit`,
  },
];

for (const c of namespaceCases) {
  test(`default namespace: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const file = c.file === '-' ? '-' : join(dir, c.file);
      if (c.file !== '-' && c.content !== '') await writeFile(file, c.content);
      const io = {
        ...(c.stdin === true ? { stdin: Readable.from([c.content]) } : {}),
        ...(c.defaultNamespace === undefined ? {} : { defaultNamespace: c.defaultNamespace }),
      };
      if (typeof c.want === 'string') {
        const prefix = c.want.startsWith(' ') ? escape(file) : '';
        await rejectsCliError(() => readManifests([file], io), new RegExp(`^${prefix}${escape(c.want)}`));
        return;
      }
      assert.deepEqual(names(await readManifests([file], io)), c.want);
    });
  });
}

const POLICY_HEAD = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\n';
/** An error names the line of its own field, and quotes the value as written, not its canonical form. */
const fieldLineCases: { name: string; file: string; content: string; want: string }[] = [
  {
    name: 'a bad cidr, YAML block',
    file: 'a.yaml',
    content: `${POLICY_HEAD}spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0\n`,
    want: '(document 1, line 9): NetworkPolicy shop/web: spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0" must be a CIDR (address/prefix), e.g. 10.0.0.0/24',
  },
  {
    name: 'an except outside its cidr, YAML, quoted as written',
    file: 'a.yaml',
    content: `${POLICY_HEAD}spec:\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n        - 10.1.0.0/16\n        - 10.1.0.0/4\n`,
    want: '(document 1, line 11): NetworkPolicy shop/web: spec.ingress[0].from[0].ipBlock.except[1]: "10.1.0.0/4" must lie strictly inside cidr "10.0.0.0/8"',
  },
  {
    name: 'IPv6 as written, not compressed, YAML flow',
    file: 'a.yaml',
    content: `${POLICY_HEAD}spec:\n  egress:\n  - to: [{ipBlock: {cidr: 'fd00:0:0:0::/64', except: ['FD00:0000::/48']}}]\n`,
    want: '(document 1, line 6): NetworkPolicy shop/web: spec.egress[0].to[0].ipBlock.except[0]: "FD00:0000::/48" must lie strictly inside cidr "fd00:0:0:0::/64"',
  },
  {
    name: 'a required field names the line of its parent',
    file: 'a.yaml',
    content: `${POLICY_HEAD}spec:\n  ingress:\n  - from:\n    - ipBlock:\n        except: []\n`,
    want: '(document 1, line 7): NetworkPolicy shop/web: spec.ingress[0].from[0].ipBlock.cidr: required',
  },
  {
    name: 'a label key with a slash, second document',
    file: 'a.yaml',
    content: `kind: Namespace\napiVersion: v1\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: web\n    example.com/tier: "-x"\n`,
    want: '(document 2, line 11): Pod default/p: metadata.labels["example.com/tier"]: value "-x" must consist of letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit',
  },
  {
    name: 'a bad port, JSON',
    file: 'a.json',
    content: `{\n "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",\n "metadata": {"name": "web", "namespace": "shop"},\n "spec": {"ingress": [\n  {"ports": [{"port": 80},\n   {"port": 80, "endPort": 70}]}]}}\n`,
    want: '(document 1, line 6): NetworkPolicy shop/web: spec.ingress[0].ports[1].endPort: must be >= port (80)',
  },
  {
    name: 'an except outside its cidr, JSON List, quoted as written',
    file: 'a.json',
    content: `{"kind": "List", "items": [\n {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "shop"}},\n {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",\n  "metadata": {"name": "web", "namespace": "shop"},\n  "spec": {"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": [\n   "10.1.0.0/16", "10.2.0.0/16",\n   "10.1.0.0/4"]}}]}]}}]}\n`,
    want: '(document 1, line 7): NetworkPolicy shop/web: spec.ingress[0].from[0].ipBlock.except[2]: "10.1.0.0/4" must lie strictly inside cidr "10.0.0.0/8"',
  },
  {
    name: 'a field not found (a merged key) names the nearest found',
    file: 'a.yaml',
    content: `${POLICY_HEAD}spec:\n  ingress:\n  - from:\n    - ipBlock:\n        <<: {cidr: 10.0.0.0}\n`,
    want: '(document 1, line 7): NetworkPolicy shop/web: spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0" must be a CIDR (address/prefix), e.g. 10.0.0.0/24',
  },
];
for (const c of fieldLineCases) {
  test(`field line: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, c.file);
      await writeFile(file, c.content);
      await rejectsCliError(() => readManifests([file]), `${file} ${c.want}`);
    });
  });
}
