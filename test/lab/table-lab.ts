/**
 * @module test/lab/table-lab
 * The connectivity table (test/support/connectivity.ts) in the netns lab. One lab hosts every row:
 * its pods, nodes and the one external host `x` are the table's world, placed by their addresses
 * (pod 10.244.N.H on lab node N). Addresses the world gives a member beyond what lab.sh assigns
 * (node-a's ExternalIPs; every external address of a row, all held by `x`, with routes from the
 * nodes when off the node link) are added to its eth0, and each probe is sent from the row's own
 * source address. Rows then differ only in policies (tier policies included): rows with the same policies are probed
 * together, after each node they cross has run its apply-node script (only when it changed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { addressIn, compileSnapshot, connectionFamily, type Endpoint } from '../../src/engine/index.js';
import { cidrContains, type IpAddress } from '../../src/model/index.js';
import { buildRuleSet } from '../../src/node/ruleset.js';
import { ruleSetText } from '../../src/node/index.js';
import { cidr, ip as address } from '../support/addresses.js';
import { endpointOf, NODES, PODS, snapshotOf, type Judgement, type Row } from '../support/connectivity.js';
import { externalAddresses, nodeBridgeAddresses, nodeLinkAddresses, runIn, type Lab, type LabPod, type LabSpec } from './lab.js';
import { probeAll, startListeners, type ListenPort, type Probe, type Probers } from './probe.js';
import { applyOnNode } from './scenario.js';

/** The node link, where the external host may hold any address but the nodes' (lab.sh's ext rule). */
const LINK_NETS = [cidr('192.168.56.0/24'), cidr('fd00:56::/64')];
/**
 * Addresses no host can send from or answer on: this network, loopback, multicast, reserved and
 * broadcast; the unspecified address, loopback, link-local and multicast. Every other address off
 * the node link is held by the external host too, with a route to it on every node.
 */
const NOT_UNICAST = ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '::/127', 'fe80::/10', 'ff00::/8'].map(cidr);
const EXTERNAL = { name: 'x', host: 100 };

const nodeIndex = (name: string): number => {
  const n = NODES.find((x) => x.name === name);
  const bridge = n?.addresses.map((a) => /^10\.244\.(\d+)\.1$/.exec(a.ip.text)).find((m) => m !== null);
  if (bridge?.[1] === undefined) throw new Error(`table lab: node ${name} has no bridge address 10.244.N.1`);
  return Number(bridge[1]);
};

/** A pod's lab member, or why lab.sh cannot build it (it gives 10.244.N.H, and fd00:244:N::H with it). */
function podMember(p: (typeof PODS)[number]): { pod: LabPod } | { skip: string } {
  const name = `${p.namespace}/${p.name}`;
  if (p.nodeName === undefined || p.ips.length === 0) return { skip: `${name} has no node or no address: no lab member can be it` };
  const n = nodeIndex(p.nodeName);
  const h = /^10\.244\.(\d+)\.(\d+)$/.exec(p.ips.find((a) => a.family === 4)?.text ?? '');
  if (h === null || Number(h[1]) !== n) throw new Error(`table lab: ${name} needs an address 10.244.${n}.H`);
  const v6 = p.ips.find((a) => a.family === 6);
  if (v6 !== undefined && v6.text !== `fd00:244:${n}::${h[2]}`) throw new Error(`table lab: ${name}: IPv6 must be fd00:244:${n}::${h[2]}`);
  return { pod: { name: `p${n}x${h[2]}`, node: p.nodeName, host: Number(h[2]), dual: v6 !== undefined } };
}

export function tableLabSpec(): LabSpec {
  const pods = PODS.filter((p) => !p.hostNetwork).flatMap((p) => {
    const m = podMember(p);
    return 'pod' in m ? [m.pod] : [];
  });
  return { nodes: NODES.map((n) => ({ name: n.name, index: nodeIndex(n.name) })), pods, externals: [EXTERNAL] };
}

interface Planned {
  readonly probe: Probe;
  /** The member the probe is sent to, where a listener must wait. */
  readonly to: string;
  /** The nodes whose rules the packets meet. */
  readonly nodes: readonly string[];
}

