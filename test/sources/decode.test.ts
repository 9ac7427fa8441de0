import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/errors.js';
import type { Pod } from '../../src/model/index.js';
import { decodeEntry, decodeObject, isListKind, listItemKind, type WorkloadOwner } from '../../src/sources/decode.js';
import { describeOrigin } from '../../src/sources/decode-fields.js';
import { ip } from '../support/addresses.js';
import type { DecodedObject, Origin } from '../../src/sources/objects.js';

const ORIGIN: Origin = { source: 'objects.yaml', document: 3, line: 7 };
const AT = 'objects.yaml (document 3, line 7): ';

const originCases: { origin: Origin; want: string }[] = [
  { origin: { source: 'a.yaml', document: 2, line: 14 }, want: 'a.yaml (document 2, line 14)' },
  { origin: { source: 'a.yaml', document: 2 }, want: 'a.yaml (document 2)' },
  { origin: { source: 'a.yaml', line: 3 }, want: 'a.yaml (line 3)' },
  { origin: { source: 'https://10.0.0.1:6443' }, want: 'https://10.0.0.1:6443' },
];
for (const c of originCases) {
  test(`describeOrigin: ${c.want}`, () => assert.equal(describeOrigin(c.origin), c.want));
}

test('an origin without document or line names only the source', () => {
  assert.throws(
    () => decodeObject({ metadata: { name: 'Bad_Name' } }, { source: 'https://10.0.0.1:6443' }, { kind: 'Pod' }),
    { message: `https://10.0.0.1:6443: Pod default/Bad_Name: metadata.name: "Bad_Name" must be an RFC 1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit` },
  );
});

