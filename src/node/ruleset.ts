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
 * The admin tiers (docs/TIERS.md) widen both groups. A pod is intercepted in a direction when a
 * NetworkPolicy isolates it OR a tier policy with rules of that direction selects it. The
 * decision chain of a pod that tier policies select (a pod without any keeps the chain above,
 * line for line) is, per direction:
 *   KNP-POD-E-*  to itself -> RETURN; the admin tier's lines (tier-lines.ts), in evaluation
 *                order: Allow -> RETURN (the side admits; NetworkPolicies are not asked),
 *                Deny -> REJECT, Pass -> goto KNP-PASS-E-*; then the rest (below)
 *   the rest     NetworkPolicies isolate the pod: the policy jumps and REJECT, as above, and the
 *                baseline tier is never asked; otherwise the baseline tier's lines: Allow ->
 *                RETURN, Deny -> REJECT, Pass -> RETURN (the default), and a last RETURN: the
 *                pod is not isolated.
 * The rest is inline when no admin line of the pod says Pass, and otherwise in KNP-PASS-E-*
 * alone, where the pod chain's Pass lines and its last line (no admin rule matched) go to:
 * written once, not once inline and once for the Pass, so that a pod's rule count does not
 * double with one Pass and the rest's counters count every packet the admin tier left undecided.
 * A goto (-g), not a jump, because the rest's verdict is final: its RETURN returns from the pod
 * chain too, straight to KNP-FORWARD, with no line after the Pass to skip.
 * Tier lines decide by their first match and set no mark: an Allow ends the pod chain's walk
 * at once, and the other side's chain, later in KNP-FORWARD, still decides for itself.
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
import { qualifiedName, type IpFamily, type Pod } from '../model/index.js';
import { assertNever, type CompiledSnapshot, type CompiledTierPolicy, type Direction } from '../engine/index.js';
import { FORWARD_CHAIN, DEFAULT_MARKS, passChainName, podChainName } from './names.js';
import type { Chain, ChainRule, FamilyRules, MarkBits, Match, RuleSet, Target } from './rule-data.js';
import { SetRegistry } from './sets.js';
import { chainRule as rule, markOf, PolicyChains } from './policy-chains.js';
import { TierLineBuilder, type TierLine } from './tier-lines.js';

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

/** One node's rules of one family; the policy chains come from the snapshot's shared PolicyChains. */
class FamilyBuilder {
  private readonly sets: SetRegistry;
  private readonly policyChains = new Map<string, Chain>();

  constructor(
    private readonly c: CompiledSnapshot,
    private readonly shared: PolicyChains,
    private readonly tierLines: TierLineBuilder,
    private readonly local: readonly Pod[],
    private readonly family: IpFamily,
    private readonly marks: MarkBits,
  ) {
    this.sets = new SetRegistry(family);
  }

