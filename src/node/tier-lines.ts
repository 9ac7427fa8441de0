/**
 * @module node/tier-lines
 * The lines an admin tier policy (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy) puts into a local pod's decision chain: per rule, in the order written,
 * one line per (peer part, port part), each matching exactly the connections the rule's peer AND
 * port admit, with the rule's action. Unlike a NetworkPolicy's lines they do not set a mark: the
 * first line that matches decides (ruleset.ts turns the action into the line's target), as the
 * first rule that matches decides upstream. A rule's lines are contiguous and rules keep their
 * order, so the first matching line is always one of the first matching rule's.
 *
 * Peer parts (the other end's address: source for ingress, destination for egress):
 *   pods      one hash:ip set of the addresses of every pods peer of the rule (they are OR'ed)
 *   cidr      one hash:net set per CIDR of a `networks` peer
 *   nodes     one hash:ip set of the addresses of the nodes its selector matches
 *   unknown   an Allow rule: no part (it admits nothing by it); Deny or Pass: a part with no
 *             address match at all (fail closed: it matches everything)
 * A part whose set would be empty matches nothing and is left out, as in policy-chains.ts.
 * Port parts as policy-chains.ts makes them, except for a named port on ingress: the chain is the
 * pod's own, so the pod's number for the name (of each protocol it declares it for) is a plain
 * --dport, with no set. On egress the name resolves on the pods the line's peer part admits.
 *
 * Lines of one policy and direction are the same for every pod they are built for, except with
 * an ingress named port: they are built once per snapshot and family, per pod only then.
 */
import { qualifiedName, type IpFamily, type Pod, type TierAction } from '../model/index.js';
import {
  assertNever,
  namedPortNumber,
  tierRulesIn,
  type CompiledTierPolicy,
  type CompiledTierRule,
  type Direction,
  type PeerMatcher,
  type PodsPeer,
  type Source,
} from '../engine/index.js';
import type { IpSet, Match } from './rule-data.js';
import { SetRegistry } from './sets.js';
import type { Part, PeerPart, PolicyChains } from './policy-chains.js';

/** One line of a tier rule, still without its target (the tier and action decide it) and its pod. */
export interface TierLine {
  readonly matches: readonly Match[];
  readonly action: TierAction;
  /** As written: Allow or Accept, Deny, Pass. */
  readonly actionText: string;
  /** `AdminNetworkPolicy/NAME ingress[0] from[1] ports[0]`: where the line comes from. */
  readonly label: string;
}

/** A policy's lines in one direction for one pod, and every set they name. */
export interface TierLines {
  readonly lines: readonly TierLine[];
  readonly sets: readonly IpSet[];
}


/** `spec.ingress[0].from[1]` -> `from[1]`: the field a matcher was written in, for comments. */
function fieldOf(source: Source): string {
  return source.path.slice(source.path.lastIndexOf('.') + 1);
}

/** One family's tier lines for one compiled snapshot; the sets come from (and are shared with) `shared`. */
export class TierLineBuilder {
  private readonly built = new Map<CompiledTierPolicy, Map<string, TierLines>>();

  constructor(
    private readonly family: IpFamily,
    private readonly shared: PolicyChains,
  ) {}

  /** `pod`: the local pod whose chain the lines go into. */
  linesOf(policy: CompiledTierPolicy, direction: Direction, pod: Pod): TierLines {
    const perPod = direction === 'ingress' && policy.namedPorts.ingress;
    // Pods are identified by namespace/name within one snapshot; \0 cannot occur in either.
    const key = perPod ? `${direction}\0${qualifiedName(pod)}` : direction;
    let byKey = this.built.get(policy);
    if (byKey === undefined) this.built.set(policy, (byKey = new Map()));
    let hit = byKey.get(key);
    if (hit === undefined) {
      const sets = new SetRegistry(this.family);
      const lines = tierRulesIn(policy, direction).flatMap((r) => this.ruleLines(sets, policy, r, pod));
      hit = { lines, sets: sets.sets() };
      byKey.set(key, hit);
    }
    return hit;
  }

