/**
 * @module node/sets
 * The ipsets of one family of a node's rule set. Peers become sets instead of per-address rules, so
 * the rule count grows with policy rules and not with sources x destinations x ports:
 *   hash:ip       the pods of a rule's selector peers (one set for their union: peers are OR'ed)
 *   hash:net      one ipBlock: its cidr, with the excepts inside it as `nomatch` entries
 *   hash:ip,port  named-port targets: (pod address, protocol:number) for every pod the name resolves on
 *   hash:ip       the addresses of the nodes a tier `nodes` peer selects
 * Identical sets are shared: a set's name is the hash of its content.
 *
 * ipBlocks get a set each, never a shared one: hash:net decides by the most specific entry that
 * contains the address, so one block's nomatch except would wrongly hide a wider second block.
 */
import type { Cidr, IpAddress, IpFamily, Protocol } from '../model/index.js';
import { assertNever, bitsOf, cidrCovers } from '../engine/index.js';
import { setName, type SetLetter } from './names.js';
import type { IpSet, SetEntry, SetType } from './rule-data.js';

/** ipset's default limit; bigger sets declare a bigger one. */
const DEFAULT_MAXELEM = 65536;

function familyKeyword(family: IpFamily): 'inet' | 'inet6' {
  return family === 4 ? 'inet' : 'inet6';
}

export function entryText(e: SetEntry): string {
  switch (e.kind) {
    case 'ip':
      return e.ip.text;
    case 'net':
      return e.nomatch ? `${e.cidr.text} nomatch` : e.cidr.text;
    case 'ip-port':
      return `${e.ip.text},${e.protocol.toLowerCase()}:${e.port}`;
    default:
      return assertNever(e);
  }
}

export function setHeader(s: Pick<IpSet, 'name' | 'type' | 'family' | 'maxelem'>): string {
  return `create ${s.name} ${s.type} family ${familyKeyword(s.family)} hashsize 1024 maxelem ${s.maxelem}`;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: SetEntry, b: SetEntry): number {
  if (a.kind === 'net' && b.kind === 'net') {
    return compareBig(a.cidr.base, b.cidr.base) || a.cidr.prefix - b.cidr.prefix || Number(a.nomatch) - Number(b.nomatch);
  }
  if (a.kind === 'ip-port' && b.kind === 'ip-port') {
    return compareBig(a.ip.value, b.ip.value) || a.protocol.localeCompare(b.protocol) || a.port - b.port;
  }
  if (a.kind === 'ip' && b.kind === 'ip') return compareBig(a.ip.value, b.ip.value);
  return a.kind.localeCompare(b.kind);
}

/** hash:net cannot hold a /0: such a cidr is stored as its two halves. */
function halves(cidr: Cidr): readonly Cidr[] {
  if (cidr.prefix > 0) return [cidr];
  const top = 1n << BigInt(bitsOf(cidr.family) - 1);
  const text = cidr.family === 4 ? ['0.0.0.0/1', '128.0.0.0/1'] : ['::/1', '8000::/1'];
  return [
    { family: cidr.family, base: 0n, prefix: 1, text: text[0] ?? '' },
    { family: cidr.family, base: top, prefix: 1, text: text[1] ?? '' },
  ];
}

/**
 * The entries that make hash:net answer exactly "inside cidr and outside every except". Two
 * networks either nest or are disjoint, so per stored part of the cidr: an except covering it
 * removes it (with whatever lies inside), an except strictly inside becomes nomatch (nested
 * nomatch entries agree with each other), a disjoint except is irrelevant.
 */
export function ipBlockEntries(cidr: Cidr, except: readonly Cidr[]): SetEntry[] {
  const out: SetEntry[] = [];
  for (const part of halves(cidr)) {
    if (except.some((e) => cidrCovers(e, part))) continue;
    out.push({ kind: 'net', cidr: part, nomatch: false });
    for (const e of except) {
      if (cidrCovers(part, e) && e.prefix > part.prefix) out.push({ kind: 'net', cidr: e, nomatch: true });
    }
  }
  return out;
}

/** Collects one family's sets, sharing identical ones. */
export class SetRegistry {
  private readonly byName = new Map<string, IpSet>();

  constructor(readonly family: IpFamily) {}

  /** A hash:ip set of these addresses (of this family); undefined when there are none. */
  addresses(ips: readonly IpAddress[]): string | undefined {
    const entries = ips.filter((ip) => ip.family === this.family).map((ip): SetEntry => ({ kind: 'ip', ip }));
    return this.add('hash:ip', 'P', entries);
  }

  /** A hash:ip set of node addresses (a tier `nodes` peer's); undefined when there are none. */
  nodeAddresses(ips: readonly IpAddress[]): string | undefined {
    const entries = ips.filter((ip) => ip.family === this.family).map((ip): SetEntry => ({ kind: 'ip', ip }));
    return this.add('hash:ip', 'H', entries);
  }

  /** A hash:net set for one ipBlock; undefined when it holds nothing of this family. */
  ipBlock(cidr: Cidr, except: readonly Cidr[]): string | undefined {
    if (cidr.family !== this.family) return undefined;
    return this.add('hash:net', 'N', ipBlockEntries(cidr, except));
  }

  /** A hash:ip,port set; undefined when empty. */
  namedPorts(targets: readonly { ip: IpAddress; protocol: Protocol; port: number }[]): string | undefined {
    const entries = targets
      .filter((t) => t.ip.family === this.family)
      .map((t): SetEntry => ({ kind: 'ip-port', ip: t.ip, protocol: t.protocol, port: t.port }));
    return this.add('hash:ip,port', 'T', entries);
  }

  /** A set this registry holds, by name. */
  get(name: string): IpSet | undefined {
    return this.byName.get(name);
  }

  /** A set another registry of this family made (a shared policy chain's, see policy-chains.ts). */
  include(set: IpSet): void {
    if (!this.byName.has(set.name)) this.byName.set(set.name, set);
  }

  sets(): IpSet[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private add(type: SetType, letter: SetLetter, raw: SetEntry[]): string | undefined {
    // A set with only nomatch entries matches nothing, like an empty one.
    if (!raw.some((e) => e.kind !== 'net' || !e.nomatch)) return undefined;
    const entries = dedupe(raw.sort(compareEntries));
    let maxelem = DEFAULT_MAXELEM;
    while (maxelem < entries.length) maxelem *= 2;
    const content = [`${type} ${familyKeyword(this.family)} ${maxelem}`, ...entries.map(entryText)].join('\n');
    const name = setName(this.family, letter, content);
    if (!this.byName.has(name)) this.byName.set(name, { name, type, family: this.family, maxelem, entries });
    return name;
  }
}

function dedupe(sorted: SetEntry[]): SetEntry[] {
  const out: SetEntry[] = [];
  let last: string | undefined;
  for (const e of sorted) {
    // ipset holds one element per address (or network); ipBlockEntries never makes a network both
    // a match and a nomatch, so dropping repeats loses nothing.
    const key = e.kind === 'net' ? e.cidr.text : entryText(e);
    if (key === last) continue;
    last = key;
    out.push(e);
  }
  return out;
}
