/**
 * @module test/node/interpret
 * A small netfilter model that runs packets through RuleSet data (not through iptables text): the
 * filter hooks, jumps, gotos and returns, MARK, REJECT, and ipset lookups as the kernel does them
 * (hash:net: the most specific entry containing the address decides; a nomatch entry answers no).
 * Then the path of a connection across the cluster: the source node's hook (FORWARD, or INPUT when
 * the destination is that node itself, or none when the host itself sends), then the destination
 * node's. INPUT is modelled though our rule sets hook nothing there: a rule set that did would
 * show here.
 */
import type { IpAddress, IpFamily, Protocol, Snapshot } from '../../src/model/index.js';
import { assertNever, cidrContains, type Endpoint } from '../../src/engine/index.js';
import type { Chain, FamilyRules, IpSet, Match, RuleSet } from '../../src/node/index.js';

/** The built-in filter chains a packet from or to a pod can meet. */
export type BuiltInChain = 'FORWARD' | 'INPUT';

export interface Packet {
  readonly src: IpAddress;
  readonly dst: IpAddress;
  readonly protocol: Protocol;
  readonly port: number;
  readonly bridged: boolean;
  readonly established: boolean;
  /** The packet's mark on arrival. */
  readonly mark: number;
  /** Set for an ICMPv6 message of this type (neighbour discovery): then protocol and port mean nothing. */
  readonly icmp6Type?: number;
}

function setMatches(set: IpSet, m: Extract<Match, { kind: 'in-set' }>, p: Packet): boolean {
  switch (set.type) {
    case 'hash:ip': {
      if (m.flags === 'dst,dst') throw new Error(`${set.name}: hash:ip with dst,dst`);
      const a = m.flags === 'src' ? p.src : p.dst;
      return set.entries.some((e) => e.kind === 'ip' && e.ip.family === a.family && e.ip.value === a.value);
    }
    case 'hash:net': {
      if (m.flags === 'dst,dst') throw new Error(`${set.name}: hash:net with dst,dst`);
      const a = m.flags === 'src' ? p.src : p.dst;
      let best: { prefix: number; nomatch: boolean } | undefined;
      for (const e of set.entries) {
        if (e.kind !== 'net') throw new Error(`${set.name}: entry ${e.kind} in hash:net`);
        if (!cidrContains(e.cidr, a)) continue;
        if (best !== undefined && best.prefix === e.cidr.prefix) throw new Error(`${set.name}: duplicate element ${e.cidr.text}`);
        if (best === undefined || e.cidr.prefix > best.prefix) best = { prefix: e.cidr.prefix, nomatch: e.nomatch };
      }
      return best !== undefined && !best.nomatch;
    }
    case 'hash:ip,port':
      if (m.flags !== 'dst,dst') throw new Error(`${set.name}: hash:ip,port needs dst,dst here`);
      return set.entries.some(
        (e) => e.kind === 'ip-port' && e.ip.value === p.dst.value && e.ip.family === p.dst.family && e.protocol === p.protocol && e.port === p.port,
      );
    default:
      return assertNever(set.type);
  }
}

class Walk {
  mark: number;
  readonly chains: Map<string, Chain>;
  readonly sets: Map<string, IpSet>;
  depth = 0;

  constructor(readonly f: FamilyRules, readonly p: Packet) {
    this.mark = p.mark;
    this.chains = new Map(f.chains.map((c) => [c.name, c]));
    this.sets = new Map(f.sets.map((s) => [s.name, s]));
  }

