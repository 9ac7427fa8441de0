import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/errors.js';
import type { ClusterNode, Namespace, NetworkPolicy, Pod } from '../../src/model/index.js';
import { EMPTY_OBJECTS, type ObjectSet } from '../../src/sources/objects.js';
import { describeObject, ObjectCollector, objectKey, overlayObjects, toSnapshot } from '../../src/sources/snapshot.js';

const ns = (name: string, labels: Record<string, string> = {}): Namespace => ({
  name,
  labels: { ...labels, 'kubernetes.io/metadata.name': name },
});
const pod = (namespace: string, name: string, extra: Partial<Pod> = {}): Pod => ({
  namespace,
  name,
  labels: {},
  hostNetwork: false,
  ips: [],
  phase: 'Running',
  ports: [],
  ...extra,
});
const policy = (namespace: string, name: string): NetworkPolicy => ({
  namespace,
  name,
  podSelector: { matchLabels: {}, matchExpressions: [] },
  policyTypes: ['Ingress'],
  policyTypesExplicit: false,
  ingress: [],
  egress: [],
  ingressField: 'absent',
  egressField: 'absent',
});
const node = (name: string): ClusterNode => ({ name, addresses: [] });
const set = (s: Partial<ObjectSet>): ObjectSet => ({ ...EMPTY_OBJECTS, ...s });

test('objectKey and describeObject', () => {
  const cases: { obj: Parameters<typeof objectKey>[0]; key: string; text: string }[] = [
    { obj: { kind: 'Namespace', value: ns('a') }, key: 'Namespace/a', text: 'Namespace a' },
    { obj: { kind: 'Node', value: node('n1') }, key: 'Node/n1', text: 'Node n1' },
    { obj: { kind: 'Pod', value: pod('a', 'p') }, key: 'Pod/a/p', text: 'Pod a/p' },
    { obj: { kind: 'Pod', value: pod('a', 'api', { workload: 'Deployment' }) }, key: 'Deployment/a/api', text: 'Deployment a/api' },
    { obj: { kind: 'NetworkPolicy', value: policy('a', 'deny') }, key: 'NetworkPolicy/a/deny', text: 'NetworkPolicy a/deny' },
  ];
  for (const c of cases) {
    assert.equal(objectKey(c.obj), c.key);
    assert.equal(describeObject(c.obj), c.text);
  }
});

test('ObjectCollector keeps input order and rejects a second object with the same identity', () => {
  const c = new ObjectCollector();
  c.add({ kind: 'Pod', value: pod('a', 'web') }, { source: 'one.yaml', document: 1, line: 1 });
  c.add({ kind: 'Pod', value: pod('a', 'web', { workload: 'Deployment' }) }, { source: 'one.yaml', document: 2, line: 9 });
  c.add({ kind: 'Namespace', value: ns('a') }, { source: 'one.yaml', document: 3, line: 20 });
  assert.deepEqual(c.result(), set({ namespaces: [ns('a')], pods: [pod('a', 'web'), pod('a', 'web', { workload: 'Deployment' })] }));
  assert.throws(
    () => c.add({ kind: 'Pod', value: pod('a', 'web') }, { source: 'two.yaml' }),
    (e: unknown) =>
      e instanceof CliError && e.message === 'two.yaml: duplicate Pod a/web: already defined at one.yaml (document 1, line 1)',
  );
});

const overlayCases: { name: string; base: ObjectSet; local: ObjectSet; want: ObjectSet }[] = [
  { name: 'empty local keeps base', base: set({ pods: [pod('a', 'p')] }), local: EMPTY_OBJECTS, want: set({ pods: [pod('a', 'p')] }) },
  {
    name: 'same identity replaced in place, new ones appended in local order',
    base: set({ policies: [policy('a', 'x'), policy('a', 'y'), policy('b', 'x')] }),
    local: set({ policies: [policy('c', 'new'), { ...policy('a', 'y'), policyTypes: ['Egress'] }, policy('a', 'new')] }),
    want: set({
      policies: [policy('a', 'x'), { ...policy('a', 'y'), policyTypes: ['Egress'] }, policy('b', 'x'), policy('c', 'new'), policy('a', 'new')],
    }),
  },
  {
    name: 'a workload does not replace a pod of the same name',
    base: set({ pods: [pod('a', 'web', { phase: 'Running' })] }),
    local: set({ pods: [pod('a', 'web', { workload: 'Deployment', phase: '' })] }),
    want: set({ pods: [pod('a', 'web', { phase: 'Running' }), pod('a', 'web', { workload: 'Deployment', phase: '' })] }),
  },
  {
    name: 'namespaces and nodes by name',
    base: set({ namespaces: [ns('a'), ns('b')], nodes: [node('n1')] }),
    local: set({ namespaces: [ns('b', { team: 'x' })], nodes: [node('n2'), { name: 'n1', addresses: [] }] }),
    want: set({ namespaces: [ns('a'), ns('b', { team: 'x' })], nodes: [node('n1'), node('n2')] }),
  },
];
for (const c of overlayCases) {
  test(`overlayObjects: ${c.name}`, () => assert.deepEqual(overlayObjects(c.base, c.local), c.want));
}

test('toSnapshot adds implied namespaces and sorts everything', () => {
  const snap = toSnapshot(
    set({
      namespaces: [ns('zeta', { team: 'z' }), ns('alpha')],
      pods: [pod('shop', 'web'), pod('alpha', 'b'), pod('alpha', 'a'), pod('alpha', 'a', { workload: 'Job' })],
      policies: [policy('zeta', 'p'), policy('implied', 'deny'), policy('alpha', 'q')],
      nodes: [node('n2'), node('n1')],
    }),
  );
  assert.deepEqual(snap.namespaces, [ns('alpha'), ns('implied'), ns('shop'), ns('zeta', { team: 'z' })]);
  assert.deepEqual(
    snap.pods.map((p) => `${p.namespace}/${p.name}/${p.workload ?? ''}`),
    ['alpha/a/', 'alpha/a/Job', 'alpha/b/', 'shop/web/'],
  );
  assert.deepEqual(snap.policies.map((p) => `${p.namespace}/${p.name}`), ['alpha/q', 'implied/deny', 'zeta/p']);
  assert.deepEqual(snap.nodes.map((n) => n.name), ['n1', 'n2']);
});

test('toSnapshot does not replace a defined namespace with an implied one', () => {
  const snap = toSnapshot(set({ namespaces: [ns('shop', { env: 'prod' })], pods: [pod('shop', 'web')] }));
  assert.deepEqual(snap.namespaces, [ns('shop', { env: 'prod' })]);
});

test('toSnapshot sorts by code unit, not locale', () => {
  const snap = toSnapshot(set({ nodes: [node('b'), node('a-2'), node('a.1'), node('a1')] }));
  assert.deepEqual(snap.nodes.map((n) => n.name), ['a-2', 'a.1', 'a1', 'b']);
});