const errorCases: { name: string; raw: unknown; kind?: string; want: string }[] = [
  // shapes, kinds and versions
  { name: 'not an object', raw: ['a'], want: 'object: must be an object (got a list)' },
  { name: 'null', raw: null, want: 'object: must be an object (got null)' },
  { name: 'no kind', raw: { apiVersion: 'v1', metadata: { name: 'x' } }, want: 'object: kind: required' },
  { name: 'kind not a string', raw: { kind: 3 }, want: 'object: kind: must be a string (got a number; quote it in YAML)' },
  {
    name: 'removed NetworkPolicy API (the seed article second example)',
    raw: { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'deny-all-policy' } },
    want: 'NetworkPolicy: apiVersion: extensions/v1beta1 NetworkPolicy is no longer served by Kubernetes; use networking.k8s.io/v1',
  },
  {
    name: 'removed Deployment API',
    raw: { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'api' } },
    want: 'Deployment: apiVersion: apps/v1beta2 Deployment is no longer served by Kubernetes; use apps/v1',
  },
  { name: 'missing name', raw: { apiVersion: 'v1', kind: 'Pod', metadata: {} }, want: 'Pod: metadata.name: required' },
  { name: 'missing metadata', raw: { apiVersion: 'v1', kind: 'Node' }, want: 'Node: metadata.name: required' },
  { name: 'metadata a list', raw: { apiVersion: 'v1', kind: 'Pod', metadata: [] }, want: 'Pod: metadata: must be an object (got a list)' },
  // names
  {
    name: 'namespace name with a dot',
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } },
    want: `Namespace a.b: metadata.name: "a.b" must be an RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit`,
  },
  {
    name: 'namespace name too long',
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n'.repeat(64) } },
    want: `Namespace ${'n'.repeat(64)}: metadata.name: "${'n'.repeat(64)}" must be at most 63 characters`,
  },
  {
    name: 'pod in an invalid namespace',
    raw: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'Shop' } },
    want: `Pod Shop/p: metadata.namespace: "Shop" must be an RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit`,
  },
  {
    name: 'node name upper case',
    raw: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'Node-A' } },
    want: `Node Node-A: metadata.name: "Node-A" must be an RFC 1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit`,
  },
  {
    name: 'namespace label key invalid',
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { '-x': 'y' } } },
    want: `Namespace n: metadata.labels["-x"]: key "-x": the name part must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  },
  // pods
  {
    name: 'pod label value a boolean (YAML yes)',
    raw: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { enabled: true } } },
    want: 'Pod default/p: metadata.labels.enabled: must be a string (got a boolean; quote it in YAML)',
  },
  {
    name: 'containerPort 0',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 0 }] }] } },
    want: 'Pod default/p: spec.containers[0].ports[0].containerPort: must be between 1 and 65535, got 0',
  },
  {
    name: 'containerPort missing',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{}, { ports: [{ name: 'http' }] }] } },
    want: 'Pod default/p: spec.containers[1].ports[0].containerPort: required',
  },
  {
    name: 'container port name invalid',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ ports: [{ name: 'Web_Port', containerPort: 80 }] }] } },
    want: `Pod default/p: spec.containers[0].ports[0].name: "Web_Port" must be an IANA service name: lower case letters, digits and '-', no leading, trailing or double '-'`,
  },
  {
    name: 'container port name duplicated',
    raw: {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ ports: [{ name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }] }] },
    },
    want: 'Pod default/p: spec.containers[0].ports[1].name: duplicate port name "web" in this container',
  },
  {
    name: 'container port protocol lower case',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ ports: [{ containerPort: 53, protocol: 'udp' }] }] } },
    want: 'Pod default/p: spec.containers[0].ports[0].protocol: "udp" is not one of TCP, UDP, SCTP (case matters)',
  },
  {
    name: 'containers not a list',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: { name: 'c' } } },
    want: 'Pod default/p: spec.containers: must be a list (got an object)',
  },
  {
    name: 'hostNetwork a string',
    raw: { kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: 'true' } },
    want: 'Pod default/p: spec.hostNetwork: must be true or false (got a string)',
  },
  {
    name: 'podIP with leading zeros',
    raw: { kind: 'Pod', metadata: { name: 'p' }, status: { podIP: '010.0.0.1' } },
    want: 'Pod default/p: status.podIP: "010.0.0.1" must be a valid IP address (no leading zeros in IPv4 octets)',
  },
  {
    name: 'podIPs entry invalid',
    raw: { kind: 'Pod', metadata: { name: 'p' }, status: { podIPs: [{ ip: '10.0.0.1' }, { ip: 'fe80::1%eth0' }] } },
    want: 'Pod default/p: status.podIPs[1].ip: "fe80::1%eth0" must be a valid IP address',
  },
  {
    name: 'podIPs a string',
    raw: { kind: 'Pod', metadata: { name: 'p' }, status: { podIPs: '10.0.0.1' } },
    want: 'Pod default/p: status.podIPs: must be a list (got a string)',
  },
  // workloads
  {
    name: 'Deployment without template',
    raw: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: {} },
    want: 'Deployment shop/api: spec.template: required',
  },
  {
    name: 'CronJob without jobTemplate',
    raw: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '@daily' } },
    want: 'CronJob default/nightly: spec.jobTemplate: required',
  },
  {
    name: 'CronJob template container port',
    raw: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ ports: [{ containerPort: 70000 }] }] } } } } },
    },
    want: 'CronJob default/nightly: spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort: must be between 1 and 65535, got 70000',
  },
  {
    name: 'StatefulSet template label',
    raw: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { template: { metadata: { labels: { role: 'd b' } } } },
    },
    want: `StatefulSet default/db: spec.template.metadata.labels.role: value "d b" must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
  },
  // ownerReferences, read on pods and workloads
  {
    name: 'ownerReferences not a list',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: { kind: 'ReplicaSet' } } },
    want: 'Pod default/p: metadata.ownerReferences: must be a list (got an object)',
  },
  {
    name: 'ownerReference without uid',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: true }] } },
    want: 'Pod default/p: metadata.ownerReferences[0].uid: required',
  },
  {
    name: 'ownerReference with an empty name',
    raw: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: '', uid: 'u' }] }, spec: { template: {} } },
    want: 'ReplicaSet default/rs: metadata.ownerReferences[0].name: required',
  },
  {
    name: 'ownerReference controller not a boolean',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u', controller: 'yes' }] } },
    want: 'Pod default/p: metadata.ownerReferences[0].controller: must be true or false (got a string)',
  },
  {
    name: 'two controllers',
    raw: {
      kind: 'Pod',
      metadata: {
        name: 'p',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: false },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'c', uid: '3', controller: true },
        ],
      },
    },
    want: 'Pod default/p: metadata.ownerReferences[2].controller: only one reference may be the controller, and metadata.ownerReferences[0] is already',
  },
  {
    name: 'workload name invalid',
    raw: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'Agent' }, spec: { template: {} } },
    want: `DaemonSet default/Agent: metadata.name: "Agent" must be an RFC 1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit`,
  },
];