  matches(m: Match): boolean {
    const p = this.p;
    switch (m.kind) {
      case 'established':
        return p.established;
      case 'bridged':
        return p.bridged;
      case 'not-bridged':
        return !p.bridged;
      case 'source':
        return m.address.family === p.src.family && m.address.value === p.src.value;
      case 'destination':
        return m.address.family === p.dst.family && m.address.value === p.dst.value;
      case 'protocol':
        return p.icmp6Type === undefined && m.protocol === p.protocol;
      case 'icmp6-type':
        return p.icmp6Type === m.type;
      case 'dest-port':
        return p.icmp6Type === undefined && m.protocol === p.protocol && p.port >= m.first && p.port <= m.last;
      case 'in-set': {
        const set = this.sets.get(m.set);
        if (set === undefined) throw new Error(`no set ${m.set}`);
        if (set.family !== this.f.family) throw new Error(`set ${m.set} of family ${set.family} in IPv${this.f.family} rules`);
        return setMatches(set, m, p);
      }
      // >>> 0 throughout: JavaScript's bitwise operators are signed, and a mark may use bit 31.
      case 'mark':
        return (this.mark & m.bits) >>> 0 === m.bits;
      default:
        return assertNever(m);
    }
  }

  /** 'reject' ends the packet; 'return' goes back to the caller. */
  run(name: string): 'return' | 'reject' {
    const chain = this.chains.get(name);
    if (chain === undefined) throw new Error(`no chain ${name}`);
    if (++this.depth > 50) throw new Error('jump loop');
    try {
      for (const r of chain.rules) {
        if (!r.matches.every((m) => this.matches(m))) continue;
        const t = r.target;
        switch (t.kind) {
          case 'jump':
            if (this.run(t.chain) === 'reject') return 'reject';
            break;
          // The target's verdict is this chain's: its RETURN goes back past us, to our caller.
          case 'goto':
            return this.run(t.chain);
          case 'return':
            return 'return';
          case 'reject':
            return 'reject';
          case 'set-mark':
            this.mark = (this.mark | t.bits) >>> 0;
            break;
          case 'clear-mark':
            this.mark = (this.mark & ~t.bits) >>> 0;
            break;
          default:
            return assertNever(t);
        }
      }
      return 'return';
    } finally {
      this.depth--;
    }
  }
}

/** Whether the packet survives one built-in hook of one node's rules. */
export function passesHook(f: FamilyRules, hook: BuiltInChain, p: Packet): boolean {
  if (p.src.family !== f.family) throw new Error('family mismatch');
  const walk = new Walk(f, p);
  return f.hooks.filter((h) => h.from === hook).every((h) => walk.run(h.chain) === 'return');
}

export interface Place {
  /** The node the endpoint sits on, if any. */
  readonly node?: string;
  /** True when the address is the node's own (a node address or a hostNetwork pod). */
  readonly host: boolean;
}

export function placeOf(s: Snapshot, e: Endpoint): Place {
  if (e.kind === 'pod') return { ...(e.pod.nodeName === undefined ? {} : { node: e.pod.nodeName }), host: e.pod.hostNetwork };
  const n = s.nodes.find((x) => x.addresses.some((a) => a.ip.family === e.ip.family && a.ip.value === e.ip.value));
  return n === undefined ? { host: false } : { node: n.name, host: true };
}

/** Runs one packet of a connection along its path; true when no hook rejects it. */
export function deliver(
  s: Snapshot,
  rules: ReadonlyMap<string, RuleSet>,
  src: Endpoint,
  dst: Endpoint,
  p: Packet,
): boolean {
  const family: IpFamily = p.src.family;
  const on = (nodeName: string): FamilyRules | undefined => {
    const rs = rules.get(nodeName);
    return rs === undefined ? undefined : family === 4 ? rs.v4 : rs.v6;
  };
  const from = placeOf(s, src);
  const to = placeOf(s, dst);
  const sameNode = from.node !== undefined && from.node === to.node;
  // The source node: a host sends through OUTPUT, where we have nothing.
  if (from.node !== undefined && !from.host) {
    const f = on(from.node);
    const hook: BuiltInChain = sameNode && to.host ? 'INPUT' : 'FORWARD';
    if (f !== undefined && !passesHook(f, hook, { ...p, bridged: sameNode && p.bridged })) return false;
  }
  // The destination node, when the packet crosses to it.
  if (to.node !== undefined && !sameNode) {
    const f = on(to.node);
    const hook: BuiltInChain = to.host ? 'INPUT' : 'FORWARD';
    if (f !== undefined && !passesHook(f, hook, { ...p, bridged: false })) return false;
  }
  return true;
}
