// The agent's deployment: deploy/agent.yaml is exactly what `agent --print-manifest` prints, the
// DaemonSet runs on every node with only the capabilities iptables and ipset need, its account may
// only list and watch, and the Dockerfile copies what the build makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { netpol, repo } from '../cli/run.js';
import { agentManifest, AGENT_NAME } from '../../src/exec/agent-manifest.js';

type Doc = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
const docs = (text: string): Doc[] => parseAllDocuments(text).map((d) => d.toJS() as Doc);

test('agent --print-manifest: deploy/agent.yaml is its output; --image sets the image', async () => {
  const printed = await netpol(['agent', '--print-manifest']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(docs(readFileSync(`${repo}deploy/agent.yaml`, 'utf8')), docs(printed.stdout));
  const custom = await netpol(['agent', '--print-manifest', '--image', 'registry.example/agent:1']);
  const ds = docs(custom.stdout).find((d) => d.kind === 'DaemonSet') as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
  assert.equal(ds.spec.template.spec.containers[0]?.image, 'registry.example/agent:1');
});

test('agent manifest: every node, host network, NET_ADMIN and NET_RAW only, NODE_NAME, the xtables lock; list and watch only', () => {
  const objs = agentManifest('img') as unknown as Doc[];
  assert.deepEqual(objs.map((o) => o.kind), ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet']);
  const ds = objs[3] as unknown as { spec: { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } };
  const pod = ds.spec.template.spec;
  assert.equal(pod['hostNetwork'], true);
  assert.deepEqual(pod['tolerations'], [{ operator: 'Exists' }]);
  assert.equal(pod['serviceAccountName'], AGENT_NAME);
  const c = pod.containers[0] as { securityContext: unknown; env: unknown; args: string[]; resources: { requests: Record<string, string> } };
  assert.deepEqual(c.securityContext, { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } });
  assert.deepEqual(c.env, [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  assert.deepEqual(c.args.slice(0, 1), ['agent']);
  assert.ok(c.resources.requests['cpu'] && c.resources.requests['memory']);
  const role = objs[1] as unknown as { rules: { verbs: string[]; resources: string[] }[] };
  assert.deepEqual([...new Set(role.rules.flatMap((r) => r.verbs))].sort(), ['list', 'watch']);
  assert.deepEqual(role.rules.flatMap((r) => r.resources).sort(), ['adminnetworkpolicies', 'baselineadminnetworkpolicies', 'clusternetworkpolicies', 'namespaces', 'networkpolicies', 'nodes', 'pods']);
  const binding = objs[2] as unknown as { subjects: { name: string; namespace: string }[] };
  assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), [`kube-system/${AGENT_NAME}`]);
});

test('Dockerfile: every COPY source exists in a built tree, and the entry point is the plugin', () => {
  const text = readFileSync(`${repo}Dockerfile`, 'utf8');
  const copies = [...text.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
  assert.ok(copies.length >= 3);
  for (const src of copies) assert.ok(existsSync(`${repo}${src}`), `${src} exists`);
  assert.match(text, /^FROM node:20-slim$/m);
  assert.match(text, /apt-get install .*iptables ipset/);
  assert.match(text, /ln -s \/opt\/kubectl-netpol\/plugin\/kubectl-netpol \/usr\/local\/bin\/kubectl-netpol/);
});

test('agent: refuses what it cannot do, in one line, exit 2', async () => {
  for (const [args, message] of [
    [['agent'], /agent needs the node it runs on: --node NAME, or NODE_NAME/],
    [['agent', '--node', 'a', '--image', 'x'], /--image only goes with --print-manifest/],
    [['agent', '--node', 'a', '-f', 'x.yaml'], /agent reads the cluster only/],
    [['agent', '--node', 'a', '-o', 'yaml'], /not -o yaml/],
  ] as const) {
    const r = await netpol(args, { env: { NODE_NAME: '' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