for (const c of errorCases) {
  test(`rejected: ${c.name}`, () => {
    assert.throws(
      () => decodeObject(c.raw, ORIGIN, { kind: c.kind }),
      (e: unknown) => {
        assert.ok(e instanceof CliError);
        assert.equal(e.message, AT + c.want);
        return true;
      },
    );
  });
}

const ignored: { name: string; raw: unknown }[] = [
  { name: 'Service of another group', raw: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'Bad!' } } },
  { name: 'ConfigMap with junk', raw: { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'junk', data: [] } },
  { name: 'Calico NetworkPolicy', raw: { apiVersion: 'crd.projectcalico.org/v1', kind: 'NetworkPolicy', metadata: { name: 'Bad!' } } },
  { name: 'Cilium policy', raw: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' } } },
  { name: 'a Pod kind of another group', raw: { apiVersion: 'example.com/v1', kind: 'Pod', metadata: { name: 'x' } } },
];
for (const c of ignored) {
  test(`ignored kind: ${c.name}`, () => assert.equal(decodeObject(c.raw, ORIGIN), undefined));
}

test('decodeObject takes the kind as an argument (API list items carry no kind or apiVersion)', () => {
  const item = {
    metadata: { name: 'web', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] },
  };
  const d = decodeObject(item, { source: 'https://127.0.0.1:6443' }, { kind: 'NetworkPolicy' });
  assert.equal(d?.kind, 'NetworkPolicy');
  assert.equal(d.value.namespace, 'shop');
  assert.equal(d.value.ingress[0]?.peers[0]?.kind, 'ip-block');
  // The argument wins over a kind in the object.
  assert.equal(decodeObject({ kind: 'Service', metadata: { name: 'n' } }, ORIGIN, { kind: 'Namespace' })?.kind, 'Namespace');
});

