/**
 * @module node/names
 * Every name this project puts into a node's netfilter and ipset state comes from here, so that the
 * cleanup and stale-object logic can recognise "ours" by the exact shapes of these names: a prefix
 * alone would also claim an admin's own KNP-ADMIN chain or KNP-blocklist set.
 * Limits: iptables chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN 29 with the NUL),
 * ipset names at most 31 (IPSET_MAXNAMELEN 32 with the NUL), xt_comment at most 255 bytes
 * (XT_MAX_COMMENT_LEN 256 with the NUL).
 */
import type { IpFamily } from '../model/index.js';
import type { Direction } from '../engine/index.js';
import type { MarkBits } from './rule-data.js';

export const PREFIX = 'KNP-';
export const MAX_COMMENT = 255;

/** Our top chain; the host's FORWARD chain jumps into it once. */
export const FORWARD_CHAIN = `${PREFIX}FORWARD`;
/**
 * The top chain earlier versions hooked into INPUT, to police what pods sent to their own node
 * (which is always allowed). Never installed now; still a name of ours, so that the apply and the
 * cleanup recognise it and its jump, and remove them.
 */
export const INPUT_CHAIN = `${PREFIX}INPUT`;

/** The comment on the host-chain jumps, so that an admin reading iptables-save knows who put them there. */
export const HOOK_COMMENT = 'kubectl-netpol: NetworkPolicy enforcement';

/**
 * Packet mark bits: one is set when a side admitted the packet, and both are cleared on entry to
 * and exit from our top chain. Two bits so that an egress allowance can never stand in for the
 * destination's ingress check. `apply-node --mark-bits MASK` picks them: a mask of exactly two
 * bits, the lower marking egress, the higher ingress; the default 0x300000 is egress 0x100000 and
 * ingress 0x200000. A packet that comes into our chain with these bits set leaves without them,
 * so they must be bits nothing else on the node relies on:
 *   kubelet and kube-proxy: 0x4000 (KUBE-MARK-MASQ) and 0x8000 (KUBE-MARK-DROP); a mask touching
 *     them is refused.
 *   Calico: Felix takes its bits from its IptablesMarkMask (0xffff0000 by default in current
 *     releases, 0xff000000 in older ones). The default 0x300000 lies inside that mask, so on a
 *     Calico node pick bits outside both it and kube-proxy's, i.e. within 0x3fff: e.g. 0x3000.
 *   Cilium: its source (pkg/datapath/linux/linux_defaults/mark.go) assigns every bit of the
 *     32-bit mark (security identity in 0xffff00ff, its own markers in 0x0f00, kube-proxy's in
 *     0xf000), so no choice is known to be free beside it; it enforces NetworkPolicy itself.
 */
export const DEFAULT_MARKS: MarkBits = { egress: 0x100000, ingress: 0x200000 };
export const DEFAULT_MARK_MASK = DEFAULT_MARKS.egress + DEFAULT_MARKS.ingress;
export const KUBE_PROXY_MARK_BITS = 0x4000 + 0x8000;

/** Whether `mask` is usable as --mark-bits, and which bit marks which side. */
export type MarkMaskCheck = { readonly ok: true; readonly marks: MarkBits } | { readonly ok: false; readonly reason: string };

/** Bits as plain powers of two: JavaScript's bitwise operators would make bit 31 negative. */
export function checkMarkMask(mask: number): MarkMaskCheck {
  if (!Number.isSafeInteger(mask) || mask < 0 || mask > 0xffffffff) return { ok: false, reason: 'more than the 32 bits of a packet mark' };
  const bits = Array.from({ length: 32 }, (_, i) => 2 ** i).filter((b) => Math.floor(mask / b) % 2 === 1);
  const [egress, ingress] = bits;
  if (bits.length !== 2 || egress === undefined || ingress === undefined) return { ok: false, reason: `${bits.length} bit${bits.length === 1 ? '' : 's'} set, not two` };
  if (bits.some((b) => Math.floor(KUBE_PROXY_MARK_BITS / b) % 2 === 1)) return { ok: false, reason: "it takes a bit of kube-proxy's 0x4000 (masquerade) or 0x8000 (drop)" };
  return { ok: true, marks: { egress, ingress } };
}


