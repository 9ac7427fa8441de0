/**
 * `npm run bench`: the size and speed of one node's rule set in a synthetic cluster of 10,000 pods
 * (100 nodes of 100 pods, 200 namespaces) and 2,000 policies. Prints figures, asserts nothing:
 * time to read the cluster's manifests (JSON and YAML, through the same reader as `-f`), time to
 * build the rule set and script of one node (and its ratio to reading), rule, set and entry counts,
 * the script's size, and, as root, the time to install it in a throwaway network namespace.
 * KNP_BENCH_SCRIPT=FILE keeps the generated script.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { compileSnapshot } from '../src/engine/index.js';
import { buildRuleSet, entryCount, renderApplyScript, renderCleanupScript, ruleCount } from '../src/node/index.js';
import { readManifests } from '../src/sources/files.js';
import { toSnapshot } from '../src/sources/snapshot.js';

const NODES = 100;
const PODS_PER_NODE = 100;
const NAMESPACES = 200;
const POLICIES_PER_NAMESPACE = 10;
const TEST_NODE = 'node-0';

type Json = Record<string, unknown>;

function nodes(): Json[] {
  return Array.from({ length: NODES }, (_, n) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${n}` },
    status: { addresses: [{ type: 'InternalIP', address: `192.168.${n >> 8}.${(n & 255) + 1}` }] },
  }));
}

function namespaces(): Json[] {
  return Array.from({ length: NAMESPACES }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `ns-${i}`, labels: { team: `t${i % 20}`, env: i % 3 === 0 ? 'prod' : 'dev' } },
  }));
}

function pods(): Json[] {
  const out: Json[] = [];
  for (let n = 0; n < NODES; n++) {
    for (let k = 0; k < PODS_PER_NODE; k++) {
      const i = n * PODS_PER_NODE + k;
      const v4 = `10.${244 + (n >> 8)}.${n & 255}.${k + 2}`;
      const ips = i % 10 === 0 ? [v4, `fd00:${n.toString(16)}::${(k + 2).toString(16)}`] : [v4];
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod-${i}`, namespace: `ns-${i % NAMESPACES}`, labels: { app: `a${i % 50}`, tier: ['web', 'api', 'db'][i % 3] } },
        spec: {
          nodeName: `node-${n}`,
          containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 + (i % 3) }, { name: 'metrics', containerPort: 9090 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
        },
        status: { phase: 'Running', podIP: v4, podIPs: ips.map((ip) => ({ ip })) },
      });
    }
  }
  return out;
}

function policies(): Json[] {
  const out: Json[] = [];
  for (let s = 0; s < NAMESPACES; s++) {
    const namespace = `ns-${s}`;
    const kinds: Json[] = [
      { podSelector: {}, policyTypes: ['Ingress'] },
      { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 5432 }] }] },
      { podSelector: { matchLabels: { tier: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${s % 20}` } } }], ports: [{ port: 'http' }] }] },
      { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ port: 8080, endPort: 8082 }] }] },
      { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: `a${s % 50}` } } }], ports: [{ port: 'metrics' }] }] },
      { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'a0' } } }], ports: [{ port: 'dns', protocol: 'UDP' }] }] },
      { podSelector: { matchLabels: { tier: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 'http' }] }, { to: [{ ipBlock: { cidr: '10.96.0.0/12' } }] }] },
      { podSelector: { matchLabels: { app: `a${(s * 7) % 50}` } }, ingress: [{ from: [{ podSelector: {} }] }] },
      { podSelector: { matchLabels: { tier: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `172.16.${s}.0/24` } }], ports: [{ port: 443 }, { protocol: 'SCTP' }] }] },
      { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${(s + 1) % 20}` } } }] }] },
    ];
    kinds.slice(0, POLICIES_PER_NAMESPACE).forEach((spec, k) =>
      out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `pol-${k}`, namespace }, spec }),
    );
  }
  return out;
}

function ms(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}

function isRoot(): boolean {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v ip && command -v ipset && command -v iptables-restore']).status === 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'knp-bench-'));
  try {
    const items = [...namespaces(), ...nodes(), ...pods(), ...policies()];
    const jsonFile = join(dir, 'cluster.json');
    const yamlFile = join(dir, 'cluster.yaml');
    writeFileSync(jsonFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    writeFileSync(yamlFile, items.map((o) => stringify(o)).join('---\n'));
    console.log(`synthetic cluster: ${NODES} nodes, ${NODES * PODS_PER_NODE} pods, ${NAMESPACES} namespaces, ${NAMESPACES * POLICIES_PER_NAMESPACE} policies`);

    let t0 = performance.now();
    const snapshot = toSnapshot(await readManifests([jsonFile]));
    const parseJson = ms(t0);
    t0 = performance.now();
    toSnapshot(await readManifests([yamlFile]));
    const parseYaml = ms(t0);

    t0 = performance.now();
    const compiled = compileSnapshot(snapshot);
    const rs = buildRuleSet(compiled, TEST_NODE);
    const build = ms(t0);
    t0 = performance.now();
    const script = renderApplyScript(rs);
    const render = ms(t0);

    // Hostile input must be refused fast and in bounded memory; the tests only check that it is.
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(bomb, `a: [${'{},'.repeat(5_000_000)}]\n`);
    t0 = performance.now();
    const refused = await readManifests([bomb]).then(() => 'accepted?!', (e: unknown) => (e instanceof Error ? e.message.split(': ').slice(-1)[0] ?? '' : String(e)));
    const refuseMs = ms(t0);

    const local = snapshot.pods.filter((p) => p.nodeName === TEST_NODE).length;
    const rules = ruleCount(rs.v4) + ruleCount(rs.v6);
    const sets = rs.v4.sets.length + rs.v6.sets.length;
    const entries = entryCount(rs.v4) + entryCount(rs.v6);
    console.log(`read manifests (JSON, ${items.length} objects): ${parseJson} ms`);
    console.log(`read manifests (YAML): ${parseYaml} ms`);
    console.log(`build rule set for ${TEST_NODE} (${local} pods): ${build} ms`);
    console.log(`render apply script: ${render} ms`);
    console.log(`refuse a 15 MB YAML flow bomb: ${refuseMs} ms (${refused.slice(0, 60)})`);
    console.log(`rule set + script / reading JSON: ${((build + render) / parseJson).toFixed(2)}; / reading YAML: ${((build + render) / parseYaml).toFixed(2)}`);
    console.log(`rules: ${rules} (IPv4 ${ruleCount(rs.v4)}, IPv6 ${ruleCount(rs.v6)}), chains: ${rs.v4.chains.length + rs.v6.chains.length}`);
    console.log(`sets: ${sets}, set entries: ${entries}`);
    console.log(`script: ${Buffer.byteLength(script)} bytes, ${script.split('\n').length} lines`);
    const keep = process.env['KNP_BENCH_SCRIPT'];
    if (keep !== undefined && keep !== '') writeFileSync(keep, script);

    if (!isRoot()) {
      console.log('install time: skipped (needs root, ip, ipset and iptables)');
      return;
    }
    const ns = `knp-bench-${process.pid}`;
    spawnSync('ip', ['netns', 'add', ns]);
    try {
      const run = (text: string) => {
        const t = performance.now();
        const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-s'], { input: text, encoding: 'utf8' });
        return { ms: ms(t), status: r.status, out: `${r.stdout}${r.stderr}` };
      };
      const first = run(script);
      console.log(`install in a throwaway netns: ${first.ms} ms (exit ${first.status})`);
      if (first.status !== 0) console.log(first.out);
      const second = run(script);
      console.log(`re-apply, nothing changed: ${second.ms} ms (exit ${second.status})`);
      const clean = run(renderCleanupScript());
      console.log(`cleanup: ${clean.ms} ms (exit ${clean.status})`);
    } finally {
      spawnSync('ip', ['netns', 'delete', ns]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
