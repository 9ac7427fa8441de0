/**
 * @module engine/verdict
 * The decision on one connection S -> D, as a record that explains itself. Allowed iff both sides
 * allow it (NETPOL-SEMANTICS.md "A connection"): S's egress and D's ingress. Each side is evaluated
 * in full, even when the other already denies, so that a user sees both reasons.
 * Steps, per side (docs/TIERS.md for the tiers):
 *   1. the side's end is not a pod, or is a hostNetwork pod -> no policy applies
 *   2. the admin tier: the first rule (by priority, then as written) that matches decides Allow
 *      or Deny; Pass, or no match, goes on
 *   3. no NetworkPolicy selecting the pod isolates this direction -> step 5
 *   4. some rule of an isolating policy admits the peer AND the port -> allowed, naming each such
 *      rule; otherwise denied, naming for every rule of every isolating policy what missed
 *   5. the baseline tier, as the admin tier; no match (or Pass) -> allowed (not isolated)
 * Before both: a pod to itself, and traffic between a pod and the node it runs on (either way,
 * whatever the node's address), are always allowed: a bypass. Both sides are still evaluated, so
 * that the record shows what the policies alone would have said.
 */
import type { IpAddress, IpFamily, Pod, Protocol, Tier, TierAction } from '../model/index.js';
import { assertNever } from '../assert-never.js';
import type { Direction } from './direction.js';
import type { CompiledSnapshot } from './compiled.js';
import { addressIn, connectionFamily, endpointName, type Endpoint } from './endpoint.js';
import { peerAdmits, peerMiss, type PeerMiss } from './peer.js';
import { rulesIn, type CompiledPolicy, type CompiledRule } from './policy.js';
import { namedPortTarget, portAdmits, portMiss, type PortMiss } from './port.js';
import { tierRulesIn, type CompiledTierPolicy, type CompiledTierRule, type TierPeerMatcher } from './tier.js';

interface RuleRef {
  readonly policy: string;
  readonly direction: Direction;
  /** Index in spec.ingress or spec.egress. */
  readonly rule: number;
}

/** One rule tried against a connection. Empty miss lists mean that part matched. */
export interface RuleOutcome extends RuleRef {
  readonly admitted: boolean;
  /** One miss per peer entry (index-aligned with the rule's peers) when no peer matched. */
  readonly peerMisses: readonly PeerMiss[];
  /** One miss per port entry when no port matched. */
  readonly portMisses: readonly PortMiss[];
  /** Index of the first from/to entry that matched; absent when the rule has none (every peer) or none matched. */
  readonly matchedPeer?: number;
  /** Index of the first ports entry that matched; absent when the rule has none (every port) or none matched. */
  readonly matchedPort?: number;
}

export interface PolicyOutcome {
  readonly policy: string;
  /** Empty when the policy has no rules in this direction: it admits nothing. */
  readonly rules: readonly RuleOutcome[];
}

/** The tier rule that matched a connection first. */
export interface TierMatch {
  readonly tier: Tier;
  /** `AdminNetworkPolicy/NAME` (tier.ts). */
  readonly policy: string;
  readonly priority?: number;
  readonly direction: Direction;
  /** Index in spec.ingress or spec.egress. */
  readonly rule: number;
  readonly ruleName?: string;
  readonly action: TierAction;
  /** As written: Allow or Accept, Deny, Pass. */
  readonly actionText: string;
  /** Index of the from/to entry that matched. */
  readonly matchedPeer: number;
  /** Index of the ports (protocols) entry that matched; absent when the rule has none (every port). */
  readonly matchedPort?: number;
}

/**
 * What the tiers said on a side whose pod some tier policy selects: the policies of each tier
 * that took part (in evaluation order), and the Pass rule that handed the decision on, if one
 * did (none, with policies listed: none of their rules matched).
 */
export interface TierTrace {
  readonly admin: readonly string[];
  readonly adminPass?: TierMatch;
  readonly baseline: readonly string[];
  readonly baselinePass?: TierMatch;
}

