/**
 * The watch loop with real packets, in both its forms: the real kubectl runs `kubectl netpol
 * apply-node --all --watch` against the test API server, whose exec runs each script inside its lab
 * node; and one `kubectl-netpol agent` per node runs inside that node, reaching the server over a
 * link of its own, applying with the node's sh. After each change
 * to the cluster (a default deny added, an allow rule added, a new pod with a new address in an
 * isolated namespace, a pod deleted and its address reused by a pod of another namespace, a
 * namespace relabelled, every policy deleted) the packets must come to equal the engine's verdicts
 * (can-reach's) on the cluster as it now is, within a few seconds, with no one re-running anything.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileSnapshot, type CompiledSnapshot } from '../../src/engine/compile.js';
import { readManifests } from '../../src/sources/files.js';
import { toSnapshot } from '../../src/sources/snapshot.js';
import { startApiServer } from '../support/apiserver.js';
import type { JsonObject } from '../support/selectors.js';
import { repo } from '../cli/run.js';
import { execInLab } from './exec-in-lab.js';
import { downLab, flushNeighbours, linkToHost, netnsOf, SKIP_UNLESS_ROOT, upLab, type Lab } from './lab.js';
import { probeAll, Probers, startListeners, type ListenPort } from './probe.js';
import { connectivityTable, fixture, labSpecFor, listenerMembers, mismatches, mismatchSummary } from './scenario.js';

/** Two ports, one each way the rules differ: the allow rule names TCP 8080 only. */
const PORTS: readonly ListenPort[] = [
  { protocol: 'TCP', port: 8080 },
  { protocol: 'UDP', port: 53 },
];

function fixtureObjects(name: string): JsonObject[] {
  return parseAllDocuments(readFileSync(fixture(name), 'utf8')).map((d) => d.toJS() as JsonObject).filter((o) => o !== null);
}

function pod(namespace: string, name: string, nodeName: string, ips: readonly string[], labels: Record<string, string>): JsonObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { namespace, name, labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'img', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) },
  };
}

const allowFromOther: JsonObject = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  metadata: { namespace: 'web', name: 'allow-other' },
  spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'other' } } }], ports: [{ port: 8080 }] }] },
};
/** Comes later, on node-b, at an address no pod had: in web, which is isolated by then. */
const newPod = pod('web', 'web-new', 'node-b', ['10.244.2.12'], { app: 'web' });
/** Takes web-a's addresses once web-a is gone, in another namespace. */
const reuser = pod('other', 'reuser', 'node-a', ['10.244.1.10', 'fd00:244:1::10'], { app: 'reuser' });

const keyOf = (o: JsonObject): string => {
  const m = o['metadata'] as { namespace?: string; name: string };
  return `${String(o['kind'])}/${m.namespace ?? ''}/${m.name}`;
};

/** The cluster as the test knows it, mirrored into the server, and what the engine says of it. */
class Cluster {
  private readonly objects = new Map<string, JsonObject>();
  constructor(private readonly server: Awaited<ReturnType<typeof startApiServer>>) {}

  put(...objs: JsonObject[]): void {
    for (const o of objs) {
      this.objects.set(keyOf(o), structuredClone(o));
      this.server.add(structuredClone(o));
    }
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    this.objects.delete(`${kind}/${namespace ?? ''}/${name}`);
    assert.ok(this.server.remove(kind, namespace, name), `${kind} ${namespace ?? ''}/${name} was there`);
  }

  all(): JsonObject[] {
    return [...this.objects.values()];
  }

  compiled(): Promise<CompiledSnapshot> {
    return engineView(this.all());
  }
}

