/**
 * @module node/policy-chains
 * The KNP-POL-* chains of one family: one line per (peer, port) of each rule of a policy, each a
 * match that sets the direction's mark bit, and the sets those lines match against. A policy's
 * chain is the same on every node, with one exception: an ingress port given by name matches the
 * local destination pods' numbers for it, so such a chain also depends on which local pods the
 * policy selects. PolicyChains builds each (policy, direction, those pods) once per snapshot and
 * hands the same chain and sets to every node that needs them (apply-node --all builds many nodes'
 * rule sets from one compiled snapshot); a chain never depends on anything else of a node.
 * The sets are made here for the tier lines too (tier-lines.ts): one cache by content for both,
 * since an admin tier's peers are as often the same pods as a NetworkPolicy's.
 */
import { qualifiedName, type IpAddress, type IpFamily, type Pod } from '../model/index.js';
import {
  assertNever,
  namedPortDestinations,
  resolvePortOn,
  rulesIn,
  type CidrPeer,
  type CompiledPolicy,
  type CompiledRule,
  type CompiledSnapshot,
  type Direction,
  type NodesPeer,
  type PeerMatcher,
  type PodsPeer,
  type PortMatcher,
} from '../engine/index.js';
import { policyChainName, sanitizeComment } from './names.js';
import type { Chain, ChainRule, IpSet, MarkBits, Match, Target } from './rule-data.js';
import { SetRegistry } from './sets.js';

export function chainRule(matches: Match[], target: Target, comment: string): ChainRule {
  return { matches, target, comment: sanitizeComment(comment) };
}

export function markOf(marks: MarkBits, direction: Direction): number {
  return direction === 'ingress' ? marks.ingress : marks.egress;
}

function ipsOf(pods: readonly Pod[], family: IpFamily): IpAddress[] {
  return pods.flatMap((p) => p.ips.filter((ip) => ip.family === family));
}

/** A policy's chain and every set its lines name (sets are named by content, so equal ones merge). */
export interface PolicyChain {
  readonly chain: Chain;
  readonly sets: readonly IpSet[];
}

/** A part of a line: its matches and how its comment names them; NetworkPolicy and tier lines alike. */
export interface Part {
  readonly matches: readonly Match[];
  readonly label: string;
}

/** A peer part also says which peers it stands for: its egress named ports resolve on their pods. */
export interface PeerPart extends Part {
  readonly peers: readonly PeerMatcher[];
}

/** One family's policy chains for one compiled snapshot and one pair of mark bits. */
export class PolicyChains {
  private readonly built = new Map<CompiledPolicy, Map<string, PolicyChain>>();
  /** Sets by what they are made of (see setOnce); undefined: it would be empty. */
  private readonly madeSets = new Map<string, IpSet | undefined>();

  constructor(
    private readonly c: CompiledSnapshot,
    private readonly family: IpFamily,
    private readonly marks: MarkBits,
  ) {}

  /** `local`: the node's pods (see localPods in ruleset.ts), read only for ingress named ports. */
  chainOf(policy: CompiledPolicy, direction: Direction, local: readonly Pod[]): PolicyChain {
    const destinations = direction === 'ingress' && policy.namedPorts.ingress ? local.filter((p) => this.c.selects(policy, p)) : undefined;
    // Pods are identified by namespace/name within one snapshot; \0 cannot occur in either.
    const key = `${direction}\0${(destinations ?? []).map(qualifiedName).join('\0')}`;
    let byKey = this.built.get(policy);
    if (byKey === undefined) this.built.set(policy, (byKey = new Map()));
    let hit = byKey.get(key);
    if (hit === undefined) {
      const sets = new SetRegistry(this.family);
      const rules = rulesIn(policy, direction).rules.flatMap((r) => this.ruleLines(sets, r, destinations ?? []));
      hit = { chain: { name: policyChainName(policy.namespace, policy.name, direction), rules }, sets: sets.sets() };
      byKey.set(key, hit);
    }
    return hit;
  }

  /**
   * The set `make` builds into `sets`, built once per `key` for the whole snapshot: policies of
   * every namespace repeat the same peers and named ports, and a set of the cluster's pods is
   * thousands of entries to sort and hash. `key` names everything the set's entries depend on.
   */
  private setOnce(sets: SetRegistry, key: string, make: () => string | undefined): string | undefined {
    if (this.madeSets.has(key)) {
      const made = this.madeSets.get(key);
      if (made !== undefined) sets.include(made);
      return made?.name;
    }
    const name = make();
    this.madeSets.set(key, name === undefined ? undefined : sets.get(name));
    return name;
  }

  /** The hash:ip set of the addresses of the pods these peers admit (one set: peers are OR'ed); undefined when empty. */
  podAddressSet(sets: SetRegistry, peers: readonly PodsPeer[]): string | undefined {
    return this.setOnce(sets, `P\0${peers.map((p) => p.key).join('\0')}`, () => sets.addresses(ipsOf(peers.flatMap((p) => this.c.peerPods(p)), this.family)));
  }

  /** The hash:net set of one cidr peer; undefined when it holds nothing of this family. */
  cidrSet(sets: SetRegistry, peer: CidrPeer): string | undefined {
    return this.setOnce(sets, `N\0${peer.key}`, () => sets.ipBlock(peer.cidr, peer.except));
  }

