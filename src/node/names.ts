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
 * Packet mark bits, set when a side admitted the packet and cleared on entry and exit of our top
 * chains. Two bits so that an egress allowance can never stand in for the destination's ingress
 * check. kube-proxy uses 0x4000/0x8000; these sit apart from it.
 */
export const MARK_EGRESS_OK = 0x100000;
export const MARK_INGRESS_OK = 0x200000;
export const MARK_OURS = MARK_EGRESS_OK | MARK_INGRESS_OK;

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

/** The chain holding one policy's rules of one direction. */
export function policyChainName(namespace: string, name: string, direction: Direction): string {
  return `${PREFIX}POL-${letter(direction)}-${shortHash(`policy\0${namespace}\0${name}`).slice(0, CHAIN_HASH_DIGITS)}`;
}

/** Kinds of set: P pod addresses (hash:ip), N one ipBlock (hash:net), T named-port targets (hash:ip,port). */
export type SetLetter = 'P' | 'N' | 'T';

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
export const CHAIN_GLOBS: readonly string[] = [FORWARD_CHAIN, INPUT_CHAIN, `${PREFIX}PO[DL]-[EI]-${HEX.repeat(CHAIN_HASH_DIGITS)}`];
export const SET_GLOBS: readonly string[] = [`${PREFIX}[46][PNT]-${HEX.repeat(SET_HASH_DIGITS)}`];

/**
 * Comments reach iptables-restore inside double quotes: quotes, backslashes and anything outside
 * printable ASCII are replaced (defense in depth: names are validated upstream, but a comment must
 * never be able to end the quoted string), and the length is capped by xt_comment's limit.
 */
export function sanitizeComment(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]|["\\'`$]/g, '_');
  return clean.length <= MAX_COMMENT ? clean : `${clean.slice(0, MAX_COMMENT - 3)}...`;
}