  build(): FamilyRules {
    const pods = this.local.filter((p) => p.ips.some((ip) => ip.family === this.family));
    const intercepted = (d: Direction): Pod[] => pods.filter((p) => this.c.isolating(p, d).length > 0 || this.c.tiersOf(p, d).length > 0);
    const egress = intercepted('egress');
    const ingress = intercepted('ingress');
    // Nothing to enforce: no hooks and no chains, rather than top chains that only clear marks. The
    // family's filter table is then never touched (an install would create it on a node that had
    // none, and no cleanup can take a table away), no packet pays for our walk, and a kernel
    // without this family is no obstacle.
    if (egress.length + ingress.length === 0) {
      return { family: this.family, hooks: [], chains: [], sets: [], enforcing: false };
    }
    const podChains = [...egress.flatMap((p) => this.podChains(p, 'egress')), ...ingress.flatMap((p) => this.podChains(p, 'ingress'))];
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

  /** Group 2: the pod's decision chain, and its pass chain when an admin tier rule says Pass. */
  private podChains(pod: Pod, direction: Direction): Chain[] {
    const who = `${qualifiedName(pod)} ${direction}`;
    const name = podChainName(pod.namespace, pod.name, direction);
    const self: ChainRule[] = [];
    for (const address of pod.ips.filter((ip) => ip.family === this.family)) {
      const m: Match = direction === 'egress' ? { kind: 'destination', address } : { kind: 'source', address };
      self.push(rule([m], { kind: 'return' }, `${who}: a pod to itself`));
    }
    const tiers = this.c.tiersOf(pod, direction);
    if (tiers.length === 0) return [{ name, rules: [...self, ...this.policyPart(pod, direction, who)] }];
    const pass = passChainName(pod.namespace, pod.name, direction);
    const admin = this.tierRules(tiers.filter((p) => p.tier === 'Admin'), pod, direction, who, 'Admin', pass);
    const rest =
      this.c.isolating(pod, direction).length > 0
        ? this.policyPart(pod, direction, who)
        : [...this.tierRules(tiers.filter((p) => p.tier === 'Baseline'), pod, direction, who, 'Baseline', pass), rule([], { kind: 'return' }, `${who}: no tier rule matched, no policy isolates`)];
    if (!admin.some((r) => r.target.kind === 'goto')) return [{ name, rules: [...self, ...admin, ...rest] }];
    return [
      { name, rules: [...self, ...admin, rule([], { kind: 'goto', chain: pass }, `${who}: no admin tier rule matched`)] },
      { name: pass, rules: rest },
    ];
  }

  /** The NetworkPolicy part of a decision chain: each isolating policy's chain, then REJECT. */
  private policyPart(pod: Pod, direction: Direction, who: string): ChainRule[] {
    const admitted: Match = { kind: 'mark', bits: markOf(this.marks, direction) };
    const rules: ChainRule[] = [];
    const policies = [...this.c.isolating(pod, direction)].sort(byKey);
    for (const policy of policies) {
      const shared = this.shared.chainOf(policy, direction, this.local);
      const chain = shared.chain.name;
      this.policyChains.set(chain, shared.chain);
      for (const set of shared.sets) this.sets.include(set);
      rules.push(rule([], { kind: 'jump', chain }, `${who}: policy ${policy.ref}`));
      rules.push(rule([admitted], { kind: 'return' }, `${who}: admitted by ${policy.ref}`));
    }
    rules.push(rule([], { kind: 'reject' }, `${who}: no policy admits`));
    return rules;
  }

  /** The lines of one tier's policies (in evaluation order), each with its action's target. */
  private tierRules(policies: readonly CompiledTierPolicy[], pod: Pod, direction: Direction, who: string, tier: 'Admin' | 'Baseline', pass: string): ChainRule[] {
    return policies.flatMap((policy) => {
      const built = this.tierLines.linesOf(policy, direction, pod);
      for (const set of built.sets) this.sets.include(set);
      return built.lines.map((l) => rule([...l.matches], tierTarget(l, tier, pass), `${who}: ${l.label}: ${l.actionText}`));
    });
  }
}

/**
 * Admin Allow and Deny decide the side; admin Pass hands it to the rest (`pass`). In the baseline
 * tier Pass means the default, which there is allowed: nothing comes after it.
 */
function tierTarget(line: TierLine, tier: 'Admin' | 'Baseline', pass: string): Target {
  switch (line.action) {
    case 'Allow':
      return { kind: 'return' };
    case 'Deny':
      return { kind: 'reject' };
    case 'Pass':
      return tier === 'Admin' ? { kind: 'goto', chain: pass } : { kind: 'return' };
    default:
      return assertNever(line.action);
  }
}

/**
 * The rule sets of one compiled snapshot's nodes, with one pair of mark bits. Everything that is
 * the same on every node is built once and shared: the policy chains and their sets, per family
 * (policy-chains.ts), and the tier policies' lines (tier-lines.ts). What remains per node is unavoidable: its local pods, their interception
 * rules and decision chains, and the choice of policy chains and sets they need.
 */
export class RuleSetBuilder {
  private readonly v4: PolicyChains;
  private readonly v6: PolicyChains;
  private readonly tiers4: TierLineBuilder;
  private readonly tiers6: TierLineBuilder;

  constructor(
    private readonly c: CompiledSnapshot,
    private readonly marks: MarkBits = DEFAULT_MARKS,
  ) {
    this.v4 = new PolicyChains(c, 4, marks);
    this.v6 = new PolicyChains(c, 6, marks);
    this.tiers4 = new TierLineBuilder(4, this.v4);
    this.tiers6 = new TierLineBuilder(6, this.v6);
  }

  build(nodeName: string): RuleSet {
    const local = localPods(this.c, nodeName);
    return {
      node: nodeName,
      marks: this.marks,
      v4: new FamilyBuilder(this.c, this.v4, this.tiers4, local, 4, this.marks).build(),
      v6: new FamilyBuilder(this.c, this.v6, this.tiers6, local, 6, this.marks).build(),
    };
  }
}

/** One node's rule set; for several nodes of one snapshot, one RuleSetBuilder shares their work. */
export function buildRuleSet(c: CompiledSnapshot, nodeName: string, marks: MarkBits = DEFAULT_MARKS): RuleSet {
  return new RuleSetBuilder(c, marks).build(nodeName);
}