/** Cases of one side: which of the steps above decided. `tiers`: present when some tier policy selects the pod in this direction. */
export type SideResult =
  | { readonly kind: 'not-a-pod'; readonly direction: Direction }
  | { readonly kind: 'host-network'; readonly direction: Direction; readonly pod: string }
  | { readonly kind: 'not-isolated'; readonly direction: Direction; readonly pod: string; readonly tiers?: TierTrace }
  | { readonly kind: 'allowed'; readonly direction: Direction; readonly pod: string; readonly admittedBy: readonly RuleOutcome[]; readonly policies: readonly PolicyOutcome[]; readonly tiers?: TierTrace }
  | { readonly kind: 'denied'; readonly direction: Direction; readonly pod: string; readonly policies: readonly PolicyOutcome[]; readonly tiers?: TierTrace }
  | { readonly kind: 'tier-allowed' | 'tier-denied'; readonly direction: Direction; readonly pod: string; readonly by: TierMatch; readonly tiers: TierTrace };

/**
 * Why a connection is allowed regardless of policies (NETPOL-SEMANTICS.md "Always allowed"):
 *   self               a pod to itself
 *   node-to-local-pod  a node (one of its addresses, or a hostNetwork pod on it) to a pod it runs
 *                      (kubelet probes)
 *   pod-to-own-node    a pod to the node it runs on (one of its addresses, or a hostNetwork pod on it)
 * Other nodes' addresses are addresses like any other.
 */
export type Bypass = 'self' | 'node-to-local-pod' | 'pod-to-own-node';

export interface Verdict {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The address family judged; absent when neither end has an address. */
  readonly family?: IpFamily;
  readonly bypass?: Bypass;
  readonly egress: SideResult;
  readonly ingress: SideResult;
}

export function sideAllows(side: SideResult): boolean {
  return side.kind !== 'denied' && side.kind !== 'tier-denied';
}

/** Derived from the record, never computed on its own. */
export function isAllowed(v: Verdict): boolean {
  return v.bypass !== undefined || (sideAllows(v.egress) && sideAllows(v.ingress));
}

export interface Connection {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly port: number;
  readonly protocol: Protocol;
  /** Judge the connection over this family (dual-stack pods); by default see connectionFamily. */
  readonly family?: IpFamily;
}



/** `otherAddress`: the far end's address in the connection's family, worked out once per side. */
function evaluateRule(c: CompiledSnapshot, rule: CompiledRule, conn: Connection, other: Endpoint, otherAddress: IpAddress | undefined): RuleOutcome {
  const peerMisses: PeerMiss[] = [];
  let peerOk = false;
  let matchedPeer: number | undefined;
  for (const peer of rule.peers) {
    if (peerAdmits(c, peer, other, otherAddress)) {
      peerOk = true;
      if (peer.kind !== 'any') matchedPeer = peer.index;
      break;
    }
    if (peer.kind !== 'any') peerMisses.push(peerMiss(c, peer, other, otherAddress));
  }
  const target = namedPortTarget(conn.dst);
  const portMisses: PortMiss[] = [];
  let portOk = false;
  let matchedPort: number | undefined;
  for (const m of rule.ports) {
    if (portAdmits(m, conn.port, conn.protocol, target)) {
      portOk = true;
      if (m.kind !== 'any') matchedPort = m.index;
      break;
    }
    if (m.kind !== 'any') portMisses.push(portMiss(m, conn.protocol, target));
  }
  return {
    policy: rule.source.policy,
    direction: rule.source.direction,
    rule: rule.source.rule,
    admitted: peerOk && portOk,
    peerMisses: peerOk ? [] : peerMisses,
    portMisses: portOk ? [] : portMisses,
    ...(matchedPeer === undefined ? {} : { matchedPeer }),
    ...(matchedPort === undefined ? {} : { matchedPort }),
  };
}

