// Strict field validation of files: a misspelt key at any level of a policy (and in the small,
// stable parts of pods and workloads) is one error naming its path, its own line and the closest
// known name, in YAML and JSON, alone or in a List; valid manifests with every real field pass, and
// objects from the API server are never refused for a field this tool does not know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { decodeObject } from '../../src/sources/decode.js';
import { addManifestText } from '../../src/sources/files.js';
import { ObjectCollector } from '../../src/sources/snapshot.js';
import { isOneLineCliError } from './manifest-helpers.js';

type Json = Record<string, unknown>;

function policy(): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: 'a' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
          ports: [{ protocol: 'TCP', port: 80, endPort: 90 }],
        },
      ],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  };
}

function pod(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'shop',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }],
    },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] },
  };
}

function deployment(): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  };
}

/** The object or list at `steps` inside `root`. */
function dig(root: Json, steps: readonly (string | number)[]): Record<string | number, unknown> {
  let node: unknown = root;
  for (const s of steps) node = (node as Record<string | number, unknown>)[s];
  return node as Record<string | number, unknown>;
}

interface Case {
  name: string;
  object: () => Json;
  subject: string;
  /** Where the key is, and which key becomes which (`from` absent: `to` is added). */
  steps: (string | number)[];
  from?: string;
  to: string;
  /** The path and message expected. */
  want: string;
}

const POLICY = 'NetworkPolicy shop/web';
const cases: Case[] = [
  { name: 'top level', object: policy, subject: POLICY, steps: [], from: 'spec', to: 'spce', want: 'spce: unknown field "spce" (did you mean "spec"?)' },
  { name: 'metadata', object: policy, subject: POLICY, steps: ['metadata'], from: 'labels', to: 'lables', want: 'metadata.lables: unknown field "lables" (did you mean "labels"?)' },
  { name: 'spec', object: policy, subject: POLICY, steps: ['spec'], from: 'podSelector', to: 'podSelecter', want: 'spec.podSelecter: unknown field "podSelecter" (did you mean "podSelector"?)' },
  { name: 'spec, ingress', object: policy, subject: POLICY, steps: ['spec'], from: 'ingress', to: 'ingres', want: 'spec.ingres: unknown field "ingres" (did you mean "ingress"?)' },
  { name: 'spec, nothing close', object: policy, subject: POLICY, steps: ['spec'], to: 'comment', want: 'spec.comment: unknown field "comment"' },
  {
    name: 'label selector',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'podSelector'],
    from: 'matchLabels',
    to: 'matchLabel',
    want: 'spec.podSelector.matchLabel: unknown field "matchLabel" (did you mean "matchLabels"?)',
  },
  {
    name: 'selector requirement',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'podSelector', 'matchExpressions', 0],
    from: 'operator',
    to: 'operater',
    want: 'spec.podSelector.matchExpressions[0].operater: unknown field "operater" (did you mean "operator"?)',
  },
  { name: 'ingress rule', object: policy, subject: POLICY, steps: ['spec', 'ingress', 0], from: 'from', to: 'form', want: 'spec.ingress[0].form: unknown field "form" (did you mean "from"?)' },
  { name: 'egress rule', object: policy, subject: POLICY, steps: ['spec', 'egress', 0], from: 'to', to: 'too', want: 'spec.egress[0].too: unknown field "too" (did you mean "to"?)' },
  {
    name: 'egress rule, an ingress key',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'egress', 0],
    from: 'to',
    to: 'from',
    want: 'spec.egress[0].from: unknown field "from"',
  },
  {
    name: 'peer',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'ingress', 0, 'from', 0],
    from: 'namespaceSelector',
    to: 'namespaceselector',
    want: 'spec.ingress[0].from[0].namespaceselector: unknown field "namespaceselector" (did you mean "namespaceSelector"?)',
  },
  {
    name: 'ipBlock cidr',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'ingress', 0, 'from', 1, 'ipBlock'],
    from: 'cidr',
    to: 'cdir',
    want: 'spec.ingress[0].from[1].ipBlock.cdir: unknown field "cdir" (did you mean "cidr"?)',
  },
  {
    name: 'ipBlock except',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'ingress', 0, 'from', 1, 'ipBlock'],
    from: 'except',
    to: 'exept',
    want: 'spec.ingress[0].from[1].ipBlock.exept: unknown field "exept" (did you mean "except"?)',
  },
  {
    name: 'port',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'ingress', 0, 'ports', 0],
    from: 'endPort',
    to: 'endport',
    want: 'spec.ingress[0].ports[0].endport: unknown field "endport" (did you mean "endPort"?)',
  },
  {
    name: 'egress port',
    object: policy,
    subject: POLICY,
    steps: ['spec', 'egress', 0, 'ports', 0],
    from: 'protocol',
    to: 'protcol',
    want: 'spec.egress[0].ports[0].protcol: unknown field "protcol" (did you mean "protocol"?)',
  },
  {
    name: 'pod container port',
    object: pod,
    subject: 'Pod shop/p',
    steps: ['spec', 'containers', 0, 'ports', 0],
    from: 'name',
    to: 'nmae',
    want: 'spec.containers[0].ports[0].nmae: unknown field "nmae" (did you mean "name"?)',
  },
  {
    name: 'pod owner reference',
    object: pod,
    subject: 'Pod shop/p',
    steps: ['metadata', 'ownerReferences', 0],
    from: 'controller',
    to: 'controler',
    want: 'metadata.ownerReferences[0].controler: unknown field "controler" (did you mean "controller"?)',
  },
  { name: 'pod IP', object: pod, subject: 'Pod shop/p', steps: ['status', 'podIPs', 0], from: 'ip', to: 'ips', want: 'status.podIPs[0].ips: unknown field "ips" (did you mean "ip"?)' },
  {
    name: 'workload template metadata',
    object: deployment,
    subject: 'Deployment shop/web',
    steps: ['spec', 'template', 'metadata'],
    from: 'labels',
    to: 'label',
    want: 'spec.template.metadata.label: unknown field "label" (did you mean "labels"?)',
  },
];

