/**
 * @module test/lab/node-state
 * A lab node's netfilter and ipset state as comparable text: iptables-save and ip6tables-save of
 * both backends (nft and legacy, since the script picks one at run time and must leave the other
 * alone), and `ipset list`. Comment lines carry timestamps and counters change with traffic, so
 * both are normalised away; everything else must match byte for byte.
 */
import { runInNode, type Lab } from './lab.js';

export interface NodeState {
  readonly nft4: string;
  readonly nft6: string;
  readonly legacy4: string;
  readonly legacy6: string;
  readonly ipsets: string;
}

export function normaliseSave(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#') && l !== '')
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
}

/** Sets sorted by name and members sorted: creation order and hash order say nothing. */
export function normaliseIpsets(text: string): string {
  const blocks = text
    .split(/\n(?=Name: )/)
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map((block) => {
      // initval is a random hash seed, drawn anew for every set created.
      const lines = block
        .split('\n')
        .filter((l) => !l.startsWith('Size in memory:'))
        .map((l) => l.replace(/ initval 0x[0-9a-f]+/, ''));
      const m = lines.indexOf('Members:');
      return m < 0 ? lines.join('\n') : [...lines.slice(0, m + 1), ...lines.slice(m + 1).sort()].join('\n');
    });
  return blocks.sort().join('\n\n');
}

async function capture(lab: Lab, node: string, argv: string[]): Promise<string> {
  const r = await runInNode(lab, node, argv, '');
  if (r.code !== 0) throw new Error(`${argv.join(' ')} in ${node}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export async function nodeState(lab: Lab, node: string): Promise<NodeState> {
  const [nft4, nft6, legacy4, legacy6, ipsets] = await Promise.all([
    capture(lab, node, ['iptables-nft-save']),
    capture(lab, node, ['ip6tables-nft-save']),
    capture(lab, node, ['iptables-legacy-save']),
    capture(lab, node, ['ip6tables-legacy-save']),
    capture(lab, node, ['ipset', 'list']),
  ]);
  return {
    nft4: normaliseSave(nft4),
    nft6: normaliseSave(nft6),
    legacy4: normaliseSave(legacy4),
    legacy6: normaliseSave(legacy6),
    ipsets: normaliseIpsets(ipsets),
  };
}

/** Names of our chains and sets (prefix KNP-) found anywhere in the state, sorted. */
export function ourNames(state: NodeState, prefix = 'KNP-'): string[] {
  const names = new Set<string>();
  const re = new RegExp(`${prefix}[A-Za-z0-9_.:-]*`, 'g');
  for (const text of Object.values(state)) for (const m of text.matchAll(re)) names.add(m[0]);
  return [...names].sort();
}

/** Lines of `inner` that are missing from `outer`, or present out of order. */
export function missingLines(inner: string, outer: string): string[] {
  const have = outer.split('\n');
  let at = 0;
  const missing: string[] = [];
  for (const line of inner.split('\n').filter((l) => l !== '')) {
    const i = have.indexOf(line, at);
    if (i < 0) missing.push(line);
    else at = i + 1;
  }
  return missing;
}

/** Foreign state placed before the first apply: a chain, rules in built-in chains, a set. */
export const FOREIGN_SETUP = `
set -e
iptables -N FOREIGN-CHAIN
iptables -A FOREIGN-CHAIN -s 203.0.113.7 -j DROP
iptables -I FORWARD -s 203.0.113.8 -m comment --comment "not ours" -j FOREIGN-CHAIN
iptables -A INPUT -p tcp --dport 9 -j REJECT
iptables -t nat -N FOREIGN-NAT
iptables -t nat -A POSTROUTING -s 203.0.113.0/24 -j FOREIGN-NAT
ip6tables -N FOREIGN-CHAIN
ip6tables -A FOREIGN-CHAIN -s 2001:db8::7 -j DROP
ip6tables -A FORWARD -s 2001:db8::8 -j FOREIGN-CHAIN
ipset create foreign-set hash:ip
ipset add foreign-set 203.0.113.9
iptables -A FORWARD -m set --match-set foreign-set src -j DROP
`;