/** The same question as evaluateRule's `admitted`, without the record: for answers en masse. */
function ruleAdmits(c: CompiledSnapshot, rule: CompiledRule, conn: Connection, other: Endpoint, otherAddress: IpAddress | undefined, target: Pod | undefined): boolean {
  // Loops, not some(): no closure per rule on matrix's hot path.
  let peer = false;
  for (const p of rule.peers) if ((peer = peerAdmits(c, p, other, otherAddress))) break;
  if (!peer) return false;
  for (const m of rule.ports) if (portAdmits(m, conn.port, conn.protocol, target)) return true;
  return false;
}

/** Whether a tier peer admits the other end; an unknown peer fails closed (see UnknownPeer). */
function tierPeerAdmits(c: CompiledSnapshot, peer: TierPeerMatcher, action: TierAction, other: Endpoint, address: IpAddress | undefined): boolean {
  switch (peer.kind) {
    case 'pods':
    case 'cidr':
      return peerAdmits(c, peer, other, address);
    case 'nodes':
      return address !== undefined && c.nodeAddresses(peer).has(address.text);
    case 'unknown':
      return action !== 'Allow';
    default:
      return assertNever(peer);
  }
}

/** A tier rule that matched a connection first, with the from/to and ports entries that did. */
interface TierHit {
  readonly policy: CompiledTierPolicy;
  readonly rule: CompiledTierRule;
  readonly peer: number;
  readonly port?: number;
}

/** The first tier rule of `policies` (in order) that matches the connection, with what matched. */
function firstTierMatch(
  c: CompiledSnapshot,
  policies: readonly CompiledTierPolicy[],
  direction: Direction,
  conn: Connection,
  other: Endpoint,
  otherAddress: IpAddress | undefined,
  target: Pod | undefined,
): TierHit | undefined {
  for (const policy of policies) {
    for (const rule of tierRulesIn(policy, direction)) {
      let peer: number | undefined;
      for (const p of rule.peers) {
        if (tierPeerAdmits(c, p, rule.action, other, otherAddress)) {
          peer = p.index;
          break;
        }
      }
      if (peer === undefined) continue;
      for (const m of rule.ports) {
        if (portAdmits(m, conn.port, conn.protocol, target)) return m.kind === 'any' ? { policy, rule, peer } : { policy, rule, peer, port: m.index };
      }
    }
  }
  return undefined;
}

function tierMatchRecord(hit: TierHit): TierMatch {
  const { policy, rule } = hit;
  return {
    tier: policy.tier,
    policy: policy.ref,
    ...(policy.priority === undefined ? {} : { priority: policy.priority }),
    direction: rule.source.direction,
    rule: rule.source.rule,
    ...(rule.name === undefined ? {} : { ruleName: rule.name }),
    action: rule.action,
    actionText: rule.actionText,
    matchedPeer: hit.peer,
    ...(hit.port === undefined ? {} : { matchedPort: hit.port }),
  };
}

function splitTiers(tiers: readonly CompiledTierPolicy[]): { readonly admin: readonly CompiledTierPolicy[]; readonly baseline: readonly CompiledTierPolicy[] } {
  // Evaluation order puts the whole admin tier first.
  const cut = tiers.findIndex((p) => p.tier === 'Baseline');
  return cut < 0 ? { admin: tiers, baseline: [] } : { admin: tiers.slice(0, cut), baseline: tiers.slice(cut) };
}

/**
 * Steps 2 and 5 of a side, for the verdict and the decision alike: the rule that decided (Allow or
 * Deny), if a tier did, and the Pass rules that handed on. The baseline tier is asked only when no
 * NetworkPolicy isolates the pod (`isolated`): then the NetworkPolicies decide instead.
 */
function walkTiers(
  c: CompiledSnapshot,
  tiers: readonly CompiledTierPolicy[],
  isolated: boolean,
  direction: Direction,
  conn: Connection,
  other: Endpoint,
  otherAddress: IpAddress | undefined,
): { readonly decided?: TierHit; readonly adminPass?: TierHit; readonly baselinePass?: TierHit } {
  const { admin, baseline } = splitTiers(tiers);
  const target = namedPortTarget(conn.dst);
  const high = firstTierMatch(c, admin, direction, conn, other, otherAddress, target);
  if (high !== undefined && high.rule.action !== 'Pass') return { decided: high };
  const adminPass = high === undefined ? {} : { adminPass: high };
  if (isolated) return adminPass;
  const low = firstTierMatch(c, baseline, direction, conn, other, otherAddress, target);
  if (low === undefined) return adminPass;
  return low.rule.action === 'Pass' ? { ...adminPass, baselinePass: low } : { ...adminPass, decided: low };
}