const same = (a: IpAddress, b: IpAddress): boolean => a.family === b.family && a.value === b.value;

/** The member that holds `address` for endpoint `e`, and the node whose rules it meets; or why none can. */
function memberFor(e: Endpoint, address: IpAddress): { member: string; node?: string } | { skip: string } {
  if (e.kind === 'pod' && !e.pod.hostNetwork) {
    const m = podMember(e.pod);
    return 'pod' in m ? { member: m.pod.name, node: m.pod.node } : m;
  }
  // The external host would take the pod's address and the nodes a route to it: every other row
  // to or from that pod would then meet the wrong host (it happened: a whole run gone wrong).
  const holder = PODS.find((p) => !p.hostNetwork && p.ips.some((a) => same(a, address)));
  if (e.kind === 'ip' && holder !== undefined) throw new Error(`table lab: ${address.text} is pod ${holder.namespace}/${holder.name}'s address: name the pod, not the address`);
  const node = NODES.find((n) => n.addresses.some((a) => same(a.ip, address)));
  // A hostNetwork pod is its node, and has the node's addresses.
  if (e.kind === 'pod' && node?.name !== e.pod.nodeName) throw new Error(`table lab: hostNetwork pod ${e.pod.name} must have its node's addresses`);
  if (node !== undefined) return { member: node.name, node: node.name };
  if (NOT_UNICAST.some((c) => cidrContains(c, address))) return { skip: `${address.text} is no unicast address: no lab host can send from it or answer on it` };
  return { member: EXTERNAL.name };
}

const SCTP_SKIP = `the lab probes TCP and UDP only: Node has no SCTP sockets${existsSync('/proc/net/sctp') ? '' : ', and this kernel has no SCTP'}`;

export function planRow(row: Row): Planned | { skip: string } {
  if (row.protocol === 'SCTP') return { skip: SCTP_SKIP };
  const src = endpointOf(row.src);
  const dst = endpointOf(row.dst);
  const family = connectionFamily(src, dst, row.family);
  const a = addressIn(src, family);
  const b = addressIn(dst, family);
  if (a === undefined || b === undefined) return { skip: `${a === undefined ? row.src : row.dst} has no address: no lab member can be it` };
  const from = memberFor(src, a);
  if ('skip' in from) return from;
  const to = memberFor(dst, b);
  if ('skip' in to) return to;
  const nodes = [...new Set([from.node, to.node].filter((n): n is string => n !== undefined))];
  return { probe: { from: from.member, host: b.text, port: row.port, protocol: row.protocol ?? 'TCP', local: a.text }, to: to.member, nodes };
}

/** Addresses the world gives a member beyond lab.sh's: node-a's ExternalIPs, x's edge addresses. */
function extraAddresses(lab: Lab, plans: readonly (Planned | { skip: string })[]): Map<string, Set<string>> {
  const extra = new Map<string, Set<string>>();
  const add = (member: string, text: string): void => {
    const set = extra.get(member) ?? new Set<string>();
    set.add(text);
    extra.set(member, set);
  };
  for (const n of NODES) {
    const given = new Set([...nodeLinkAddresses(lab, n.name), ...nodeBridgeAddresses(lab, n.name)]);
    for (const a of n.addresses) if (!given.has(a.ip.text)) add(n.name, a.ip.text);
  }
  const primary = new Set(externalAddresses(lab, EXTERNAL.name));
  for (const p of plans) {
    if ('skip' in p) continue;
    if (p.probe.from === EXTERNAL.name && p.probe.local !== undefined && !primary.has(p.probe.local)) add(EXTERNAL.name, p.probe.local);
    if (p.to === EXTERNAL.name && !primary.has(p.probe.host)) add(EXTERNAL.name, p.probe.host);
  }
  return extra;
}

