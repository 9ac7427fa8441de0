/**
 * Tests of the lab itself (scripts/lab.sh and the helpers): that it builds what the enforcement
 * tests rely on. Same-node pod traffic is bridged and seen by the node's FORWARD chain with
 * --physdev-is-bridged; cross-node and external traffic is routed; a node reaches its pods through
 * OUTPUT, not FORWARD; a REJECT gives "refused" for TCP and UDP, v4 and v6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downLab, externalAddresses, podAddresses, run, runIn, runInNode, SKIP_UNLESS_ROOT, upLab, LAB_SCRIPT, type Lab, type LabSpec } from './lab.js';
import { describeProbe, probeAll, Probers, startListeners, type Probe } from './probe.js';

const spec: LabSpec = {
  nodes: [
    { name: 'a', index: 1 },
    { name: 'b', index: 2 },
  ],
  pods: [
    { name: 'a1', node: 'a', host: 10, dual: true },
    { name: 'a2', node: 'a', host: 11, dual: true },
    { name: 'b1', node: 'b', host: 10, dual: true },
  ],
  externals: [{ name: 'x', host: 100 }],
};

const PORTS = [80, 81, 82];

/** Hand-written rules on node a: 81 is refused when bridged, 82 when routed. */
const HAND_RULES = ['iptables', 'ip6tables'].flatMap((cmd) =>
  ['tcp', 'udp'].flatMap((proto) => [
    `${cmd} -A FORWARD -m physdev --physdev-is-bridged -p ${proto} --dport 81 -j REJECT`,
    `${cmd} -A FORWARD -m physdev ! --physdev-is-bridged -p ${proto} --dport 82 -j REJECT`,
  ]),
);

interface PathCase {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** 0: IPv4 address, 1: IPv6 address of the target. */
  readonly family: 0 | 1;
  /** Expected outcome per port of PORTS, for TCP and UDP alike. */
  readonly want: readonly [string, string, string];
}

const cases: PathCase[] = [
  { name: 'same node, bridged', from: 'a1', to: 'a2', family: 0, want: ['open', 'refused', 'open'] },
  { name: 'same node, bridged, IPv6', from: 'a2', to: 'a1', family: 1, want: ['open', 'refused', 'open'] },
  { name: 'cross node into a: routed', from: 'b1', to: 'a1', family: 0, want: ['open', 'open', 'refused'] },
  { name: 'cross node into a: routed, IPv6', from: 'b1', to: 'a2', family: 1, want: ['open', 'open', 'refused'] },
  { name: 'cross node out of a: routed on the sending node', from: 'a1', to: 'b1', family: 0, want: ['open', 'open', 'refused'] },
  { name: 'external into a: routed', from: 'x', to: 'a1', family: 0, want: ['open', 'open', 'refused'] },
  { name: 'external into a: routed, IPv6', from: 'x', to: 'a1', family: 1, want: ['open', 'open', 'refused'] },
  { name: 'node a to its pod: OUTPUT, not FORWARD', from: 'a', to: 'a1', family: 0, want: ['open', 'open', 'open'] },
  { name: 'node b to its pod, IPv6', from: 'b', to: 'b1', family: 1, want: ['open', 'open', 'open'] },
  { name: 'untouched node b: external to b1', from: 'x', to: 'b1', family: 0, want: ['open', 'open', 'open'] },
];

test('lab: bridged and routed paths, REJECT outcomes', { skip: SKIP_UNLESS_ROOT }, async (t) => {
  const lab = await upLab(spec);
  const probers = new Probers(lab);
  try {
    const ports = PORTS.flatMap((port) => [{ protocol: 'TCP' as const, port }, { protocol: 'UDP' as const, port }]);
    await Promise.all(spec.pods.map((p) => startListeners(lab, p.name, ports)));

    for (const rule of HAND_RULES) {
      const r = await runInNode(lab, 'a', ['sh', '-c', rule], '');
      assert.equal(r.code, 0, `${rule}: ${r.stderr}`);
    }

    const probes: Probe[] = cases.flatMap((c) =>
      PORTS.flatMap((port) =>
        (['TCP', 'UDP'] as const).map((protocol) => {
          const host = podAddresses(lab, c.to)[c.family];
          assert.ok(host !== undefined);
          return { from: c.from, host, port, protocol };
        }),
      ),
    );
    const outcomes = await probeAll(probers, probes);
    for (const [n, c] of cases.entries()) {
      await t.test(c.name, () => {
        const got = outcomes.slice(n * PORTS.length * 2, (n + 1) * PORTS.length * 2);
        const want = c.want.flatMap((w) => [w, w]);
        const mine = probes.slice(n * PORTS.length * 2, (n + 1) * PORTS.length * 2).map(describeProbe);
        assert.deepEqual(got, want, mine.join(', '));
      });
    }
  } finally {
    probers.close();
    await downLab(lab);
  }
  const left = await run(['sh', LAB_SCRIPT, 'list', lab.prefix]);
  assert.equal(left.stdout, '', 'down removes every namespace of the lab');
});