function evaluateSide(c: CompiledSnapshot, direction: Direction, conn: Connection, family: IpFamily | undefined): SideResult {
  const self = direction === 'egress' ? conn.src : conn.dst;
  if (self.kind !== 'pod') return { kind: 'not-a-pod', direction };
  const pod = endpointName(self);
  if (self.pod.hostNetwork) return { kind: 'host-network', direction, pod };
  const other = direction === 'ingress' ? conn.src : conn.dst;
  const otherAddress = addressIn(other, family);
  const tierPolicies = c.tiersOf(self.pod, direction);
  const isolating = c.isolating(self.pod, direction);
  let withTiers: { readonly tiers?: TierTrace } = {};
  if (tierPolicies.length > 0) {
    const walk = walkTiers(c, tierPolicies, isolating.length > 0, direction, conn, other, otherAddress);
    const { admin, baseline } = splitTiers(tierPolicies);
    const tiers: TierTrace = {
      admin: admin.map((p) => p.ref),
      ...(walk.adminPass === undefined ? {} : { adminPass: tierMatchRecord(walk.adminPass) }),
      baseline: baseline.map((p) => p.ref),
      ...(walk.baselinePass === undefined ? {} : { baselinePass: tierMatchRecord(walk.baselinePass) }),
    };
    if (walk.decided !== undefined) {
      const by = tierMatchRecord(walk.decided);
      return { kind: by.action === 'Allow' ? 'tier-allowed' : 'tier-denied', direction, pod, by, tiers };
    }
    withTiers = { tiers };
  }
  if (isolating.length === 0) return { kind: 'not-isolated', direction, pod, ...withTiers };
  const policies = isolating.map((policy): PolicyOutcome => ({
    policy: policy.ref,
    rules: rulesIn(policy, direction).rules.map((rule) => evaluateRule(c, rule, conn, other, otherAddress)),
  }));
  const admittedBy: RuleOutcome[] = policies.flatMap((p) => p.rules.filter((r) => r.admitted));
  return admittedBy.length > 0
    ? { kind: 'allowed', direction, pod, admittedBy, policies, ...withTiers }
    : { kind: 'denied', direction, pod, policies, ...withTiers };
}

/**
 * One side decided, without the record of every miss: which step decided, and the rules that
 * admit or the policies that deny. Reads the same matchers as evaluateSide, through the same
 * peerAdmits and portAdmits.
 */
export type SideDecision =
  | { readonly kind: 'not-a-pod' | 'host-network' | 'not-isolated'; readonly direction: Direction }
  | { readonly kind: 'tier-allowed' | 'tier-denied'; readonly direction: Direction; readonly by: CompiledTierRule }
  | { readonly kind: 'allowed'; readonly direction: Direction; readonly admittedBy: readonly CompiledRule[] }
  | { readonly kind: 'denied'; readonly direction: Direction; readonly policies: readonly CompiledPolicy[] };

export interface Decision {
  readonly bypass?: Bypass;
  readonly egress: SideDecision;
  readonly ingress: SideDecision;
}

const UNDECIDED = {
  'not-a-pod': { ingress: { kind: 'not-a-pod', direction: 'ingress' }, egress: { kind: 'not-a-pod', direction: 'egress' } },
  'host-network': { ingress: { kind: 'host-network', direction: 'ingress' }, egress: { kind: 'host-network', direction: 'egress' } },
  'not-isolated': { ingress: { kind: 'not-isolated', direction: 'ingress' }, egress: { kind: 'not-isolated', direction: 'egress' } },
} as const satisfies Record<string, Record<Direction, SideDecision>>;

