/**
 * @module node/node-state
 * What the state script (state-script.ts) prints about a node, parsed and validated once: the
 * iptables backend, each family's tools and filter table, whether its iptables-restore waits for
 * the xtables lock, its bridge sysctl, and our ipsets with their sizes. The text itself is kept:
 * an apply program compares the node's state with it, byte for byte, before it changes anything.
 *
 *   knp-state 1
 *   backend nft|legacy|plain detected|env
 *   family 4 save=CMD restore=CMD tools=yes|no wait=yes|no table=unread|absent|present|error bridge=1|0|missing
 *   table 4 / ...iptables-save lines... / end table 4      (table=present)
 *   error 4 MESSAGE LINE                                   (table=error, one per line)
 *   family 6 ...
 *   ipset yes|no|error
 *   error ipset MESSAGE LINE                               (ipset error)
 *   set NAME ENTRIES                                       (one per set of ours)
 *   end
 */
import type { IpFamily } from '../model/index.js';
import { isOurSet } from './names.js';
import { parseFilterTable, TableSyntaxError, type FilterTable } from './filter-table.js';

export type Backend = 'nft' | 'legacy' | 'plain';

/** Cases of a family's filter table: tools missing (unread), a legacy table that does not exist, read, or failing to read. */
export type TableRead =
  | { readonly kind: 'unread' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly table: FilterTable }
  | { readonly kind: 'error'; readonly message: string };

export interface FamilyState {
  readonly family: IpFamily;
  readonly save: string;
  readonly restore: string;
  /** Both save and restore are installed. */
  readonly tools: boolean;
  /** iptables-restore accepts -w (waits for the xtables lock). */
  readonly wait: boolean;
  readonly table: TableRead;
  /** net.bridge.bridge-nf-call-iptables (ip6tables): its value, or 'missing' without br_netfilter. */
  readonly bridge: string;
}

export type IpsetState =
  | { readonly kind: 'yes'; readonly sets: ReadonlyMap<string, number> }
  | { readonly kind: 'no' }
  | { readonly kind: 'error'; readonly message: string };

export interface NodeState {
  /** The text as printed, without trailing newlines: what the apply compares. */
  readonly text: string;
  readonly backend: Backend;
  readonly detected: boolean;
  readonly v4: FamilyState;
  readonly v6: FamilyState;
  readonly ipset: IpsetState;
}

/** A state text that is not what the state script prints. */
export class NodeStateError extends Error {
  constructor(
    readonly line: number,
    readonly why: string,
  ) {
    super(`line ${line}: ${why}`);
  }
}

const FAMILY = /^family ([46]) save=(\S+) restore=(\S+) tools=(yes|no) wait=(yes|no) table=(unread|absent|present|error) bridge=([0-9]+|missing)$/;
const SET = /^set (\S+) ([0-9]+)$/;

/** A cursor over the lines, so that each section's reader takes what is its own. */
class Lines {
  private at = 0;
  constructor(private readonly lines: readonly string[]) {}
  get number(): number {
    return this.at + 1;
  }
  peek(): string | undefined {
    return this.lines[this.at];
  }
  next(what: string): string {
    const line = this.lines[this.at];
    if (line === undefined) throw new NodeStateError(this.at + 1, `the text ends where ${what} should be`);
    this.at++;
    return line;
  }
  fail(why: string, back = 1): never {
    throw new NodeStateError(this.at + 1 - back, why);
  }
}

function readMessage(l: Lines, prefix: string): string {
  const out: string[] = [];
  for (let line = l.peek(); line?.startsWith(prefix); line = l.peek()) out.push(l.next('a message').slice(prefix.length));
  return out.join('\n');
}

function readTable(l: Lines, family: IpFamily): FilterTable {
  const start = l.number;
  const body: string[] = [];
  for (let line = l.next(`table ${family}`); line !== `end table ${family}`; line = l.next(`end table ${family}`)) body.push(line);
  try {
    return parseFilterTable(body.join('\n'));
  } catch (err) {
    if (err instanceof TableSyntaxError) throw new NodeStateError(start + err.line - 1, `IPv${family} filter table: ${err.why}`);
    throw err;
  }
}

function readFamily(l: Lines, family: IpFamily): FamilyState {
  const m = FAMILY.exec(l.next(`family ${family}`));
  if (!m || m[1] !== String(family)) l.fail(`want "family ${family} save=... restore=... tools=... wait=... table=... bridge=..."`);
  const kind = m[6] as TableRead['kind'];
  let table: TableRead;
  switch (kind) {
    case 'present':
      if (l.next(`table ${family}`) !== `table ${family}`) l.fail(`want "table ${family}" after a family with table=present`);
      table = { kind, table: readTable(l, family) };
      break;
    case 'error':
      table = { kind, message: readMessage(l, `error ${family} `) };
      break;
    default:
      table = { kind };
  }
  if (m[4] === 'no' && kind !== 'unread') l.fail(`IPv${family}: a table read without the tools`, 0);
  return { family, save: m[2] as string, restore: m[3] as string, tools: m[4] === 'yes', wait: m[5] === 'yes', table, bridge: m[7] as string };
}

function readIpset(l: Lines): IpsetState {
  const line = l.next('ipset');
  const m = /^ipset (yes|no|error)$/.exec(line);
  if (!m) l.fail('want "ipset yes|no|error"');
  if (m[1] === 'no') return { kind: 'no' };
  if (m[1] === 'error') return { kind: 'error', message: readMessage(l, 'error ipset ') };
  const sets = new Map<string, number>();
  for (let s = l.peek(); s?.startsWith('set '); s = l.peek()) {
    const set = SET.exec(l.next('a set'));
    if (!set) l.fail('want "set NAME ENTRIES"');
    const name = set[1] as string;
    if (!isOurSet(name)) l.fail(`set ${name} is not one of ours`);
    if (sets.has(name)) l.fail(`set ${name} listed twice`);
    sets.set(name, Number(set[2]));
  }
  return { kind: 'yes', sets };
}

/** The state script's stdout as typed data; a NodeStateError names the first line that is wrong. */
export function parseNodeState(output: string): NodeState {
  const text = output.replace(/\n+$/, '');
  const l: Lines = new Lines(text.split('\n'));
  if (l.next('the first line') !== 'knp-state 1') l.fail('want "knp-state 1" (the output of the state script)');
  const b = /^backend (nft|legacy|plain) (detected|env)$/.exec(l.next('backend'));
  if (!b) l.fail('want "backend nft|legacy|plain detected|env"');
  const v4 = readFamily(l, 4);
  const v6 = readFamily(l, 6);
  const ipset = readIpset(l);
  if (l.next('end') !== 'end') l.fail('want "end"');
  if (l.peek() !== undefined) l.fail('text after "end"', 0);
  return { text, backend: b[1] as Backend, detected: b[2] === 'detected', v4, v6, ipset };
}

export function familyState(s: NodeState, f: IpFamily): FamilyState {
  return f === 4 ? s.v4 : s.v6;
}