const okCases: { name: string; raw: unknown; kind?: string; want: DecodedObject }[] = [
  {
    name: 'namespace gets its name label',
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'myproject', labels: { project: 'myproject' } } },
    want: { kind: 'Namespace', value: { name: 'myproject', labels: { project: 'myproject', 'kubernetes.io/metadata.name': 'myproject' } } },
  },
  {
    name: 'namespace name label overwritten as the API server does',
    raw: { kind: 'Namespace', metadata: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'b' } } },
    want: { kind: 'Namespace', value: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } } },
  },
  {
    name: 'pod with every field; podIP deduplicated; init containers not read',
    raw: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db-0', namespace: 'default', labels: { role: 'db' }, annotations: { x: 'y' } },
      spec: {
        nodeName: 'node-a',
        hostNetwork: false,
        initContainers: [{ ports: [{ name: 'init', containerPort: 1 }] }],
        containers: [
          { name: 'redis', ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }] },
          { name: 'metrics', ports: [{ containerPort: 9121 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] },
        ],
      },
      status: { phase: 'Running', podIP: '172.17.0.10', podIPs: [{ ip: '172.17.0.10' }, { ip: 'FD00::A' }] },
    },
    want: {
      kind: 'Pod',
      value: {
        namespace: 'default',
        name: 'db-0',
        labels: { role: 'db' },
        nodeName: 'node-a',
        hostNetwork: false,
        ips: [ip('172.17.0.10'), ip('fd00::a')],
        phase: 'Running',
        ports: [
          { name: 'redis', containerPort: 6379, protocol: 'TCP' },
          { containerPort: 9121, protocol: 'TCP' },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ],
      },
    },
  },
  {
    name: 'pod defaults: namespace default, no IP, phase empty',
    raw: { kind: 'Pod', metadata: { name: 'p', namespace: '' } },
    want: { kind: 'Pod', value: { namespace: 'default', name: 'p', labels: {}, hostNetwork: false, ips: [], phase: '', ports: [] } },
  },
  {
    name: 'hostNetwork pod with only podIP',
    raw: { kind: 'Pod', metadata: { name: 'kp', namespace: 'kube-system' }, spec: { hostNetwork: true, nodeName: 'n1' }, status: { podIP: '192.168.56.11' } },
    want: {
      kind: 'Pod',
      value: { namespace: 'kube-system', name: 'kp', labels: {}, nodeName: 'n1', hostNetwork: true, ips: [ip('192.168.56.11')], phase: '', ports: [] },
    },
  },
  {
    name: 'node keeps only IP addresses',
    raw: {
      kind: 'Node',
      metadata: { name: 'node-a', namespace: 'ignored' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '192.168.56.11' },
          { type: 'Hostname', address: 'node-a' },
          { type: 'InternalIP', address: 'fd00::11' },
          { type: 'ExternalDNS', address: 'node-a.example.com' },
        ],
      },
    },
    want: {
      kind: 'Node',
      value: {
        name: 'node-a',
        labels: {},
        addresses: [
          { type: 'InternalIP', ip: ip('192.168.56.11') },
          { type: 'InternalIP', ip: ip('fd00::11') },
        ],
      },
    },
  },
];
for (const c of okCases) {
  test(`decoded: ${c.name}`, () => assert.deepEqual(decodeObject(c.raw, ORIGIN, { kind: c.kind }), c.want));
}

const TEMPLATE = {
  metadata: { labels: { app: 'api', tier: 'backend' } },
  spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
};
const workloadCases: { kind: string; apiVersion: string; spec: unknown }[] = [
  { kind: 'Deployment', apiVersion: 'apps/v1', spec: { replicas: 3, template: TEMPLATE } },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', spec: { template: TEMPLATE } },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', spec: { template: TEMPLATE } },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', spec: { template: TEMPLATE } },
  { kind: 'ReplicationController', apiVersion: 'v1', spec: { template: TEMPLATE } },
  { kind: 'Job', apiVersion: 'batch/v1', spec: { template: TEMPLATE } },
  { kind: 'CronJob', apiVersion: 'batch/v1', spec: { schedule: '@daily', jobTemplate: { spec: { template: TEMPLATE } } } },
];
for (const c of workloadCases) {
  test(`workload ${c.kind} becomes one template pod`, () => {
    const d = decodeObject({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: 'api', namespace: 'shop', labels: { owner: 'x' } }, spec: c.spec }, ORIGIN);
    const want: Pod = {
      namespace: 'shop',
      name: 'api',
      labels: { app: 'api', tier: 'backend' },
      hostNetwork: true,
      ips: [],
      phase: '',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      workload: c.kind,
    };
    assert.deepEqual(d, { kind: 'Pod', value: want });
  });
}

const listKinds: { kind: string; item: string | undefined; isList: boolean }[] = [
  { kind: 'List', item: undefined, isList: true },
  { kind: 'PodList', item: 'Pod', isList: true },
  { kind: 'NetworkPolicyList', item: 'NetworkPolicy', isList: true },
  { kind: 'Pod', item: undefined, isList: false },
];
for (const c of listKinds) {
  test(`list kind ${c.kind}`, () => {
    assert.equal(listItemKind(c.kind), c.item);
    assert.equal(isListKind(c.kind), c.isList);
  });
}

const ref = (apiVersion: string, kind: string, name: string, controller?: boolean): Record<string, unknown> => ({
  apiVersion,
  kind,
  name,
  uid: `uid-${name}`,
  ...(controller === undefined ? {} : { controller }),
});
const POD_TEMPLATE = { template: { metadata: { labels: { app: 'web' } } } };

