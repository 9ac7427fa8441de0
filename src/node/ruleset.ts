/**
 * @module node/ruleset
 * One node's rule set, built from the same compiled snapshot the verdicts come from.
 *
 * Layout (filter table, per family that has a local isolated pod; a family without one gets
 * nothing at all, and the script removes what an earlier apply left there; names from names.ts):
 *   FORWARD -> KNP-FORWARD   one jump, inserted first by the script
 *   KNP-FORWARD  0. IPv6 only: neighbour discovery (ICMPv6 133-137) -> RETURN (see NDP_TYPES)
 *                1. conntrack RELATED,ESTABLISHED -> RETURN (replies of admitted connections)
 *                2. clear our mark bits
 *                3. group 1, interception: per local egress-isolated pod, -s IP bridged, then -s IP
 *                   not bridged (routed) -> KNP-POD-E-*; then per local ingress-isolated pod, the
 *                   same with -d IP -> KNP-POD-I-*
 *                4. clear our two mark bits again: no later rule sees our decisions (the other
 *                   bits pass untouched; ours are zero on exit even if they were set on entry)
 *   KNP-POD-E-*  group 2, decision: to itself -> RETURN; for each isolating policy: jump to its
 *                chain, then RETURN if it set the egress bit; REJECT.
 *   KNP-POL-E-*  one line per (peer, port) of each egress rule: a match sets the egress bit.
 *   (and the same with I for ingress and its own bit)
 *
 * Why RETURN and never ACCEPT: an ACCEPT in our chain would end the packet's walk through FORWARD
 * and skip the host's own later rules (and, on one node, the destination's ingress check). Admitted
 * packets RETURN, so FORWARD goes on exactly as if we were not there; only denials end a walk.
 * Why two mark bits: when both pods sit on this node one packet passes the source's egress chain
 * and then the destination's ingress chain; a shared bit would let the egress allowance answer for
 * the ingress check. The bits are the rule set's (RuleSet.marks, names.ts: --mark-bits).
 * Why a bridged and a routed jump: --physdev-is-bridged and its negation split the packets in two,
 * so each packet meets each pod chain it concerns exactly once (no chain needs an "admitted
 * already" check), and the two jumps' counters tell same-node (bridged, through br_netfilter) from
 * routed traffic: a bridged counter that stays at zero while pods on one bridge talk means
 * net.bridge.bridge-nf-call-iptables is off.
 * Why nothing in INPUT: what a local pod sends to the node itself (any of its addresses, or a
 * hostNetwork pod, which shares them) is delivered through INPUT, and traffic between a pod and
 * its own node is always allowed (NETPOL-SEMANTICS.md "Always allowed"), so there is nothing to
 * police there. No hook and no chain at all, rather than a hooked chain that intercepts nothing:
 * fewer of our rules on the host, and no INPUT rule to keep first. Earlier versions hooked INPUT
 * (KNP-INPUT); names.ts still counts that chain and its jump as ours, so the apply and the cleanup
 * remove them like any stale chain of ours.
 * Connections from the node itself (kubelet probes) leave through OUTPUT, not FORWARD, so no rule
 * here sees them either; their replies come back through INPUT. A pod's connection to another
 * node's address is routed out through FORWARD, and its egress rules decide it like any address.
 */
import { qualifiedName, type IpAddress, type IpFamily, type NetworkPolicy, type Peer, type Pod, type Rule } from '../model/index.js';
import { policySelects, policyTypeOf, resolvePortOn, rulesOf, type CompiledSnapshot, type Direction } from '../engine/index.js';
import {
  FORWARD_CHAIN,
  DEFAULT_MARKS,
  podChainName,
  policyChainName,
  sanitizeComment,
} from './names.js';
import type { Chain, ChainRule, FamilyRules, MarkBits, Match, RuleSet, Target } from './rule-data.js';
import { SetRegistry } from './sets.js';

export type { RuleSet } from './rule-data.js';