/**
 * A stable 64-bit hash (two independent 32-bit multiply-xorshift lanes), as 16 hex digits. Not
 * cryptographic: it only needs to keep names of one node's objects apart.
 */
export function shortHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Hex digits of shortHash kept in chain names (chain names are the shorter). */
const CHAIN_HASH_DIGITS = 12;
const SET_HASH_DIGITS = 16;

function letter(direction: Direction): string {
  return direction === 'ingress' ? 'I' : 'E';
}

/** The chain deciding one local pod's traffic in one direction (same name in both families). */
export function podChainName(namespace: string, name: string, direction: Direction): string {
  return `${PREFIX}POD-${letter(direction)}-${shortHash(`pod\0${namespace}\0${name}`).slice(0, CHAIN_HASH_DIGITS)}`;
}

/**
 * Where a local pod's decision goes on when an admin tier rule says Pass: what the NetworkPolicies
 * (or, with none isolating the pod, the baseline tier) make of the packet. Same suffix as the
 * pod's own chain, so that the two read as a pair in iptables-save.
 */
export function passChainName(namespace: string, name: string, direction: Direction): string {
  return `${PREFIX}PASS-${letter(direction)}-${shortHash(`pod\0${namespace}\0${name}`).slice(0, CHAIN_HASH_DIGITS)}`;
}

/** The chain holding one policy's rules of one direction. */
export function policyChainName(namespace: string, name: string, direction: Direction): string {
  return `${PREFIX}POL-${letter(direction)}-${shortHash(`policy\0${namespace}\0${name}`).slice(0, CHAIN_HASH_DIGITS)}`;
}

/**
 * Kinds of set: P pod addresses (hash:ip), N one ipBlock or tier `networks` CIDR (hash:net), T
 * named-port targets (hash:ip,port), H node addresses of a tier `nodes` peer (hash:ip).
 */
export type SetLetter = 'P' | 'N' | 'T' | 'H';

/**
 * Sets are named by their content (header and entries), so that a changed set gets a new name: the
 * new rules switch to it in one iptables-restore commit and the old one is destroyed afterwards.
 */
export function setName(family: IpFamily, kind: SetLetter, content: string): string {
  return `${PREFIX}${family}${kind}-${shortHash(content).slice(0, SET_HASH_DIGITS)}`;
}

const HEX = '[0-9a-f]';

/**
 * The exact shapes of our names as sh glob patterns, for the node scripts. They use literal
 * characters and bracket expressions only, which mean the same in a glob, a grep pattern and a
 * JavaScript regular expression: the three readings cannot drift apart.
 */
export const CHAIN_GLOBS: readonly string[] = [
  FORWARD_CHAIN,
  INPUT_CHAIN,
  `${PREFIX}PO[DL]-[EI]-${HEX.repeat(CHAIN_HASH_DIGITS)}`,
  `${PREFIX}PASS-[EI]-${HEX.repeat(CHAIN_HASH_DIGITS)}`,
];
export const SET_GLOBS: readonly string[] = [`${PREFIX}[46][PNTH]-${HEX.repeat(SET_HASH_DIGITS)}`];

const exactly = (globs: readonly string[]): RegExp => new RegExp(`^(?:${globs.join('|')})$`);
const OUR_CHAIN = exactly(CHAIN_GLOBS);
const OUR_SET = exactly(SET_GLOBS);

/** Whether a chain name has one of our shapes (the TypeScript reading of CHAIN_GLOBS). */
export function isOurChain(name: string): boolean {
  return OUR_CHAIN.test(name);
}

/** Whether an ipset name has one of our shapes (the TypeScript reading of SET_GLOBS). */
export function isOurSet(name: string): boolean {
  return OUR_SET.test(name);
}

/**
 * Comments reach iptables-restore inside double quotes: quotes, backslashes and anything outside
 * printable ASCII are replaced (defense in depth: names are validated upstream, but a comment must
 * never be able to end the quoted string), and the length is capped by xt_comment's limit.
 */
export function sanitizeComment(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]|["\\'`$]/g, '_');
  return clean.length <= MAX_COMMENT ? clean : `${clean.slice(0, MAX_COMMENT - 3)}...`;
}
