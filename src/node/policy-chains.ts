/**
 * @module node/policy-chains
 * The KNP-POL-* chains of one family: one line per (peer, port) of each rule of a policy, each a
 * match that sets the direction's mark bit, and the sets those lines match against. A policy's
 * chain is the same on every node, with one exception: an ingress port given by name matches the
 * local destination pods' numbers for it, so such a chain also depends on which local pods the
 * policy selects. PolicyChains builds each (policy, direction, those pods) once per snapshot and
 * hands the same chain and sets to every node that needs them (apply-node --all builds many nodes'
 * rule sets from one compiled snapshot); a chain never depends on anything else of a node.
 */
import { qualifiedName, type IpAddress, type IpFamily, type NetworkPolicy, type Peer, type Pod, type Rule } from '../model/index.js';
import { policySelects, resolvePortOn, rulesOf, type CompiledSnapshot, type Direction } from '../engine/index.js';
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

interface Part {
  readonly matches: Match[];
  readonly label: string;
}

/** One family's policy chains for one compiled snapshot and one pair of mark bits. */
export class PolicyChains {
  private readonly built = new Map<NetworkPolicy, Map<string, PolicyChain>>();

  constructor(
    private readonly c: CompiledSnapshot,
    private readonly family: IpFamily,
    private readonly marks: MarkBits,
  ) {}

  /** `local`: the node's pods (see localPods in ruleset.ts), read only for ingress named ports. */
  chainOf(policy: NetworkPolicy, direction: Direction, local: readonly Pod[]): PolicyChain {
    const destinations = direction === 'ingress' && hasNamedPort(policy, direction) ? local.filter((p) => policySelects(policy, p)) : undefined;
    // Pods are identified by namespace/name within one snapshot; \0 cannot occur in either.
    const key = `${direction}\0${(destinations ?? []).map(qualifiedName).join('\0')}`;
    let byKey = this.built.get(policy);
    if (byKey === undefined) this.built.set(policy, (byKey = new Map()));
    let hit = byKey.get(key);
    if (hit === undefined) {
      const sets = new SetRegistry(this.family);
      const rules = rulesOf(policy, direction).flatMap((r, i) => this.ruleLines(sets, policy, direction, r, i, destinations ?? []));
      hit = { chain: { name: policyChainName(policy.namespace, policy.name, direction), rules }, sets: sets.sets() };
      byKey.set(key, hit);
    }
    return hit;
  }

  /** One line per (peer part, port part): a rule admits when any peer AND any port match. */
  private ruleLines(sets: SetRegistry, policy: NetworkPolicy, direction: Direction, r: Rule, index: number, destinations: readonly Pod[]): ChainRule[] {
    const peers = this.peerParts(sets, policy, direction, r);
    const ports = this.portParts(sets, policy, direction, r, destinations);
    const target: Target = { kind: 'set-mark', bits: markOf(this.marks, direction) };
    const where = `${qualifiedName(policy)} ${direction}[${index}]`;
    return peers.flatMap((p) =>
      ports.map((q) => chainRule([...p.matches, ...q.matches], target, [where, p.label, q.label].filter((s) => s !== '').join(' '))),
    );
  }

  private peerParts(sets: SetRegistry, policy: NetworkPolicy, direction: Direction, r: Rule): Part[] {
    // An empty from/to admits every peer, pods and addresses alike.
    if (r.peers.length === 0) return [{ matches: [], label: '' }];
    const field = direction === 'ingress' ? 'from' : 'to';
    const flags = direction === 'ingress' ? 'src' : 'dst';
    const parts: Part[] = [];
    const selectorIdx = r.peers.flatMap((p, i) => (p.kind === 'selector' ? [i] : []));
    if (selectorIdx.length > 0) {
      const pods = selectorIdx.flatMap((i) => this.c.peerPods(policy, r.peers[i] as Peer));
      const set = sets.addresses(ipsOf(pods, this.family));
      if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${selectorIdx.join(',')}]` });
    }
    r.peers.forEach((p, i) => {
      if (p.kind !== 'ip-block') return;
      const set = sets.ipBlock(p.cidr, p.except);
      if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${i}]` });
    });
    return parts;
  }

  private portParts(sets: SetRegistry, policy: NetworkPolicy, direction: Direction, r: Rule, destinations: readonly Pod[]): Part[] {
    // An empty ports list admits every port of every protocol.
    if (r.ports.length === 0) return [{ matches: [], label: '' }];
    const parts: Part[] = [];
    r.ports.forEach((spec, i) => {
      const label = `ports[${i}]`;
      if (spec.port === undefined) {
        parts.push({ matches: [{ kind: 'protocol', protocol: spec.protocol }], label });
      } else if (typeof spec.port === 'number') {
        const m: Match = { kind: 'dest-port', protocol: spec.protocol, first: spec.port, last: spec.endPort ?? spec.port };
        parts.push({ matches: [m], label });
      } else {
        // A named port matches the DESTINATION pod's number for that name: the (address, port) pairs
        // of every pod that could be the destination here, so that no other address ever matches.
        const targets = resolvePortOn(spec, this.namedPortCandidates(policy, direction, r, destinations)).flatMap(({ pod, port }) =>
          pod.ips.map((ip) => ({ ip, protocol: spec.protocol, port })),
        );
        const set = sets.namedPorts(targets);
        if (set !== undefined) {
          parts.push({ matches: [{ kind: 'protocol', protocol: spec.protocol }, { kind: 'in-set', set, flags: 'dst,dst' }], label });
        }
      }
    });
    return parts;
  }

  /**
   * Ingress: the destination is a selected local pod (`destinations`). Egress: the destination is
   * the peer, so only pods some peer of the rule admits can meet both halves of a line (every pod
   * when the rule has no peers).
   */
  private namedPortCandidates(policy: NetworkPolicy, direction: Direction, r: Rule, destinations: readonly Pod[]): readonly Pod[] {
    if (direction === 'ingress') return destinations;
    if (r.peers.length === 0) return this.c.pods;
    return r.peers.flatMap((p) => this.c.peerPods(policy, p));
  }
}

function hasNamedPort(policy: NetworkPolicy, direction: Direction): boolean {
  return rulesOf(policy, direction).some((r) => r.ports.some((p) => typeof p.port === 'string'));
}