  /** The hash:ip set of the addresses of the nodes a tier `nodes` peer selects; undefined when empty. */
  nodeAddressSet(sets: SetRegistry, peer: NodesPeer): string | undefined {
    return this.setOnce(sets, `H\0${peer.key}`, () => {
      const texts = this.c.nodeAddresses(peer);
      const ips = this.c.snapshot.nodes.flatMap((n) => n.addresses.map((a) => a.ip)).filter((a) => a.family === this.family && texts.has(a.text));
      return sets.nodeAddresses(ips);
    });
  }

  /**
   * The hash:ip,port set of a named port: (address, protocol:number) of every pod that could be
   * the destination of a connection through `peers` (egress) or to `selected` (ingress), so that
   * no other address ever matches; undefined when the name resolves on none.
   */
  namedPortSet(sets: SetRegistry, m: Extract<PortMatcher, { kind: 'named' }>, direction: Direction, peers: readonly PeerMatcher[], selected: readonly Pod[]): string | undefined {
    return this.setOnce(sets, `T\0${m.protocol}\0${m.name}\0${destinationsKey(direction, peers, selected)}`, () =>
      sets.namedPorts(
        resolvePortOn(m, namedPortDestinations(this.c, direction, peers, selected)).flatMap(({ pod, port }) => pod.ips.map((ip) => ({ ip, protocol: m.protocol, port }))),
      ),
    );
  }

  /**
   * One line per (peer part, port part): a rule admits when any peer AND any port match. An egress
   * line's named ports resolve on the pods its own peer part admits (the destination is the peer,
   * and the line's peer match already holds it to them), so that a part's port set is the same
   * in every policy naming that peer; an ingress line's on the selected local pods.
   */
  private ruleLines(sets: SetRegistry, r: CompiledRule, selected: readonly Pod[]): ChainRule[] {
    const { direction } = r.source;
    const target: Target = { kind: 'set-mark', bits: markOf(this.marks, direction) };
    const where = `${r.source.policy} ${direction}[${r.source.rule}]`;
    const ingressPorts = direction === 'ingress' ? this.portParts(sets, r, r.peers, selected) : undefined;
    return this.peerParts(sets, r).flatMap((p) =>
      (ingressPorts ?? this.portParts(sets, r, p.peers, selected)).map((q) =>
        chainRule([...p.matches, ...q.matches], target, [where, p.label, q.label].filter((s) => s !== '').join(' ')),
      ),
    );
  }

  /**
   * The pods peers of a rule become one set of their addresses (one line, however many entries);
   * each cidr peer its own set. A part whose set would be empty matches nothing and is left out.
   */
  private peerParts(sets: SetRegistry, r: CompiledRule): PeerPart[] {
    const field = r.source.direction === 'ingress' ? 'from' : 'to';
    const flags = r.source.direction === 'ingress' ? 'src' : 'dst';
    const parts: PeerPart[] = [];
    const podPeers: PodsPeer[] = [];
    for (const peer of r.peers) {
      switch (peer.kind) {
        case 'any':
          parts.push({ matches: [], label: '', peers: [peer] });
          break;
        case 'pods':
          podPeers.push(peer);
          break;
        case 'cidr': {
          const set = this.cidrSet(sets, peer);
          if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${peer.index}]`, peers: [peer] });
          break;
        }
        default:
          assertNever(peer);
      }
    }
    if (podPeers.length > 0) {
      const set = this.podAddressSet(sets, podPeers);
      if (set !== undefined) parts.unshift({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${podPeers.map((p) => p.index).join(',')}]`, peers: podPeers });
    }
    return parts;
  }

  /** `peers`, `selected`: where the named ports resolve (namedPortDestinations). */
  private portParts(sets: SetRegistry, r: CompiledRule, peers: readonly PeerMatcher[], selected: readonly Pod[]): Part[] {
    return r.ports.flatMap((m): Part[] => {
      switch (m.kind) {
        case 'any':
          return [{ matches: [], label: '' }];
        case 'protocol':
          return [{ matches: [{ kind: 'protocol', protocol: m.protocol }], label: `ports[${m.index}]` }];
        case 'range':
          return [{ matches: [{ kind: 'dest-port', protocol: m.protocol, first: m.first, last: m.last }], label: `ports[${m.index}]` }];
        case 'named': {
          // A named port matches the DESTINATION pod's number for that name.
          const set = this.namedPortSet(sets, m, r.source.direction, peers, selected);
          return set === undefined ? [] : [{ matches: [{ kind: 'protocol', protocol: m.protocol }, { kind: 'in-set', set, flags: 'dst,dst' }], label: `ports[${m.index}]` }];
        }
        default:
          return assertNever(m);
      }
    });
  }
}

/** What namedPortDestinations depends on: the selected local pods for ingress, the peers for egress. */
function destinationsKey(direction: Direction, peers: readonly PeerMatcher[], selected: readonly Pod[]): string {
  if (direction === 'ingress') return `in\0${selected.map(qualifiedName).join('\0')}`;
  return `eg\0${peers.map((p) => (p.kind === 'any' ? 'any' : p.key)).join('\0')}`;
}
