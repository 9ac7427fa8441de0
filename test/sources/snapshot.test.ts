import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/errors.js';
import type { ClusterNode, Namespace, NetworkPolicy, Pod } from '../../src/model/index.js';
import type { WorkloadOwner } from '../../src/sources/decode.js';
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
const node = (name: string): ClusterNode => ({ name, labels: {}, addresses: [] });
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
  c.add({ kind: 'Pod', value: pod('a', 'api', { workload: 'Deployment' }) }, { source: 'one.yaml', document: 2, line: 9 });
  c.add({ kind: 'Namespace', value: ns('a') }, { source: 'one.yaml', document: 3, line: 20 });
  assert.deepEqual(c.result(), set({ namespaces: [ns('a')], pods: [pod('a', 'web'), pod('a', 'api', { workload: 'Deployment' })] }));
  assert.throws(
    () => c.add({ kind: 'Pod', value: pod('a', 'web') }, { source: 'two.yaml' }),
    (e: unknown) =>
      e instanceof CliError && e.message === 'two.yaml: duplicate Pod a/web: already defined at one.yaml (document 1, line 1)',
  );
});

/** `Kind ns/name` (or `ns/name` for a Pod), owned by `Kind name`, added from line N of in.yaml. */
interface Added {
  readonly obj: string;
  readonly owner?: string;
}
const added = (obj: string, owner?: string): Added => (owner === undefined ? { obj } : { obj, owner });

function collect(objs: readonly Added[]): ObjectSet {
  const c = new ObjectCollector();
  objs.forEach((a, i) => {
    const [kind, path] = a.obj.includes(' ') ? (a.obj.split(' ') as [string, string]) : ['Pod', a.obj];
    const [namespace, name] = path.split('/') as [string, string];
    const value = pod(namespace, name, kind === 'Pod' ? {} : { workload: kind });
    let owner: WorkloadOwner | undefined;
    if (a.owner !== undefined) {
      const [ownerKind, ownerName] = a.owner.split(' ') as [string, string];
      owner = { kind: ownerKind, name: ownerName };
    }
    c.add({ kind: 'Pod', value }, { source: 'in.yaml', line: i + 1 }, owner);
  });
  return c.result();
}

const podName = (p: Pod): string => `${p.workload === undefined ? '' : `${p.workload} `}${p.namespace}/${p.name}`;

/** Which pods count once workloads and their pods are in one input (a `kubectl get all` dump). */
const countCases: { name: string; objs: Added[]; want: string[] | string }[] = [
  { name: 'a lone workload stands for one pod', objs: [added('Deployment a/web')], want: ['Deployment a/web'] },
  {
    name: 'a ReplicaSet whose Deployment is in the input does not count, current or old',
    objs: [added('Deployment a/web'), added('ReplicaSet a/web-1', 'Deployment web'), added('ReplicaSet a/web-0', 'Deployment web')],
    want: ['Deployment a/web'],
  },
  {
    name: 'a ReplicaSet whose Deployment is not in the input stands for its pods',
    objs: [added('ReplicaSet a/web-1', 'Deployment web')],
    want: ['ReplicaSet a/web-1'],
  },
  {
    name: 'the pods of a ReplicaSet stand for it and for its Deployment',
    objs: [added('a/web-1-x', 'ReplicaSet web-1'), added('Deployment a/web'), added('ReplicaSet a/web-1', 'Deployment web'), added('a/web-1-y', 'ReplicaSet web-1')],
    want: ['a/web-1-x', 'a/web-1-y'],
  },
  {
    name: 'pods of a StatefulSet or DaemonSet name it directly',
    objs: [added('a/db-0', 'StatefulSet db'), added('StatefulSet a/db'), added('DaemonSet a/agent'), added('a/agent-x', 'DaemonSet agent')],
    want: ['a/db-0', 'a/agent-x'],
  },
  {
    name: 'CronJob, Job, Pod: the pod stands for both',
    objs: [added('CronJob a/report'), added('Job a/report-1', 'CronJob report'), added('a/report-1-x', 'Job report-1')],
    want: ['a/report-1-x'],
  },
  {
    name: 'CronJob and its Job without pods: the CronJob stands for them',
    objs: [added('Job a/report-1', 'CronJob report'), added('CronJob a/report')],
    want: ['CronJob a/report'],
  },
  {
    name: 'a Pod whose ReplicaSet is not in the input cannot be tied to the Deployment',
    objs: [added('Deployment a/web'), added('a/web-1-x', 'ReplicaSet web-1')],
    want: ['Deployment a/web', 'a/web-1-x'],
  },
  {
    name: 'owners are looked up in the object\'s own namespace',
    objs: [added('Deployment a/web'), added('ReplicaSet b/web-1', 'Deployment web'), added('b/web-1-x', 'Deployment web')],
    want: ['Deployment a/web', 'ReplicaSet b/web-1', 'b/web-1-x'],
  },
  {
    name: 'owners are looked up by kind and name',
    objs: [added('StatefulSet a/web'), added('ReplicaSet a/web-1', 'Deployment web')],
    want: ['StatefulSet a/web', 'ReplicaSet a/web-1'],
  },
  {
    name: 'a Pod named like the Deployment that owns it',
    objs: [added('Deployment a/web'), added('ReplicaSet a/web-1', 'Deployment web'), added('a/web', 'ReplicaSet web-1')],
    want: ['a/web'],
  },
  {
    name: 'owners in a cycle end',
    objs: [added('ReplicaSet a/x', 'ReplicaSet y'), added('ReplicaSet a/y', 'ReplicaSet x'), added('a/p', 'ReplicaSet x')],
    want: ['a/p'],
  },
  {
    name: 'a Pod and a Deployment of one name',
    objs: [added('a/web'), added('Deployment a/web')],
    want: 'in.yaml (line 2): Deployment a/web and Pod a/web (in.yaml (line 1)) would both be pod a/web: a workload none of whose pods are in the input counts as one pod named after it',
  },
  {
    name: 'a StatefulSet and a Deployment of one name',
    objs: [added('StatefulSet a/web'), added('a/other'), added('Deployment a/web')],
    want: 'in.yaml (line 3): Deployment a/web and StatefulSet a/web (in.yaml (line 1)) would both be pod a/web: a workload none of whose pods are in the input counts as one pod named after it',
  },
  {
    name: 'one name in two namespaces is no clash',
    objs: [added('a/web'), added('Deployment b/web')],
    want: ['a/web', 'Deployment b/web'],
  },
];
for (const c of countCases) {
  test(`counted pods: ${c.name}`, () => {
    if (typeof c.want === 'string') {
      assert.throws(() => collect(c.objs), (e: unknown) => e instanceof CliError && e.message === c.want);
      return;
    }
    assert.deepEqual(collect(c.objs).pods.map(podName), c.want);
  });
}

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
    local: set({ namespaces: [ns('b', { team: 'x' })], nodes: [node('n2'), { name: 'n1', labels: {}, addresses: [] }] }),
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