function decideSide(c: CompiledSnapshot, direction: Direction, conn: Connection, family: IpFamily | undefined): SideDecision {
  const self = direction === 'egress' ? conn.src : conn.dst;
  if (self.kind !== 'pod') return UNDECIDED['not-a-pod'][direction];
  if (self.pod.hostNetwork) return UNDECIDED['host-network'][direction];
  const tierPolicies = c.tiersOf(self.pod, direction);
  const other = direction === 'ingress' ? conn.src : conn.dst;
  const otherAddress = addressIn(other, family);
  const target = namedPortTarget(conn.dst);
  const isolating = c.isolating(self.pod, direction);
  if (tierPolicies.length > 0) {
    const { decided } = walkTiers(c, tierPolicies, isolating.length > 0, direction, conn, other, otherAddress);
    if (decided !== undefined) return { kind: decided.rule.action === 'Allow' ? 'tier-allowed' : 'tier-denied', direction, by: decided.rule };
  }
  if (isolating.length === 0) return UNDECIDED['not-isolated'][direction];
  let admittedBy: CompiledRule[] | undefined;
  for (const policy of isolating) {
    for (const rule of rulesIn(policy, direction).rules) {
      if (ruleAdmits(c, rule, conn, other, otherAddress, target)) (admittedBy ??= []).push(rule);
    }
  }
  return admittedBy === undefined ? { kind: 'denied', direction, policies: isolating } : { kind: 'allowed', direction, admittedBy };
}

/** The decision on a connection, as evaluateConnection's record would have it, at a fraction of the cost. */
export function decideConnection(c: CompiledSnapshot, conn: Connection): Decision {
  const bypass = bypassOf(c, conn);
  const family = connectionFamily(conn.src, conn.dst, conn.family);
  const egress = decideSide(c, 'egress', conn, family);
  const ingress = decideSide(c, 'ingress', conn, family);
  // Literals rather than a spread: matrix asks this for every pair.
  return bypass === undefined ? { egress, ingress } : { bypass, egress, ingress };
}

/** Derived from the decision, as isAllowed from the record. */
export function decisionAllows(d: Decision): boolean {
  const denies = (s: SideDecision): boolean => s.kind === 'denied' || s.kind === 'tier-denied';
  return d.bypass !== undefined || (!denies(d.egress) && !denies(d.ingress));
}

/**
 * The node whose own traffic an end is: a hostNetwork pod's node, or the node whose Node object
 * lists the address. A pod of the pod network is no node's.
 */
function hostNodeOf(c: CompiledSnapshot, e: Endpoint): string | undefined {
  if (e.kind === 'pod') return e.pod.hostNetwork ? e.pod.nodeName : undefined;
  return c.snapshot.nodes.find((n) => n.addresses.some((a) => a.ip.value === e.ip.value && a.ip.family === e.ip.family))?.name;
}

function bypassOf(c: CompiledSnapshot, conn: Connection): Bypass | undefined {
  const { src, dst } = conn;
  if (src.kind === 'pod' && dst.kind === 'pod' && (src.pod === dst.pod || (src.pod.namespace === dst.pod.namespace && src.pod.name === dst.pod.name))) return 'self';
  if (dst.kind === 'pod' && dst.pod.nodeName !== undefined && hostNodeOf(c, src) === dst.pod.nodeName) return 'node-to-local-pod';
  if (src.kind === 'pod' && !src.pod.hostNetwork && src.pod.nodeName !== undefined && hostNodeOf(c, dst) === src.pod.nodeName) return 'pod-to-own-node';
  return undefined;
}

export function evaluateConnection(c: CompiledSnapshot, conn: Connection): Verdict {
  const bypass = bypassOf(c, conn);
  const family = connectionFamily(conn.src, conn.dst, conn.family);
  return {
    from: endpointName(conn.src),
    to: endpointName(conn.dst),
    port: conn.port,
    protocol: conn.protocol,
    ...(family === undefined ? {} : { family }),
    ...(bypass === undefined ? {} : { bypass }),
    egress: evaluateSide(c, 'egress', conn, family),
    ingress: evaluateSide(c, 'ingress', conn, family),
  };
}