async function ipCommand(lab: Lab, member: string, args: readonly string[]): Promise<void> {
  const r = await runIn(lab, member, ['ip', ...args]);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${member}: ${r.stderr}`);
}

/**
 * Adds the extra addresses (before listeners start: UDP listeners bind each local address). The
 * external host's addresses off the node link get a host route on every node, through its first
 * address, so that packets to them, replies and REJECTs included, find it.
 */
export async function addAddresses(lab: Lab, extra: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
  const [xv4, xv6] = externalAddresses(lab, EXTERNAL.name);
  for (const [member, set] of extra) {
    for (const text of set) {
      const v6 = text.includes(':');
      const host = `${text}/${v6 ? 128 : 32}`;
      await ipCommand(lab, member, [...(v6 ? ['-6'] : []), 'addr', 'add', host, 'dev', 'eth0', ...(v6 ? ['nodad'] : [])]);
      const onLink = LINK_NETS.some((c) => cidrContains(c, address(text)));
      if (member !== EXTERNAL.name || onLink) continue;
      for (const n of lab.spec.nodes) await ipCommand(lab, n.name, [...(v6 ? ['-6'] : []), 'route', 'add', host, 'via', (v6 ? xv6 : xv4) ?? '']);
    }
  }
}

/** Every port any row probes on a member: a denied row must meet a listener too, or RST would pass for REJECT. */
function listenPorts(plans: readonly (Planned | { skip: string })[]): Map<string, ListenPort[]> {
  const out = new Map<string, Map<string, ListenPort>>();
  for (const p of plans) {
    if ('skip' in p) continue;
    const ports = out.get(p.to) ?? new Map<string, ListenPort>();
    ports.set(`${p.probe.protocol}:${p.probe.port}`, { protocol: p.probe.protocol, port: p.probe.port });
    out.set(p.to, ports);
  }
  return new Map([...out].map(([m, ports]) => [m, [...ports.values()]]));
}

/** Same policies (NetworkPolicies and tier policies alike), same key; bigints (addresses) as text. */
function policyKey(row: Row): string {
  return JSON.stringify([row.policies, row.tierPolicies ?? []], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Judges every row in the running lab: sets the lab up for the table (addresses, listeners), then
 * applies and probes group by group. 'open' is allowed, 'refused' (our REJECT) denied; anything
 * else fails the row. A node no row of a group crosses keeps the rules of an earlier group: its
 * netfilter sees none of the group's packets (the node link's bridge is kept out of netfilter).
 */
export async function judgeInLab(lab: Lab, probers: Probers, rows: readonly Row[]): Promise<Judgement[]> {
  const plans = rows.map(planRow);
  await addAddresses(lab, extraAddresses(lab, plans));
  await Promise.all([...listenPorts(plans)].map(([member, ports]) => startListeners(lab, member, ports)));

  const out: Judgement[] = plans.map((p) => ('skip' in p ? p : { failure: 'not probed' }));
  const groups = new Map<string, { index: number; plan: Planned }[]>();
  plans.forEach((plan, index) => {
    const row = rows[index];
    if ('skip' in plan || row === undefined) return;
    const key = policyKey(row);
    groups.set(key, [...(groups.get(key) ?? []), { index, plan }]);
  });
  const applied = new Map<string, string>();
  for (const group of groups.values()) {
    const first = rows[group[0]?.index ?? -1];
    if (first === undefined) continue;
    const c = compileSnapshot(snapshotOf(first));
    for (const node of new Set(group.flatMap((g) => g.plan.nodes))) {
      const rs = buildRuleSet(c, node);
      const text = ruleSetText(rs);
      if (applied.get(node) === text) continue;
      const r = await applyOnNode(lab, node, rs);
      assert.ok(r.ok, `apply-node on ${node} for "${first.name}" failed: ${r.error}`);
      applied.set(node, text);
    }
    const outcomes = await probeAll(probers, group.map((g) => g.plan.probe));
    group.forEach(({ index }, k) => {
      const outcome = outcomes[k];
      out[index] =
        outcome === 'open'
          ? { allowed: true, detail: 'packets: open' }
          : outcome === 'refused'
            ? { allowed: false, detail: 'packets: refused (REJECT)' }
            : { failure: `packets: ${outcome ?? 'none'}, neither open nor refused` };
    });
  }
  return out;
}