/** The object of `c` with its key renamed (or added) in place, keeping the order of keys. */
function misspelt(c: Case): Json {
  const root = c.object();
  const target = dig(root, c.steps);
  const entries = Object.entries(target).map(([k, v]): [string, unknown] => (k === c.from ? [c.to, v] : [k, v]));
  if (c.from === undefined) entries.push([c.to, 'x']);
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, Object.fromEntries(entries));
  return root;
}

const NAMESPACE_DOC = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n';
const layouts: { name: string; text: (o: Json) => string; document: number; key: (k: string) => string }[] = [
  { name: 'YAML, second document', text: (o) => NAMESPACE_DOC + stringify(o), document: 2, key: (k) => `${k}:` },
  { name: 'YAML List', text: (o) => stringify({ apiVersion: 'v1', kind: 'List', items: [deployment(), o] }), document: 1, key: (k) => `${k}:` },
  { name: 'JSON', text: (o) => JSON.stringify(o, null, 2), document: 1, key: (k) => `"${k}":` },
  { name: 'JSON List', text: (o) => JSON.stringify({ kind: 'List', items: [pod(), o] }, null, 2), document: 1, key: (k) => `"${k}":` },
];

/** 1-based line of the last line holding `needle` (the misspelt key comes after the List's other item). */
function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`${needle} not in the text`);
}

for (const c of cases) {
  for (const l of layouts) {
    test(`unknown field, ${c.name}, ${l.name}: path, own line and suggestion`, async () => {
      const text = l.text(misspelt(c));
      const want = `in.txt (document ${l.document}, line ${lineOf(text, l.key(c.to))}): ${c.subject}: ${c.want}`;
      await assert.rejects(addManifestText(new ObjectCollector(), text, 'in.txt'), isOneLineCliError(want));
    });
  }
  test(`unknown field, ${c.name}: ignored in an object from the API server`, () => {
    const live = decodeObject(misspelt({ ...c, to: 'fieldOfANewerRelease', from: undefined }), { source: 'https://10.0.0.1:6443' }, { fieldValidation: 'ignore' });
    assert.deepEqual(live, decodeObject(c.object(), { source: 'x' }));
  });
}

/** Every field of ObjectMeta, NetworkPolicy (with the status of Kubernetes 1.24 to 1.27), ContainerPort and the rest. */
const EVERY_FIELD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
  generateName: web-
  uid: 6f1c2a3b-0000-4000-8000-000000000001
  resourceVersion: "42"
  creationTimestamp: "2024-01-01T00:00:00Z"
  generation: 3
  labels: {app: web}
  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
  managedFields:
  - manager: kubectl
    operation: Apply
    apiVersion: networking.k8s.io/v1
    fieldsType: FieldsV1
    fieldsV1: {f:spec: {}}
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: u1, controller: false, blockOwnerDeletion: true}
  finalizers: [example.com/keep]
  deletionTimestamp: "2024-01-02T00:00:00Z"
  deletionGracePeriodSeconds: 30
  selfLink: /apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web
spec:
  podSelector:
    matchLabels: {app: web}
    matchExpressions: [{key: tier, operator: NotIn, values: [db]}]
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {}
      namespaceSelector: {matchExpressions: [{key: team, operator: Exists}]}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{protocol: TCP, port: 80, endPort: 90}]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{protocol: UDP, port: dns}]
status:
  conditions: [{type: PartialFailure, status: "False", reason: x, message: y, lastTransitionTime: "2024-01-01T00:00:00Z"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: shop
  labels: {app: web}
  annotations: {a: b}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u2, controller: true, blockOwnerDeletion: true}]
spec:
  nodeName: n1
  hostNetwork: false
  containers:
  - name: c
    image: i
    ports: [{name: http, containerPort: 8080, protocol: TCP, hostPort: 80, hostIP: 0.0.0.0}]
  aFieldOfANewerRelease: {}
status:
  phase: Running
  podIP: 10.0.0.5
  podIPs: [{ip: 10.0.0.5}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    metadata: {labels: {app: nightly}, annotations: {a: b}}
    spec:
      template:
        metadata: {labels: {app: nightly}, creationTimestamp: null}
        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
spec: {podCIDR: 10.0.0.0/24}
status: {addresses: [{type: InternalIP, address: 192.168.0.1}, {type: Hostname, address: n1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
spec: {finalizers: [kubernetes]}
status: {phase: Active}
`;

test('a manifest with every real field of each type passes, and fields of types not checked are free', async () => {
  const collector = new ObjectCollector();
  await addManifestText(collector, EVERY_FIELD, 'all.yaml');
  const set = collector.result();
  assert.deepEqual(
    [set.policies.length, set.pods.length, set.nodes.length, set.namespaces.length],
    [1, 2, 1, 1],
  );
});
