/**
 * @module node/filter-table
 * One family's filter table as iptables-save prints it (less comments and the built-in chains'
 * counters, see sh-lib's knp_read_table), parsed, and our part of it found: the chains of our
 * names' exact shapes, their rules, and every rule of another chain whose target is one of them
 * (our FORWARD hook, an earlier version's INPUT hook, a stray jump), with its position, so that
 * a rollback can put each back exactly where it was. Nothing else is ours.
 */
import { isOurChain } from './names.js';

export interface ChainDeclaration {
  readonly name: string;
  /** ACCEPT, DROP... for a built-in chain, `-` for a user chain. */
  readonly policy: string;
}

export interface SavedRule {
  readonly chain: string;
  /** The line as saved: `-A CHAIN spec`. */
  readonly line: string;
  /** The rule after `-A CHAIN `: what -D and -I take. */
  readonly spec: string;
  /** 1-based, among the rules of its chain. */
  readonly position: number;
}

export interface FilterTable {
  readonly chains: readonly ChainDeclaration[];
  readonly rules: readonly SavedRule[];
}

/** Where a table text is not what iptables-save prints; `line` counts from 1 in the table's text. */
export class TableSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly why: string,
  ) {
    super(`line ${line}: ${why}`);
  }
}

const DECLARATION = /^:(\S+) (\S+)(?: \[\d+:\d+\])?$/;
const RULE = /^-A (\S+) (.+)$/;

/**
 * The saved text, validated: `*filter`, declarations, rules of declared chains, `COMMIT`. A
 * comment inside is iptables-nft-save saying it cannot show the table ("# Table `filter' is
 * incompatible, use 'nft' tool."): anything computed from the rest would be wrong.
 */
export function parseFilterTable(text: string): FilterTable {
  const lines = text.split('\n');
  const chains: ChainDeclaration[] = [];
  const declared = new Set<string>();
  const rules: SavedRule[] = [];
  const counts = new Map<string, number>();
  let stage = 'start' as 'start' | 'body' | 'done';
  for (const [i, line] of lines.entries()) {
    const at = i + 1;
    if (line === '') continue;
    if (stage === 'done') throw new TableSyntaxError(at, `text after COMMIT: ${line}`);
    if (line.startsWith('#')) throw new TableSyntaxError(at, `iptables-save cannot show this table as iptables rules: ${line}`);
    if (stage === 'start') {
      if (line !== '*filter') throw new TableSyntaxError(at, `want *filter, not ${line}`);
      stage = 'body';
      continue;
    }
    if (line === 'COMMIT') {
      stage = 'done';
      continue;
    }
    const decl = DECLARATION.exec(line);
    if (decl) {
      const name = decl[1] as string;
      if (rules.length > 0) throw new TableSyntaxError(at, `chain ${name} declared after the rules`);
      if (declared.has(name)) throw new TableSyntaxError(at, `chain ${name} declared twice`);
      declared.add(name);
      chains.push({ name, policy: decl[2] as string });
      continue;
    }
    const rule = RULE.exec(line);
    if (rule) {
      const chain = rule[1] as string;
      if (!declared.has(chain)) throw new TableSyntaxError(at, `rule of undeclared chain ${chain}`);
      const position = (counts.get(chain) ?? 0) + 1;
      counts.set(chain, position);
      rules.push({ chain, line, spec: rule[2] as string, position });
      continue;
    }
    throw new TableSyntaxError(at, `not an iptables-save line: ${line}`);
  }
  if (stage === 'body') throw new TableSyntaxError(lines.length, 'no COMMIT at the end');
  return { chains, rules };
}

/**
 * The chain a rule jumps or goes to, when that is its last word. iptables-save prints the target
 * last and quotes a comment, so a name inside a comment is never the last word after -j or -g.
 */
export function jumpTarget(r: SavedRule): string | undefined {
  const words = r.spec.split(' ');
  const flag = words[words.length - 2];
  return flag === '-j' || flag === '-g' ? words[words.length - 1] : undefined;
}

export interface OurPart {
  /** Our chains, in the order declared. */
  readonly chains: readonly string[];
  /** The rules of our chains, in order. */
  readonly rules: readonly SavedRule[];
  /** Rules of other chains whose target is one of ours, in order. */
  readonly refs: readonly SavedRule[];
  /** The first rule of FORWARD, whoever's. */
  readonly firstForward: SavedRule | undefined;
}

export const NOTHING_OF_OURS: OurPart = { chains: [], rules: [], refs: [], firstForward: undefined };

export function ourPart(t: FilterTable): OurPart {
  const chains = t.chains.map((c) => c.name).filter(isOurChain);
  const ours = new Set(chains);
  const rules = t.rules.filter((r) => ours.has(r.chain));
  const refs = t.rules.filter((r) => {
    if (ours.has(r.chain)) return false;
    const target = jumpTarget(r);
    return target !== undefined && ours.has(target);
  });
  return { chains, rules, refs, firstForward: t.rules.find((r) => r.chain === 'FORWARD') };
}