  private ruleLines(sets: SetRegistry, policy: CompiledTierPolicy, r: CompiledTierRule, pod: Pod): TierLine[] {
    const { direction } = r.source;
    const where = `${policy.ref} ${direction}[${r.source.rule}]`;
    const ingressPorts = direction === 'ingress' ? this.portParts(sets, r, [], pod) : undefined;
    return this.peerParts(sets, r).flatMap((p) =>
      (ingressPorts ?? this.portParts(sets, r, p.peers, pod)).map((q) => ({
        matches: [...p.matches, ...q.matches],
        action: r.action,
        actionText: r.actionText,
        label: [where, p.label, q.label].filter((s) => s !== '').join(' '),
      })),
    );
  }

  private peerParts(sets: SetRegistry, r: CompiledTierRule): PeerPart[] {
    const flags = r.source.direction === 'ingress' ? 'src' : 'dst';
    const parts: PeerPart[] = [];
    const podPeers: PodsPeer[] = [];
    for (const peer of r.peers) {
      switch (peer.kind) {
        case 'pods':
          podPeers.push(peer);
          break;
        case 'cidr': {
          const set = this.shared.cidrSet(sets, peer);
          if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: fieldOf(peer.source), peers: [peer] });
          break;
        }
        case 'nodes': {
          // A node's address is never a pod's: no named port resolves behind it (peers: none).
          const set = this.shared.nodeAddressSet(sets, peer);
          if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: fieldOf(peer.source), peers: [] });
          break;
        }
        case 'unknown':
          // Fail closed: an Allow must not admit by a field we cannot read, a Deny or Pass must
          // not let through what it might have meant to stop. Matching everything, its named
          // ports resolve on every pod, as for `any`.
          if (r.action !== 'Allow') {
            parts.push({ matches: [], label: `${fieldOf(peer.source)}(unknown: ${peer.fields.join(',')})`, peers: [{ kind: 'any', source: peer.source }] });
          }
          break;
        default:
          assertNever(peer);
      }
    }
    if (podPeers.length > 0) {
      const set = this.shared.podAddressSet(sets, podPeers);
      const field = fieldOf(podPeers[0]?.source ?? r.source).replace(/\[\d+\]$/, '');
      if (set !== undefined) parts.unshift({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${podPeers.map((p) => p.index).join(',')}]`, peers: podPeers });
    }
    return parts;
  }

  /** `peers`: the egress part's, where named ports resolve; on ingress they resolve on `pod`. */
  private portParts(sets: SetRegistry, r: CompiledTierRule, peers: readonly PeerMatcher[], pod: Pod): Part[] {
    const { direction } = r.source;
    return r.ports.flatMap((m): Part[] => {
      switch (m.kind) {
        case 'any':
          return [{ matches: [], label: '' }];
        case 'protocol':
          return [{ matches: [{ kind: 'protocol', protocol: m.protocol }], label: fieldOf(m.source) }];
        case 'range':
          return [{ matches: [{ kind: 'dest-port', protocol: m.protocol, first: m.first, last: m.last }], label: fieldOf(m.source) }];
        case 'named': {
          if (direction === 'ingress') {
            const port = namedPortNumber(pod, m.name, m.protocol);
            return port === undefined ? [] : [{ matches: [{ kind: 'dest-port', protocol: m.protocol, first: port, last: port }], label: `${fieldOf(m.source)}(${m.name})` }];
          }
          const set = this.shared.namedPortSet(sets, m, direction, peers, []);
          return set === undefined ? [] : [{ matches: [{ kind: 'protocol', protocol: m.protocol }, { kind: 'in-set', set, flags: 'dst,dst' }], label: `${fieldOf(m.source)}(${m.name})` }];
        }
        default:
          return assertNever(m);
      }
    });
  }
}
