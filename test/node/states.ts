/**
 * @module test/node/states
 * Node states as the state script prints them, written by hand: a fresh node, and one that holds
 * an earlier rule set of ours among other programs' rules (a hook pushed below a CNI's ACCEPT, a
 * duplicated hook, a stray jump, an earlier version's INPUT hook, a stale chain) and look-alikes of
 * our names (a KNP-ADMIN chain, a comment naming KNP-FORWARD, a KNP-blocklist set is not listed:
 * the state script lists our sets only).
 */
import { hookSpec } from '../../src/node/index.js';

export interface StateParts {
  readonly backend?: string;
  readonly v4?: string;
  readonly v6?: string;
  /** "set NAME ENTRIES" lines. */
  readonly sets?: readonly string[];
  readonly bridge?: string;
}

export function familyLine(f: 4 | 6, table: 'present' | 'absent' | 'unread' | 'error', bridge = '1'): string {
  const t = f === 4 ? 'iptables' : 'ip6tables';
  return `family ${f} save=${t}-nft-save restore=${t}-nft-restore tools=${table === 'unread' ? 'no' : 'yes'} wait=${table === 'unread' ? 'no' : 'yes'} table=${table} bridge=${bridge}`;
}

/** A state text with both tables present. */
export function stateText(p: StateParts = {}): string {
  const table = (f: 4 | 6, text: string | undefined): string[] => [familyLine(f, 'present', p.bridge), `table ${f}`, ...(text ?? EMPTY_TABLE).split('\n'), `end table ${f}`];
  return ['knp-state 1', `backend ${p.backend ?? 'nft detected'}`, ...table(4, p.v4), ...table(6, p.v6), 'ipset yes', ...(p.sets ?? []), 'end', ''].join('\n');
}

export const EMPTY_TABLE = ['*filter', ':INPUT ACCEPT', ':FORWARD ACCEPT', ':OUTPUT ACCEPT', 'COMMIT'].join('\n');

const HOOK = `-A FORWARD ${hookSpec('KNP-FORWARD')}`;

/**
 * IPv4 after an earlier apply of another rule set (chains KNP-FORWARD, one pod chain, one stale
 * policy chain), then other programs: a CNI's ACCEPT above our hook, a copy of our hook further
 * down, a stray jump from OUTPUT, the INPUT hook and chain of an earlier version; and foreign
 * look-alikes. Counters on the user chains too, as iptables-save -c would print them.
 */
export const BUSY_V4 = [
  '*filter',
  ':INPUT ACCEPT',
  ':FORWARD DROP',
  ':OUTPUT ACCEPT',
  ':FOREIGN - [0:0]',
  ':KNP-ADMIN - [3:120]',
  ':KNP-FORWARD - [0:0]',
  ':KNP-INPUT - [0:0]',
  ':KNP-POD-E-0123456789ab - [0:0]',
  ':KNP-POL-E-000000000000 - [0:0]',
  '-A INPUT -m comment --comment "kubectl-netpol: NetworkPolicy enforcement" -j KNP-INPUT',
  '-A INPUT -p tcp -m tcp --dport 23 -m comment --comment "-j KNP-INPUT" -j DROP',
  '-A FORWARD -s 10.244.0.0/16 -j ACCEPT',
  HOOK,
  '-A FORWARD -m comment --comment "see -j KNP-FORWARD"',
  '-A FORWARD -p tcp -m tcp --dport 22 -j FOREIGN',
  HOOK,
  '-A OUTPUT -j KNP-ADMIN',
  '-A OUTPUT -j KNP-FORWARD',
  '-A FOREIGN -j ACCEPT',
  '-A KNP-ADMIN -j RETURN',
  '-A KNP-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "replies" -j RETURN',
  '-A KNP-FORWARD -s 10.244.1.9/32 -m comment --comment "old pod" -j KNP-POD-E-0123456789ab',
  '-A KNP-INPUT -j RETURN',
  '-A KNP-POD-E-0123456789ab -m comment --comment "old" -j KNP-POL-E-000000000000',
  '-A KNP-POL-E-000000000000 -m comment --comment "old policy" -j RETURN',
  'COMMIT',
].join('\n');