/** Objects read back through the plugin's own file reader, as `-f` would: the engine's view. */
async function engineView(objects: readonly JsonObject[]): Promise<CompiledSnapshot> {
  const file = join(mkdtempSync(join(tmpdir(), 'knp-watch-lab-')), 'now.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return compileSnapshot(toSnapshot(await readManifests([file])));
}

async function converge(lab: Lab, probers: Probers, cluster: Cluster, what: string, stderr: () => string): Promise<void> {
  const c = await cluster.compiled();
  const rows = connectivityTable(c, lab, PORTS);
  assert.ok(rows.some((r) => r.allowed) || what.includes('every'), `${what}: the table holds allowed rows`);
  let wrong: string[] = [];
  for (const end = Date.now() + 45_000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    await flushNeighbours(lab);
    wrong = mismatches(rows, await probeAll(probers, rows.map((r) => r.probe)));
    if (wrong.length === 0) return;
  }
  assert.fail(`${what}: packets never came to match the verdicts: ${mismatchSummary(wrong, rows.length)}\nthe watch said:\n${stderr()}`);
}

/** A running enforcer: the watch loop from outside, or one agent per node. */
interface Enforcer {
  stderr(): string;
  /** SIGTERM; resolves to the exit codes. */
  stop(): Promise<(number | null)[]>;
}

function started(children: readonly ChildProcess[]): Enforcer {
  let stderr = '';
  const exits = children.map((child) => {
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    return new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  });
  return {
    stderr: () => stderr,
    stop: () => {
      for (const c of children) c.kill('SIGTERM');
      return Promise.all(exits);
    },
  };
}

/**
 * Builds the lab, starts the enforcer against the test API server, and takes the cluster through
 * every change, asserting after each that the packets come to equal the verdicts.
 */
async function throughEveryChange(t: TestContext, start: (lab: Lab, kubeconfig: (server: string) => string) => Promise<Enforcer>): Promise<void> {
  const base = fixtureObjects('pods.yaml');
  // The lab hosts every pod that will ever exist (reuser shares web-a's member: same addresses).
  const lab = await upLab(labSpecFor((await engineView([...base, newPod])).snapshot));
  const server = await startApiServer({ listenAll: true, objects: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system' } }] });
  const cluster = new Cluster(server);
  cluster.put(...base);
  const probers = new Probers(lab);
  const dir = mkdtempSync(join(tmpdir(), 'knp-watch-kc-'));
  let enforcer: Enforcer | undefined;
  try {
    server.setExecHandler(execInLab(lab, (ns, p) => String((server.get('Pod', ns, p) as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName)));
    await Promise.all(listenerMembers(lab).map((m) => startListeners(lab, m, PORTS)));
    const port = new URL(server.url).port;
    enforcer = await start(lab, (host) => server.kubeconfigPath(dir, { server: `https://${host}:${port}`, fileName: `kc-${host}` }));
    const e = enforcer;
    const step = (what: string, change: () => void) =>
      t.test(what, async () => {
        change();
        await converge(lab, probers, cluster, what, () => e.stderr());
      });
    // Packets alone would also match a node that someone else configured: the enforcer says it did.
    const appliedEveryNode = () => lab.spec.nodes.every((n) => new RegExp(`node ${n.name}: applied`).test(e.stderr()));
    await step('no policy yet: everything open', () => undefined);
    await step('a default deny added (ingress of web, egress of db)', () => cluster.put(...fixtureObjects('default-deny.yaml')));
    await step('an allow rule added (namespace team=other to web on TCP 8080)', () => cluster.put(allowFromOther));
    await step('a new pod with a new address in the isolated namespace', () => cluster.put(newPod));
    await step('a pod deleted and its address reused by a pod of another namespace', () => {
      cluster.delete('Pod', 'web', 'web-a');
      cluster.put(reuser);
    });
    await step('a namespace relabelled out of the allow rule', () => {
      const other = cluster.all().find((o) => keyOf(o) === 'Namespace//other') as JsonObject;
      cluster.put({ ...other, metadata: { ...(other['metadata'] as object), labels: { team: 'elsewhere' } } });
    });
    await step('every policy deleted', () => {
      for (const o of cluster.all().filter((x) => x['kind'] === 'NetworkPolicy')) {
        const m = o['metadata'] as { namespace: string; name: string };
        cluster.delete('NetworkPolicy', m.namespace, m.name);
      }
    });
    assert.ok(appliedEveryNode(), e.stderr());
  } finally {
    const codes = (await enforcer?.stop()) ?? [];
    probers.close();
    await server.close();
    await downLab(lab);
    assert.ok(codes.every((c) => c === 0), `exit codes ${codes.join(', ')}:\n${enforcer?.stderr() ?? ''}`);
  }
}

const pluginPath = { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}` };

test('watch: apply-node --all --watch keeps the packets equal to the verdicts through every kind of change', { skip: SKIP_UNLESS_ROOT, timeout: 600_000 }, (t) =>
  throughEveryChange(t, async (_lab, kubeconfig) =>
    started([
      spawn('kubectl', ['netpol', 'apply-node', '--all', '--watch', '--debounce', '300ms', '--timeout', '60s', '--kubeconfig', kubeconfig('127.0.0.1')], { env: pluginPath, stdio: ['ignore', 'ignore', 'pipe'] }),
    ]),
  ),
);

test('agent: one agent per lab node, each in its node, keeps the packets equal to the verdicts through every kind of change', { skip: SKIP_UNLESS_ROOT, timeout: 600_000 }, (t) =>
  throughEveryChange(t, async (lab, kubeconfig) => {
    const agents: ChildProcess[] = [];
    for (const [slot, node] of lab.spec.nodes.entries()) {
      const host = await linkToHost(lab, node.name, slot);
      // As the DaemonSet runs it: on the node's own network, told its name by NODE_NAME.
      agents.push(spawn('ip', ['netns', 'exec', netnsOf(lab, node.name), 'env', `NODE_NAME=${node.name}`, `PATH=${pluginPath.PATH}`, 'kubectl-netpol', 'agent', '--debounce', '300ms', '--kubeconfig', kubeconfig(host)], { stdio: ['ignore', 'ignore', 'pipe'] }));
    }
    return started(agents);
  }),
);