/** The workload that controls an object, which decides whether a workload counts as a pod. */
const ownerCases: { name: string; raw: Record<string, unknown>; want: WorkloadOwner | undefined }[] = [
  {
    name: 'a Pod of a ReplicaSet',
    raw: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1-a', ownerReferences: [ref('apps/v1', 'ReplicaSet', 'web-1', true)] } },
    want: { kind: 'ReplicaSet', name: 'web-1' },
  },
  {
    name: 'a ReplicaSet of a Deployment',
    raw: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', ownerReferences: [ref('apps/v1', 'Deployment', 'web', true)] }, spec: POD_TEMPLATE },
    want: { kind: 'Deployment', name: 'web' },
  },
  {
    name: 'a Job of a CronJob',
    raw: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'r-1', ownerReferences: [ref('batch/v1', 'CronJob', 'r', true)] }, spec: POD_TEMPLATE },
    want: { kind: 'CronJob', name: 'r' },
  },
  {
    name: 'a Pod of a ReplicationController (core group)',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [ref('v1', 'ReplicationController', 'rc', true)] } },
    want: { kind: 'ReplicationController', name: 'rc' },
  },
  {
    name: 'the controller among several references',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [ref('v1', 'ConfigMap', 'c'), ref('apps/v1', 'StatefulSet', 'db', true)] } },
    want: { kind: 'StatefulSet', name: 'db' },
  },
  {
    name: 'no controller: a reference that does not control',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [ref('apps/v1', 'ReplicaSet', 'web-1', false)] } },
    want: undefined,
  },
  {
    name: 'no workload: a controller of a kind this tool does not read (an Argo Rollout)',
    raw: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', ownerReferences: [ref('argoproj.io/v1alpha1', 'Rollout', 'web', true)] }, spec: POD_TEMPLATE },
    want: undefined,
  },
  {
    name: 'no workload: a Deployment of another API group',
    raw: { kind: 'Pod', metadata: { name: 'p', ownerReferences: [ref('example.com/v1', 'Deployment', 'web', true)] } },
    want: undefined,
  },
  {
    name: 'no workload: no references',
    raw: { kind: 'Pod', metadata: { name: 'p' } },
    want: undefined,
  },
];
for (const c of ownerCases) {
  test(`owner: ${c.name}`, () => {
    const entry = decodeEntry(c.raw, ORIGIN);
    assert.ok(entry !== undefined);
    assert.deepEqual(entry.owner, c.want);
    assert.equal('owner' in entry, c.want !== undefined);
  });
}

test('owner references are read only on pods and workloads', () => {
  const ns = decodeEntry({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', ownerReferences: 'junk' } }, ORIGIN);
  assert.deepEqual(ns, { object: { kind: 'Namespace', value: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } } } });
});

const namespaceCases: { name: string; raw: Record<string, unknown>; defaultNamespace?: string; want: string }[] = [
  { name: 'a Pod without one, no default given', raw: { kind: 'Pod', metadata: { name: 'p' } }, want: 'default' },
  { name: 'a Pod without one', raw: { kind: 'Pod', metadata: { name: 'p' } }, defaultNamespace: 'shop', want: 'shop' },
  { name: 'a Pod with an empty one', raw: { kind: 'Pod', metadata: { name: 'p', namespace: '' } }, defaultNamespace: 'shop', want: 'shop' },
  { name: 'a Pod with its own', raw: { kind: 'Pod', metadata: { name: 'p', namespace: 'a' } }, defaultNamespace: 'shop', want: 'a' },
  {
    name: 'a CronJob without one',
    raw: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: {} } } } },
    defaultNamespace: 'shop',
    want: 'shop',
  },
  { name: 'a NetworkPolicy without one', raw: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: {} }, defaultNamespace: 'shop', want: 'shop' },
];
for (const c of namespaceCases) {
  test(`namespace: ${c.name}`, () => {
    const entry = decodeEntry(c.raw, ORIGIN, c.defaultNamespace === undefined ? {} : { defaultNamespace: c.defaultNamespace });
    const value = entry?.object.value;
    assert.ok(value !== undefined && 'namespace' in value);
    assert.equal(value.namespace, c.want);
  });
}