test('lab: runInNode feeds stdin and returns exit code and output', { skip: SKIP_UNLESS_ROOT }, async () => {
  const lab = await upLab({ nodes: [{ name: 'a', index: 1 }], pods: [] });
  try {
    const r = await runInNode(lab, 'a', ['sh', '-s'], 'echo hello; ip -o link show cni0 | wc -l; echo oops >&2; exit 3\n');
    assert.deepEqual(r, { code: 3, stdout: 'hello\n1\n', stderr: 'oops\n' });
    assert.deepEqual(await runInNode(lab, 'a', ['cat'], 'a\nb\n'), { code: 0, stdout: 'a\nb\n', stderr: '' });
    await assert.rejects(() => runInNode(lab, 'b1', ['true'], ''), /has no node b1/);
  } finally {
    await downLab(lab);
  }
});

test('lab: up replaces a leftover lab of the same prefix and sweeps labs of dead runs', { skip: SKIP_UNLESS_ROOT }, async () => {
  // 99999999 is above any pid_max, so that "run" is certainly dead.
  const dead = 'knpl99999999t1-a';
  const prefix = `knpl${process.pid}t99`;
  const specText = 'node=a:1 pod=p:a:5 ext=x:100';
  try {
    await run(['ip', 'netns', 'add', dead]);
    for (let i = 0; i < 2; i += 1) {
      const r = await run(['sh', LAB_SCRIPT, 'up', prefix, specText]);
      assert.equal(r.code, 0, r.stderr);
    }
    const names = (await run(['ip', 'netns', 'list'])).stdout;
    assert.doesNotMatch(names, /knpl99999999t1-a/);
    const lab: Lab = {
      prefix,
      spec: { nodes: [{ name: 'a', index: 1 }], pods: [{ name: 'p', node: 'a', host: 5 }], externals: [{ name: 'x', host: 100 }] },
      children: new Set(),
    };
    const addrs = (await runIn(lab, 'x', ['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout;
    for (const a of externalAddresses(lab, 'x')) assert.match(addrs, new RegExp(` ${a}/`));
    const podAddrs = (await runIn(lab, 'p', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout;
    assert.match(podAddrs, / 10\.244\.1\.5\/24 /);
    const sysctl = await runIn(lab, 'a', ['cat', ...['ipv4/ip_forward', 'ipv6/conf/all/forwarding', 'bridge/bridge-nf-call-iptables', 'bridge/bridge-nf-call-ip6tables'].map((k) => `/proc/sys/net/${k}`)]);
    assert.equal(sysctl.stdout, '1\n1\n1\n1\n');
  } finally {
    await run(['sh', LAB_SCRIPT, 'down', prefix]);
    await run(['ip', 'netns', 'del', dead]);
  }
  assert.equal((await run(['sh', LAB_SCRIPT, 'list', prefix])).stdout, '');
});

test('lab: lab.sh rejects a bad spec and leaves nothing behind', { skip: SKIP_UNLESS_ROOT }, async () => {
  const prefix = `knpl${process.pid}t98`;
  const bad = [
    { spec: 'node=a:1 pod=p:zz:5', err: /pod on unknown node 'zz'/ },
    { spec: 'node=A:1', err: /bad name 'A'/ },
    { spec: 'node=a:1 ext=x:12', err: /node addresses/ },
    { spec: 'node=a:1 pod=averyveryverylongname:a:5', err: /longer than 12/ },
  ];
  for (const c of bad) {
    const r = await run(['sh', LAB_SCRIPT, 'up', prefix, c.spec]);
    assert.equal(r.code, 2, c.spec);
    assert.match(r.stderr, c.err);
    assert.equal((await run(['sh', LAB_SCRIPT, 'list', prefix])).stdout, '', `${c.spec}: half-built lab removed`);
  }
});