function byKey<T extends { readonly namespace: string; readonly name: string }>(a: T, b: T): number {
  const x = qualifiedName(a);
  const y = qualifiedName(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Pods whose traffic this node enforces: scheduled here, with an address, not hostNetwork, not finished. */
function localPods(c: CompiledSnapshot, nodeName: string): Pod[] {
  return c.pods.filter((p) => p.nodeName === nodeName && !p.hostNetwork && p.ips.length > 0).sort(byKey);
}

/**
 * ICMPv6 neighbour discovery (RFC 4861): router solicitation and advertisement, neighbour
 * solicitation and advertisement, redirect. It is how a pod resolves its gateway's and its
 * neighbours' link-layer addresses, the IPv6 counterpart of ARP (which iptables never sees). It is
 * link-level plumbing, not a connection a NetworkPolicy governs; sent through a pod's chains it
 * would be REJECTed (solicitations between pods on one bridge, and routed redirects, pass FORWARD;
 * those to the node itself arrive in INPUT, where nothing of ours is) and the pod could reach
 * nothing over IPv6 at all.
 */
const NDP_TYPES: readonly { readonly type: number; readonly name: string }[] = [
  { type: 133, name: 'router solicitation' },
  { type: 134, name: 'router advertisement' },
  { type: 135, name: 'neighbour solicitation' },
  { type: 136, name: 'neighbour advertisement' },
  { type: 137, name: 'redirect' },
];

function rule(matches: Match[], target: Target, comment: string): ChainRule {
  return { matches, target, comment: sanitizeComment(comment) };
}

function ipsOf(pods: readonly Pod[], family: IpFamily): IpAddress[] {
  return pods.flatMap((p) => p.ips.filter((ip) => ip.family === family));
}

interface Part {
  readonly matches: Match[];
  readonly label: string;
}

class FamilyBuilder {
  readonly sets: SetRegistry;
  private readonly policyChains = new Map<string, Chain>();

  constructor(
    private readonly c: CompiledSnapshot,
    private readonly local: readonly Pod[],
    private readonly family: IpFamily,
    private readonly marks: MarkBits,
  ) {
    this.sets = new SetRegistry(family);
  }

  private markOf(direction: Direction): number {
    return direction === 'ingress' ? this.marks.ingress : this.marks.egress;
  }

  build(): FamilyRules {
    const pods = this.local.filter((p) => p.ips.some((ip) => ip.family === this.family));
    const isolated = (d: Direction): Pod[] => pods.filter((p) => this.c.isolating(p, policyTypeOf(d)).length > 0);
    const egress = isolated('egress');
    const ingress = isolated('ingress');
    // Nothing to enforce: no hooks and no chains, rather than top chains that only clear marks. The
    // family's filter table is then never touched (an install would create it on a node that had
    // none, and no cleanup can take a table away), no packet pays for our walk, and a kernel
    // without this family is no obstacle.
    if (egress.length + ingress.length === 0) {
      return { family: this.family, hooks: [], chains: [], sets: [], enforcing: false };
    }
    const podChains = [...egress.map((p) => this.podChain(p, 'egress')), ...ingress.map((p) => this.podChain(p, 'ingress'))];
    const forward = this.topChain(FORWARD_CHAIN, [
      ...egress.flatMap((p) => this.interceptRules(p, 'egress')),
      ...ingress.flatMap((p) => this.interceptRules(p, 'ingress')),
    ]);
    const policyChains = [...this.policyChains.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    podChains.sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      family: this.family,
      hooks: [{ from: 'FORWARD', chain: FORWARD_CHAIN }],
      chains: [forward, ...podChains, ...policyChains],
      sets: this.sets.sets(),
      enforcing: true,
    };
  }

  private topChain(name: string, intercepts: ChainRule[]): Chain {
    // A sum, not |: the bits are distinct, and | would turn bit 31 negative.
    const ours = this.marks.egress + this.marks.ingress;
    const ndp =
      this.family === 6
        ? NDP_TYPES.map(({ type, name: what }) => rule([{ kind: 'icmp6-type', type }], { kind: 'return' }, `IPv6 ${what} is link plumbing, not policed`))
        : [];
    return {
      name,
      rules: [
        ...ndp,
        rule([{ kind: 'established' }], { kind: 'return' }, 'replies of admitted connections pass'),
        rule([], { kind: 'clear-mark', bits: ours }, 'start undecided'),
        ...intercepts,
        // Exit: our bits are zeroed, not put back as they came (one set on entry ends up cleared
        // too), so that no later rule of the host acts on our decisions.
        rule([], { kind: 'clear-mark', bits: ours }, 'our two mark bits cleared, so no later rule sees them; other bits untouched'),
      ],
    };
  }

  /** Group 1: bridged (same-node traffic through the CNI bridge) first, then routed (the rest). */
  private interceptRules(pod: Pod, direction: Direction): ChainRule[] {
    const chain = podChainName(pod.namespace, pod.name, direction);
    return pod.ips
      .filter((ip) => ip.family === this.family)
      .flatMap((address) => {
        const m: Match = direction === 'egress' ? { kind: 'source', address } : { kind: 'destination', address };
        return [
          rule([{ kind: 'bridged' }, m], { kind: 'jump', chain }, `${qualifiedName(pod)} ${direction} (bridged)`),
          rule([{ kind: 'not-bridged' }, m], { kind: 'jump', chain }, `${qualifiedName(pod)} ${direction}`),
        ];
      });
  }

  /** Group 2: the pod's decision chain. */
  private podChain(pod: Pod, direction: Direction): Chain {
    const admitted: Match = { kind: 'mark', bits: this.markOf(direction) };
    const who = `${qualifiedName(pod)} ${direction}`;
    const rules: ChainRule[] = [];
    for (const address of pod.ips.filter((ip) => ip.family === this.family)) {
      const m: Match = direction === 'egress' ? { kind: 'destination', address } : { kind: 'source', address };
      rules.push(rule([m], { kind: 'return' }, `${who}: a pod to itself`));
    }
    const policies = [...this.c.isolating(pod, policyTypeOf(direction))].sort(byKey);
    for (const policy of policies) {
      const chain = this.policyChain(policy, direction);
      rules.push(rule([], { kind: 'jump', chain }, `${who}: policy ${qualifiedName(policy)}`));
      rules.push(rule([admitted], { kind: 'return' }, `${who}: admitted by ${qualifiedName(policy)}`));
    }
    rules.push(rule([], { kind: 'reject' }, `${who}: no policy admits`));
    return { name: podChainName(pod.namespace, pod.name, direction), rules };
  }

  private policyChain(policy: NetworkPolicy, direction: Direction): string {
    const name = policyChainName(policy.namespace, policy.name, direction);
    if (!this.policyChains.has(name)) {
      const rules = rulesOf(policy, direction).flatMap((r, i) => this.ruleLines(policy, direction, r, i));
      this.policyChains.set(name, { name, rules });
    }
    return name;
  }

  /** One line per (peer part, port part): a rule admits when any peer AND any port match. */
  private ruleLines(policy: NetworkPolicy, direction: Direction, r: Rule, index: number): ChainRule[] {
    const peers = this.peerParts(policy, direction, r);
    const ports = this.portParts(policy, direction, r);
    const target: Target = { kind: 'set-mark', bits: this.markOf(direction) };
    const where = `${qualifiedName(policy)} ${direction}[${index}]`;
    return peers.flatMap((p) =>
      ports.map((q) => rule([...p.matches, ...q.matches], target, [where, p.label, q.label].filter((s) => s !== '').join(' '))),
    );
  }

  private peerParts(policy: NetworkPolicy, direction: Direction, r: Rule): Part[] {
    // An empty from/to admits every peer, pods and addresses alike.
    if (r.peers.length === 0) return [{ matches: [], label: '' }];
    const field = direction === 'ingress' ? 'from' : 'to';
    const flags = direction === 'ingress' ? 'src' : 'dst';
    const parts: Part[] = [];
    const selectorIdx = r.peers.flatMap((p, i) => (p.kind === 'selector' ? [i] : []));
    if (selectorIdx.length > 0) {
      const pods = selectorIdx.flatMap((i) => this.c.peerPods(policy, r.peers[i] as Peer));
      const set = this.sets.addresses(ipsOf(pods, this.family));
      if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${selectorIdx.join(',')}]` });
    }
    r.peers.forEach((p, i) => {
      if (p.kind !== 'ip-block') return;
      const set = this.sets.ipBlock(p.cidr, p.except);
      if (set !== undefined) parts.push({ matches: [{ kind: 'in-set', set, flags }], label: `${field}[${i}]` });
    });
    return parts;
  }

  private portParts(policy: NetworkPolicy, direction: Direction, r: Rule): Part[] {
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
        const targets = resolvePortOn(spec, this.namedPortCandidates(policy, direction, r)).flatMap(({ pod, port }) =>
          pod.ips.map((ip) => ({ ip, protocol: spec.protocol, port })),
        );
        const set = this.sets.namedPorts(targets);
        if (set !== undefined) {
          parts.push({ matches: [{ kind: 'protocol', protocol: spec.protocol }, { kind: 'in-set', set, flags: 'dst,dst' }], label });
        }
      }
    });
    return parts;
  }

  /**
   * Ingress: the destination is the selected local pod. Egress: the destination is the peer, so
   * only pods some peer of the rule admits can meet both halves of a line (every pod when the rule
   * has no peers).
   */
  private namedPortCandidates(policy: NetworkPolicy, direction: Direction, r: Rule): readonly Pod[] {
    if (direction === 'ingress') return this.local.filter((p) => policySelects(policy, p));
    if (r.peers.length === 0) return this.c.pods;
    return r.peers.flatMap((p) => this.c.peerPods(policy, p));
  }
}

export function buildRuleSet(c: CompiledSnapshot, nodeName: string, marks: MarkBits = DEFAULT_MARKS): RuleSet {
  const local = localPods(c, nodeName);
  return {
    node: nodeName,
    marks,
    v4: new FamilyBuilder(c, local, 4, marks).build(),
    v6: new FamilyBuilder(c, local, 6, marks).build(),
  };
}
