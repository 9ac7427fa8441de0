/**
 * @module engine/verdict
 * The decision on one connection S -> D, as a record that explains itself. Allowed iff both sides
 * allow it (NETPOL-SEMANTICS.md "A connection"): S's egress and D's ingress. Each side is evaluated
 * in full, even when the other already denies, so that a user sees both reasons.
 * Steps, per side:
 *   1. the side's end is not a pod, or is a hostNetwork pod -> no policy applies
 *   2. no policy selecting the pod isolates this direction  -> allowed (not isolated)
 *   3. some rule of an isolating policy admits the peer AND the port -> allowed, naming each such rule
 *   4. otherwise denied, naming for every rule of every isolating policy what missed
 * Before both: a pod to itself, and traffic between a pod and the node it runs on (either way,
 * whatever the node's address), are always allowed: a bypass. Both sides are still evaluated, so
 * that the record shows what the policies alone would have said.
 */
import { qualifiedName, type IpAddress, type IpFamily, type NetworkPolicy, type Protocol, type Rule } from '../model/index.js';
import { policyTypeOf, rulesOf, type Direction } from './direction.js';
import type { CompiledSnapshot } from './compile.js';
import { addressIn, connectionFamily, endpointName, type Endpoint } from './endpoint.js';
import { matchPeer, type PeerMiss } from './peer.js';
import { matchPort, namedPortTarget, type PortMiss } from './port.js';

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

/** Cases of one side: which of the steps above decided. */
export type SideResult =
  | { readonly kind: 'not-a-pod'; readonly direction: Direction }
  | { readonly kind: 'host-network'; readonly direction: Direction; readonly pod: string }
  | { readonly kind: 'not-isolated'; readonly direction: Direction; readonly pod: string }
  | { readonly kind: 'allowed'; readonly direction: Direction; readonly pod: string; readonly admittedBy: readonly RuleOutcome[]; readonly policies: readonly PolicyOutcome[] }
  | { readonly kind: 'denied'; readonly direction: Direction; readonly pod: string; readonly policies: readonly PolicyOutcome[] };

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
  return side.kind !== 'denied';
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
function evaluateRule(
  c: CompiledSnapshot,
  policy: NetworkPolicy,
  direction: Direction,
  rule: Rule,
  index: number,
  conn: Connection,
  otherAddress: IpAddress | undefined,
): RuleOutcome {
  const other = direction === 'ingress' ? conn.src : conn.dst;
  const peerMisses: PeerMiss[] = [];
  let matchedPeer: number | undefined;
  for (const [i, peer] of rule.peers.entries()) {
    const r = matchPeer(c, policy, peer, other, otherAddress);
    if (r.matched) {
      matchedPeer = i;
      break;
    }
    peerMisses.push(r.miss);
  }
  const peerOk = rule.peers.length === 0 || matchedPeer !== undefined;
  const portMisses: PortMiss[] = [];
  let matchedPort: number | undefined;
  for (const [i, spec] of rule.ports.entries()) {
    const r = matchPort(spec, conn.port, conn.protocol, namedPortTarget(conn.dst));
    if (r.matched) {
      matchedPort = i;
      break;
    }
    portMisses.push(r.miss);
  }
  const portOk = rule.ports.length === 0 || matchedPort !== undefined;
  return {
    policy: qualifiedName(policy),
    direction,
    rule: index,
    admitted: peerOk && portOk,
    peerMisses: peerOk ? [] : peerMisses,
    portMisses: portOk ? [] : portMisses,
    ...(matchedPeer === undefined ? {} : { matchedPeer }),
    ...(matchedPort === undefined ? {} : { matchedPort }),
  };
}

function evaluateSide(c: CompiledSnapshot, direction: Direction, conn: Connection, family: IpFamily | undefined): SideResult {
  const self = direction === 'egress' ? conn.src : conn.dst;
  if (self.kind !== 'pod') return { kind: 'not-a-pod', direction };
  const pod = endpointName(self);
  if (self.pod.hostNetwork) return { kind: 'host-network', direction, pod };
  const isolating = c.isolating(self.pod, policyTypeOf(direction));
  if (isolating.length === 0) return { kind: 'not-isolated', direction, pod };
  const otherAddress = addressIn(direction === 'ingress' ? conn.src : conn.dst, family);
  const policies = isolating.map((policy): PolicyOutcome => ({
    policy: qualifiedName(policy),
    rules: rulesOf(policy, direction).map((rule, i) => evaluateRule(c, policy, direction, rule, i, conn, otherAddress)),
  }));
  const admittedBy: RuleOutcome[] = policies.flatMap((p) => p.rules.filter((r) => r.admitted));
  return admittedBy.length > 0
    ? { kind: 'allowed', direction, pod, admittedBy, policies }
    : { kind: 'denied', direction, pod, policies };
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
  if (src.kind === 'pod' && dst.kind === 'pod' && src.pod === dst.pod) return 'self';
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
