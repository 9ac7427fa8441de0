/**
 * @module test/lab/scenario
 * One connectivity table, judged twice: by the engine (`evaluateConnection`) and by packets in the
 * lab after each node ran its apply-node script. The lab is derived from the snapshot itself: a
 * pod's node index and host number come from its address 10.244.N.H (fd00:244:N::H when it has an
 * IPv6 address too), so a fixture and the lab cannot disagree on who is where.
 */
import { fileURLToPath } from 'node:url';
import { compileSnapshot, type CompiledSnapshot } from '../../src/engine/compile.js';
import type { Endpoint } from '../../src/engine/endpoint.js';
import { evaluateConnection, isAllowed } from '../../src/engine/verdict.js';
import type { IpFamily, Pod, Snapshot } from '../../src/model/index.js';
import { ip } from '../support/addresses.js';
import { readManifests } from '../../src/sources/files.js';
import { toSnapshot } from '../../src/sources/snapshot.js';
import { buildRuleSet } from '../../src/node/ruleset.js';
import type { MarkBits } from '../../src/node/rule-data.js';
import { applyRuleSet, cleanupNode, type ApplyReport, type NodeRunner, type RuleSet } from '../../src/node/index.js';
import {
  externalAddresses,
  nodeBridgeAddresses,
  nodeLinkAddresses,
  runInNode,
  type Lab,
  type LabExternal,
  type LabSpec,
} from './lab.js';
import type { ListenPort, Probe } from './probe.js';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/lab/${name}`, import.meta.url));
}

export async function loadScenario(files: readonly string[]): Promise<CompiledSnapshot> {
  return compileSnapshot(toSnapshot(await readManifests(files.map(fixture))));
}

/** The two external hosts every scenario has: one inside the ipBlock fixture's except, one not. */
export const EXTERNALS: readonly LabExternal[] = [
  { name: 'x', host: 100 },
  { name: 'y', host: 200 },
];

/** Ports every pod listens on: TCP and UDP alike, so a wrong protocol match shows. */
export const PORTS: readonly ListenPort[] = [
  { protocol: 'TCP', port: 8080 },
  { protocol: 'TCP', port: 8081 },
  { protocol: 'TCP', port: 5432 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'UDP', port: 5353 },
];

export interface PlacedPod {
  readonly pod: Pod;
  /** The lab member name: p<N>x<H>. */
  readonly member: string;
  readonly node: string;
}

function placement(pod: Pod): { n: number; h: number; dual: boolean } {
  const v4 = pod.ips.find((a) => a.family === 4);
  const m = v4 === undefined ? null : /^10\.244\.(\d+)\.(\d+)$/.exec(v4.text);
  if (m === null) throw new Error(`lab: pod ${pod.namespace}/${pod.name} needs an IPv4 address 10.244.N.H`);
  const n = Number(m[1]);
  const h = Number(m[2]);
  const v6 = pod.ips.find((a) => a.family === 6);
  if (v6 !== undefined && v6.text !== `fd00:244:${n}::${h}`) {
    throw new Error(`lab: pod ${pod.namespace}/${pod.name}: IPv6 must be fd00:244:${n}::${h}, got ${v6.text}`);
  }
  return { n, h, dual: v6 !== undefined };
}

export function placePods(snapshot: Snapshot): PlacedPod[] {
  return snapshot.pods.map((pod) => {
    if (pod.nodeName === undefined) throw new Error(`lab: pod ${pod.namespace}/${pod.name} has no spec.nodeName`);
    const { n, h } = placement(pod);
    return { pod, member: `p${n}x${h}`, node: pod.nodeName };
  });
}

/** The lab that hosts the snapshot's pods, plus the scenario's external hosts. */
export function labSpecFor(snapshot: Snapshot, externals: readonly LabExternal[] = EXTERNALS): LabSpec {
  const nodes = new Map<string, number>();
  const pods = snapshot.pods.map((pod) => {
    const { n, h, dual } = placement(pod);
    const node = pod.nodeName ?? '';
    const known = nodes.get(node);
    if (known !== undefined && known !== n) throw new Error(`lab: node ${node} holds pods of 10.244.${known} and 10.244.${n}`);
    nodes.set(node, n);
    return { name: `p${n}x${h}`, node, host: h, dual };
  });
  return { nodes: [...nodes].map(([name, index]) => ({ name, index })), pods, externals };
}

/** The same pod with its `family` address first, so the engine judges a connection in that family. */
function inFamily(pod: Pod, family: IpFamily): Pod {
  return { ...pod, ips: [...pod.ips.filter((a) => a.family === family), ...pod.ips.filter((a) => a.family !== family)] };
}


/**
 * The lab's Node objects: each node's link address (its InternalIP, as on a real node) and its
 * bridge address, from which a lab node reaches its own pods (as a flannel node does from cni0):
 * to the engine both are the node's, as a Node object's status.addresses says of an address.
 */
function withNodeAddresses(c: CompiledSnapshot, lab: Lab): CompiledSnapshot {
  const nodes = lab.spec.nodes.map((n) => ({
    name: n.name,
    labels: c.snapshot.nodes.find((x) => x.name === n.name)?.labels ?? {},
    addresses: [
      ...(c.snapshot.nodes.find((x) => x.name === n.name)?.addresses ?? []),
      ...[...nodeLinkAddresses(lab, n.name), ...nodeBridgeAddresses(lab, n.name)].map((a) => ({ type: 'InternalIP', ip: ip(a) })),
    ],
  }));
  return compileSnapshot({ ...c.snapshot, nodes: [...c.snapshot.nodes.filter((x) => !nodes.some((n) => n.name === x.name)), ...nodes] });
}

export interface Row {
  readonly probe: Probe;
  readonly label: string;
  readonly allowed: boolean;
}

/**
 * Every source (pod, external host, node) to every pod, in each family both ends have, on every
 * port: the probe and the engine's verdict on it.
 */
export function connectivityTable(scenario: CompiledSnapshot, lab: Lab, ports: readonly ListenPort[] = PORTS): Row[] {
  const c = withNodeAddresses(scenario, lab);
  const placed = placePods(c.snapshot);
  const rows: Row[] = [];
  type Source = (family: IpFamily, dst: PlacedPod) => Endpoint | undefined;
  const add = (from: string, srcLabel: string, src: Source): void => {
    for (const dst of placed) {
      for (const f of [4, 6] as const) {
        const dstAddr = dst.pod.ips.find((a) => a.family === f);
        const srcEnd = src(f, dst);
        if (dstAddr === undefined || srcEnd === undefined) continue;
        // A pod to itself must stay one object: the engine recognises "self" by identity.
        const dstEnd: Endpoint = srcEnd.kind === 'pod' && from === dst.member ? srcEnd : { kind: 'pod', pod: inFamily(dst.pod, f) };
        for (const { protocol, port } of ports) {
          const verdict = evaluateConnection(c, { src: srcEnd, dst: dstEnd, port, protocol });
          rows.push({
            probe: { from, host: dstAddr.text, port, protocol },
            label: `${srcLabel} -> ${dst.pod.namespace}/${dst.pod.name} [${dstAddr.text}]:${port}/${protocol}`,
            allowed: isAllowed(verdict),
          });
        }
      }
    }
  };
  for (const s of placed) {
    add(s.member, `${s.pod.namespace}/${s.pod.name}`, (f) =>
      s.pod.ips.some((a) => a.family === f) ? { kind: 'pod', pod: inFamily(s.pod, f) } : undefined,
    );
  }
  for (const x of lab.spec.externals ?? []) {
    const addrs = externalAddresses(lab, x.name);
    add(x.name, `external ${x.name}`, (f) => ({ kind: 'ip', ip: ip(addrs[f === 4 ? 0 : 1] ?? '') }));
  }
  for (const node of lab.spec.nodes) {
    // A node reaches its own pods from its bridge address (and is the node: always allowed), other
    // nodes' pods from its link address, which to their ingress rules is an address like any other.
    const bridge = nodeBridgeAddresses(lab, node.name);
    const link = nodeLinkAddresses(lab, node.name);
    add(node.name, `node ${node.name}`, (f, dst) =>
      dst.node === node.name
        ? { kind: 'ip', ip: ip(bridge[f === 4 ? 0 : 1] ?? '') }
        : { kind: 'ip', ip: ip(link[f === 4 ? 0 : 1] ?? '') },
    );
  }
  rows.push(...toHosts(c, lab, placed, ports));
  return rows;
}

/** Addresses that are not pods, with a listener behind each: nodes (both addresses) and externals. */
export function hostTargets(lab: Lab): { member: string; label: string; addresses: string[] }[] {
  return [
    ...lab.spec.nodes.flatMap((n) => [
      { member: n.name, label: `node ${n.name} bridge`, addresses: nodeBridgeAddresses(lab, n.name) },
      { member: n.name, label: `node ${n.name} link`, addresses: nodeLinkAddresses(lab, n.name) },
    ]),
    ...(lab.spec.externals ?? []).map((x) => ({ member: x.name, label: `external ${x.name}`, addresses: externalAddresses(lab, x.name) })),
  ];
}

/**
 * Pods to addresses that are not pods: only the pod's egress decides, except that a pod may always
 * reach its own node (either address: the INPUT path, where nothing of ours is). To other nodes
 * and external hosts the packet is routed out of the node, through FORWARD, where egress decides.
 */
function toHosts(c: CompiledSnapshot, lab: Lab, placed: readonly PlacedPod[], ports: readonly ListenPort[]): Row[] {
  const rows: Row[] = [];
  for (const s of placed) {
    for (const target of hostTargets(lab)) {
      for (const f of [4, 6] as const) {
        const text = target.addresses[f === 4 ? 0 : 1];
        if (text === undefined || !s.pod.ips.some((a) => a.family === f)) continue;
        for (const { protocol, port } of ports) {
          const verdict = evaluateConnection(c, { src: { kind: 'pod', pod: inFamily(s.pod, f) }, dst: { kind: 'ip', ip: ip(text) }, port, protocol });
          rows.push({
            probe: { from: s.member, host: text, port, protocol },
            label: `${s.pod.namespace}/${s.pod.name} -> ${target.label} [${text}]:${port}/${protocol}`,
            allowed: isAllowed(verdict),
          });
        }
      }
    }
  }
  return rows;
}

/** Listeners on every member a probe may target: pods, nodes and external hosts. */
export function listenerMembers(lab: Lab): string[] {
  return [...lab.spec.pods.map((p) => p.name), ...lab.spec.nodes.map((n) => n.name), ...(lab.spec.externals ?? []).map((x) => x.name)];
}

/** The outcome a probe must have: admitted connections open, denied ones are REJECTed. */
export function expectedOutcome(allowed: boolean): string {
  return allowed ? 'open' : 'refused';
}

/** Rows whose packets disagree with the engine, IPv4 first; empty when all agree. */
export function mismatches(rows: readonly Row[], outcomes: readonly string[]): string[] {
  const wrong = rows.flatMap((r, i) =>
    outcomes[i] === expectedOutcome(r.allowed) ? [] : [{ v6: r.probe.host.includes(':'), text: `${r.label}: engine ${r.allowed ? 'allows' : 'denies'}, packets ${outcomes[i] ?? 'none'}` }],
  );
  return [...wrong.filter((w) => !w.v6), ...wrong.filter((w) => w.v6)].map((w) => w.text);
}

export function mismatchSummary(wrong: readonly string[], total: number): string {
  const v6 = wrong.filter((w) => w.includes('[fd00:')).length;
  return `${wrong.length} of ${total} connections differ (${wrong.length - v6} IPv4, ${v6} IPv6)`;
}

export function ruleSetFor(c: CompiledSnapshot, node: string, marks?: MarkBits): RuleSet {
  return buildRuleSet(c, node, marks);
}

/** `sh -s` in the node's namespace, as the helper pod (or a node agent) runs it; env prefixes e.g. PATH. */
export function nodeRunner(lab: Lab, node: string, env: readonly string[] = []): NodeRunner {
  return async (script) => {
    const r = await runInNode(lab, node, env.length > 0 ? ['env', ...env, 'sh', '-s'] : ['sh', '-s'], script);
    return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
  };
}

/** Installs the node's rule set through node/apply, as apply-node does. */
export async function applyOnNode(lab: Lab, node: string, rs: RuleSet, env: readonly string[] = []): Promise<ApplyReport> {
  return await applyRuleSet(nodeRunner(lab, node, env), rs);
}

/** Removes everything of ours from the node through node/apply, as apply-node --cleanup does. */
export async function cleanupOnNode(lab: Lab, node: string): Promise<ApplyReport> {
  return await cleanupNode(nodeRunner(lab, node), { node });
}
