/**
 * @module node/restore
 * RuleSet data as the text iptables-restore and ipset restore read. Only our chains are declared:
 * with `--noflush`, a `:CHAIN - [0:0]` line flushes just that chain, so the host's own chains and
 * rules are never named here. The jumps from the host's chains are written by the script, which
 * knows whether they are there already.
 */
import type { IpFamily } from '../model/index.js';
import { assertNever, bitsOf } from '../engine/index.js';
import { HOOK_COMMENT } from './names.js';
import type { Chain, ChainRule, FamilyRules, IpSet, Match, RuleSet, Target } from './rule-data.js';
import { entryText, setHeader } from './sets.js';

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/**
 * A match in two halves: the address and protocol flags iptables-save prints first, and the module
 * part it prints in the order given. Rendering in that order makes our text equal to what
 * iptables-save prints back, which the tests check.
 */
export function renderMatch(m: Match, family: IpFamily): { readonly head: string; readonly module: string } {
  switch (m.kind) {
    case 'established':
      return { head: '', module: '-m conntrack --ctstate RELATED,ESTABLISHED' };
    case 'bridged':
      return { head: '', module: '-m physdev --physdev-is-bridged' };
    case 'not-bridged':
      return { head: '', module: '-m physdev ! --physdev-is-bridged' };
    case 'source':
      return { head: `-s ${m.address.text}/${bitsOf(family)}`, module: '' };
    case 'destination':
      return { head: `-d ${m.address.text}/${bitsOf(family)}`, module: '' };
    case 'protocol':
      return { head: `-p ${m.protocol.toLowerCase()}`, module: '' };
    case 'icmp6-type':
      return { head: '-p ipv6-icmp', module: `-m icmp6 --icmpv6-type ${m.type}` };
    case 'dest-port': {
      const p = m.protocol.toLowerCase();
      return { head: `-p ${p}`, module: `-m ${p} --dport ${m.first === m.last ? m.first : `${m.first}:${m.last}`}` };
    }
    case 'in-set':
      return { head: '', module: `-m set --match-set ${m.set} ${m.flags}` };
    case 'mark':
      return { head: '', module: `-m mark --mark ${hex(m.bits)}/${hex(m.bits)}` };
    default:
      return assertNever(m);
  }
}

export function renderTarget(t: Target, family: IpFamily): string {
  switch (t.kind) {
    case 'jump':
      return `-j ${t.chain}`;
    case 'goto':
      return `-g ${t.chain}`;
    case 'return':
      return '-j RETURN';
    case 'reject':
      return `-j REJECT --reject-with ${family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable'}`;
    // --set-xmark is the form iptables-save prints back, so that our text and the saved text agree.
    case 'set-mark':
      return `-j MARK --set-xmark ${hex(t.bits)}/${hex(t.bits)}`;
    case 'clear-mark':
      return `-j MARK --set-xmark 0x0/${hex(t.bits)}`;
    default:
      return assertNever(t);
  }
}

export function renderRule(chain: string, r: ChainRule, family: IpFamily): string {
  const parts = r.matches.map((m) => renderMatch(m, family));
  // iptables-save prints -s, then -d, then -p; a rule has at most one of each.
  const order = (h: string): number => ['-s', '-d', '-p'].indexOf(h.slice(0, 2));
  const heads = [...new Set(parts.map((p) => p.head).filter((h) => h !== ''))].sort((a, b) => order(a) - order(b));
  const modules = parts.map((p) => p.module).filter((m) => m !== '');
  return [`-A ${chain}`, ...heads, ...modules, `-m comment --comment "${r.comment}"`, renderTarget(r.target, family)].join(' ');
}

/** The rule spec of a jump from a host chain into `chain` (without -A/-I/-D and the chain it sits in). */
export function hookSpec(chain: string): string {
  return `-m comment --comment "${HOOK_COMMENT}" -j ${chain}`;
}

/** `:CHAIN - [0:0]` for each of our chains. */
export function renderChainDeclarations(f: FamilyRules): string[] {
  return f.chains.map((c) => `:${c.name} - [0:0]`);
}

/**
 * Each chain's and set's lines, remembered by object: the policy chains and their sets are shared
 * by every node of a snapshot (policy-chains.ts), and apply-node --all prints them once per node.
 * A chain belongs to one family's rule set, so the object decides the text.
 */
const chainLines = new WeakMap<Chain, readonly string[]>();
const setLines = new WeakMap<IpSet, readonly string[]>();
const chainBlocks = new WeakMap<Chain, string>();
const setBlocks = new WeakMap<IpSet, string>();

function block<T extends object>(cache: WeakMap<T, string>, key: T, lines: () => readonly string[]): string {
  let text = cache.get(key);
  if (text === undefined) cache.set(key, (text = lines().join('\n')));
  return text;
}

/**
 * The same lines as renderChainRules, one string per chain (lines joined by newlines) for
 * chains with rules: a script joins a few big remembered blocks instead of every line anew.
 */
export function renderChainBlocks(f: FamilyRules): string[] {
  return f.chains.filter((c) => c.rules.length > 0).map((c) => block(chainBlocks, c, () => renderChainRules({ ...f, chains: [c] })));
}

/** renderSetLines of each set, one string per set. */
export function renderSetBlocks(sets: readonly IpSet[]): string[] {
  return sets.map((s) => block(setBlocks, s, () => renderSetLines(s)));
}

/** The -A lines of our chains, in order. */
export function renderChainRules(f: FamilyRules): string[] {
  return f.chains.flatMap((c) => {
    let lines = chainLines.get(c);
    if (lines === undefined) chainLines.set(c, (lines = c.rules.map((r) => renderRule(c.name, r, f.family))));
    return lines;
  });
}

/** ipset restore lines of one set: create it, then add its entries. */
export function renderSetLines(s: IpSet): readonly string[] {
  let lines = setLines.get(s);
  if (lines === undefined) setLines.set(s, (lines = [setHeader(s), ...s.entries.map((e) => `add ${s.name} ${entryText(e)}`)]));
  return lines;
}

/** A complete iptables-restore --noflush input for the filter table, hooks appended unconditionally. */
export function renderIptablesRestore(f: FamilyRules): string {
  return [
    '*filter',
    ...renderChainDeclarations(f),
    ...f.hooks.map((h) => `-I ${h.from} 1 ${hookSpec(h.chain)}`),
    ...renderChainRules(f),
    'COMMIT',
    '',
  ].join('\n');
}

/** ipset restore input (run with -exist): create each set, then add its entries. */
export function renderIpsetRestore(sets: readonly IpSet[]): string {
  return sets.flatMap(renderSetLines).map((l) => `${l}\n`).join('');
}

/**
 * The whole rule set as text (both families' restore input, every set, the marks are in the
 * rules): equal texts mean equal rules on the node, whatever the node holds now.
 */
export function ruleSetText(rs: RuleSet): string {
  return [renderIptablesRestore(rs.v4), renderIptablesRestore(rs.v6), renderIpsetRestore([...rs.v4.sets, ...rs.v6.sets])].join('');
}
