/**
 * @module node/rule-data
 * The node rule set as plain data: chains of rules (each a list of matches and one target, with the
 * comment naming where it comes from) and ipsets with their entries, per address family. restore.ts
 * renders it as iptables-restore and ipset-restore text; tests interpret it directly, so every
 * match here must have exactly one meaning on the wire.
 */
import type { Cidr, IpAddress, IpFamily, Protocol } from '../model/index.js';

/**
 * Built-in filter chains that jump into our top chains. Not INPUT: what reaches the node itself
 * from its pods is always allowed (see ruleset.ts).
 */
export type HookChain = 'FORWARD';

/**
 * Cases of a match:
 *   established  -m conntrack --ctstate RELATED,ESTABLISHED
 *   bridged      -m physdev --physdev-is-bridged
 *   not-bridged  -m physdev ! --physdev-is-bridged (routed: exactly the packets bridged misses)
 *   source/destination  -s/-d one address
 *   protocol     -p tcp|udp|sctp
 *   icmp6-type   -p ipv6-icmp -m icmp6 --icmpv6-type type (IPv6 rules only)
 *   dest-port    -p P -m P --dport first[:last]
 *   in-set       -m set --match-set NAME src|dst|dst,dst (the last: address and protocol:port)
 *   mark         -m mark --mark bits/bits (all bits set)
 */
export type Match =
  | { readonly kind: 'established' }
  | { readonly kind: 'bridged' }
  | { readonly kind: 'not-bridged' }
  | { readonly kind: 'source'; readonly address: IpAddress }
  | { readonly kind: 'destination'; readonly address: IpAddress }
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'icmp6-type'; readonly type: number }
  | { readonly kind: 'dest-port'; readonly protocol: Protocol; readonly first: number; readonly last: number }
  | { readonly kind: 'in-set'; readonly set: string; readonly flags: 'src' | 'dst' | 'dst,dst' }
  | { readonly kind: 'mark'; readonly bits: number };

/**
 * Cases of a target: our chains only ever jump, go to, return, reject or mark; they never ACCEPT.
 *   jump   -j CHAIN: when CHAIN returns, the next rule here is tried
 *   goto   -g CHAIN: when CHAIN returns, this chain has returned too (an admin tier Pass hands the
 *          whole decision to the rest, and the rest's RETURN is the pod chain's)
 */
export type Target =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'return' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'set-mark'; readonly bits: number }
  | { readonly kind: 'clear-mark'; readonly bits: number };

export interface ChainRule {
  readonly matches: readonly Match[];
  readonly target: Target;
  /** Already sanitised for iptables (see names.sanitizeComment). */
  readonly comment: string;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly ChainRule[];
}

export type SetType = 'hash:ip' | 'hash:net' | 'hash:ip,port';

/** Cases of a set entry; `nomatch` net entries carve an ipBlock's excepts out of its cidr. */
export type SetEntry =
  | { readonly kind: 'ip'; readonly ip: IpAddress }
  | { readonly kind: 'net'; readonly cidr: Cidr; readonly nomatch: boolean }
  | { readonly kind: 'ip-port'; readonly ip: IpAddress; readonly protocol: Protocol; readonly port: number };

export interface IpSet {
  readonly name: string;
  readonly type: SetType;
  readonly family: IpFamily;
  readonly maxelem: number;
  readonly entries: readonly SetEntry[];
}

export interface Hook {
  readonly from: HookChain;
  readonly chain: string;
}

export interface FamilyRules {
  readonly family: IpFamily;
  /** Hooks first, in the order they are checked; chains in output order, top chains first. */
  readonly hooks: readonly Hook[];
  readonly chains: readonly Chain[];
  readonly sets: readonly IpSet[];
  /**
   * Whether any local pod of this family is isolated. When not, hooks, chains and sets are all
   * empty: nothing is installed, and the script removes ours left by an earlier apply.
   */
  readonly enforcing: boolean;
}

/** The two packet mark bits of a rule set (names.ts: --mark-bits): distinct single bits. */
export interface MarkBits {
  readonly egress: number;
  readonly ingress: number;
}

export interface RuleSet {
  readonly node: string;
  /** The bits every set-mark, clear-mark and mark match of the rule set uses. */
  readonly marks: MarkBits;
  readonly v4: FamilyRules;
  readonly v6: FamilyRules;
}

export function ruleCount(f: FamilyRules): number {
  return f.hooks.length + f.chains.reduce((n, c) => n + c.rules.length, 0);
}

export function entryCount(f: FamilyRules): number {
  return f.sets.reduce((n, s) => n + s.entries.length, 0);
}
