/**
 * @module node/status
 * Whether a node holds the rule set it should, read from what the status script prints (the
 * node's state, then the packet counters of our rules): in sync, stale (and which pods and
 * policies differ), foreign rules ahead of our hook, or nothing installed; and, per chain of
 * ours, how many packets entered it, were rejected there, and were admitted by each policy.
 *
 * Which pod or policy a chain stands for is read from the rules' comments, on the node and in the
 * desired rule set alike (ruleset.ts writes "NS/POD DIRECTION: ..." in a pod's chain and its pass chain, "NS/POLICY
 * DIRECTION[i] ..." in a policy's, "...: policy NS/POLICY" on the jump into it): a chain left by
 * a pod that no longer exists can only be named that way, since chain names are hashes.
 */
import type { IpFamily } from '../model/index.js';
import type { Direction } from '../engine/index.js';
import { FORWARD_CHAIN, isOurChain } from './names.js';
import { NodeStateError, familyState, parseNodeState, type NodeState, type TableRead } from './node-state.js';
import { jumpTarget, NOTHING_OF_OURS, ourPart, type OurPart, type SavedRule } from './filter-table.js';
import { hookSpec, renderChainRules } from './restore.js';
import { isNoop, planApply } from './plan.js';
import { ruleCount, type FamilyRules, type RuleSet } from './rule-data.js';

export interface RuleCounter {
  /** `-A CHAIN spec`, as iptables-save prints it without counters. */
  readonly line: string;
  readonly packets: number;
  readonly bytes: number;
}

/** Cases of a family's counters: read, the read failing, or not read (no table, or a state file without them). */
export type FamilyCounters = { readonly kind: 'read'; readonly rules: readonly RuleCounter[] } | { readonly kind: 'failed' } | { readonly kind: 'unread' };

export interface StatusRead {
  readonly state: NodeState;
  readonly v4: FamilyCounters;
  readonly v6: FamilyCounters;
}

const COUNTERS = /^counters ([46]) (ok|failed)$/;
const COUNTER = /^\[(\d+):(\d+)\] (-A \S+ .+)$/;

/**
 * The status script's stdout (or the state script's: then no counters). A NodeStateError names
 * the first line that is wrong, counting from the first line of the whole text.
 */
export function parseStatusRead(output: string): StatusRead {
  const lines = output.replace(/\n+$/, '').split('\n');
  const start = lines.findIndex((l) => COUNTERS.test(l));
  const state = parseNodeState(lines.slice(0, start < 0 ? lines.length : start).join('\n'));
  const read: { 4: FamilyCounters; 6: FamilyCounters } = { 4: { kind: 'unread' }, 6: { kind: 'unread' } };
  for (let i = start < 0 ? lines.length : start; i < lines.length; ) {
    const head = COUNTERS.exec(lines[i] as string);
    if (!head) throw new NodeStateError(i + 1, 'want "counters 4|6 ok|failed"');
    const family = Number(head[1]) as IpFamily;
    if (read[family].kind !== 'unread') throw new NodeStateError(i + 1, `counters of IPv${family} twice`);
    const rules: RuleCounter[] = [];
    for (i++; lines[i] !== `end counters ${family}`; i++) {
      const line = lines[i];
      if (line === undefined) throw new NodeStateError(i + 1, `the text ends where "end counters ${family}" should be`);
      const m = COUNTER.exec(line);
      if (!m || head[2] === 'failed') throw new NodeStateError(i + 1, 'want "[PACKETS:BYTES] -A CHAIN ..."');
      rules.push({ line: m[3] as string, packets: Number(m[1]), bytes: Number(m[2]) });
    }
    i++;
    read[family] = head[2] === 'ok' ? { kind: 'read', rules } : { kind: 'failed' };
  }
  return { state, v4: read[4], v6: read[6] };
}

/** Whom a chain of ours stands for. `top` is our top chain (and an earlier version's INPUT chain). */
export type ChainOwner =
  | { readonly kind: 'pod' | 'policy'; readonly name: string; readonly direction: Direction }
  | { readonly kind: 'top' }
  | { readonly kind: 'unknown' };

/** Cases of a chain's difference: wanted and absent, there and not wanted, or there with other rules. */
export type ChainChange = 'missing' | 'left-over' | 'differs';

export interface ChainDifference {
  readonly family: IpFamily;
  readonly chain: string;
  readonly owner: ChainOwner;
  readonly change: ChainChange;
}

/**
 * Cases of our FORWARD hook in one family: the first rule of FORWARD, below other rules, absent,
 * or neither wanted nor there.
 */
export type HookState = 'first' | 'below' | 'missing' | 'none';

export interface FamilyStatus {
  readonly family: IpFamily;
  /** Whether the desired rule set isolates a pod of this family here. */
  readonly enforcing: boolean;
  readonly table: TableRead['kind'];
  readonly desired: { readonly chains: number; readonly rules: number };
  readonly installed: { readonly chains: number; readonly rules: number };
  readonly hook: HookState;
  /** The rules of FORWARD above our hook, which packets meet first: none of them ours. */
  readonly ahead: readonly string[];
  readonly note?: string;
}

export interface SetsStatus {
  readonly wanted: number;
  readonly missing: readonly string[];
  /** Present with another number of entries than the rule set's (a fill cut short). */
  readonly incomplete: readonly string[];
  readonly leftOver: readonly string[];
  readonly note?: string;
}

export interface ChainCounters {
  readonly family: IpFamily;
  readonly chain: string;
  readonly owner: ChainOwner;
  /** Packets that jumped into the chain. */
  readonly packets: number;
  readonly bytes: number;
  /** Packets the chain rejected (a pod chain's last rule: no policy admits). */
  readonly rejected: number;
  /** A pod chain's: the packets each policy admitted (the first that admits, in order). */
  readonly admittedBy: readonly { readonly policy: string; readonly packets: number }[];
  /** A policy chain's: the packets each rule matched, by its comment (egress[0] to[1] ports[0]...). */
  readonly rules: readonly { readonly rule: string; readonly packets: number }[];
}

/**
 * Cases of a node's status:
 *   in-sync        it holds exactly the rule set (an apply would change nothing)
 *   stale          ours is there but differs: pods or policies changed since the last apply
 *   foreign-ahead  rules that are not ours come before our hook in FORWARD, and see packets first
 *   not-installed  the rule set isolates pods here and nothing of ours is installed
 *   unknown        a table could not be read
 */
export type SyncState = 'in-sync' | 'stale' | 'foreign-ahead' | 'not-installed' | 'unknown';

export interface NodeStatus {
  readonly node: string;
  readonly state: SyncState;
  readonly families: readonly FamilyStatus[];
  readonly changes: readonly ChainDifference[];
  readonly sets: SetsStatus;
  /** Per installed chain of ours; undefined when the counters were not read. */
  readonly counters: readonly ChainCounters[] | undefined;
}

const COMMENT = /-m comment --comment (?:"([^"]*)"|(\S+))/;

function commentOf(line: string): string | undefined {
  const m = COMMENT.exec(line);
  return m === null ? undefined : (m[1] ?? m[2]);
}

/** A pod's decision chain, or the pass chain its admin tier Pass lines go to: both stand for the pod. */
const POD_CHAIN = /^KNP-(?:POD|PASS)-[EI]-/;
const POLICY_CHAIN = /^KNP-POL-[EI]-/;
const INGRESS_CHAIN = /^KNP-(?:POD|PASS|POL)-I-/;
const WHO = /^(\S+\/\S+) (ingress|egress)\b/;
const POLICY_JUMP = /: policy (\S+\/\S+)$/;

/** Our rules of one family by chain (interception rules of the top chain under the pod chain they jump to). */
interface Units {
  /** Lines per unit: a pod or policy chain, with the top chain's jumps into it; or the top chain's other lines. */
  readonly lines: ReadonlyMap<string, readonly string[]>;
  /** Every line of ours, for naming owners. */
  readonly all: readonly string[];
}

function unitOf(chain: string, line: string): string {
  if (POD_CHAIN.test(chain) || POLICY_CHAIN.test(chain)) return chain;
  const target = jumpTarget({ chain, line, spec: line.slice(`-A ${chain} `.length), position: 0 });
  return target !== undefined && (POD_CHAIN.test(target) || POLICY_CHAIN.test(target)) ? target : chain;
}

function unitsOf(rules: readonly { readonly chain: string; readonly line: string }[], chains: readonly string[]): Units {
  const lines = new Map<string, string[]>(chains.map((c) => [c, []]));
  for (const r of rules) {
    const unit = unitOf(r.chain, r.line);
    const list = lines.get(unit);
    if (list) list.push(r.line);
    else lines.set(unit, [r.line]);
  }
  return { lines, all: rules.map((r) => r.line) };
}

function desiredUnits(f: FamilyRules): Units {
  const rendered = renderChainRules(f);
  const rules: { chain: string; line: string }[] = [];
  let at = 0;
  for (const c of f.chains) {
    for (let i = 0; i < c.rules.length; i++) rules.push({ chain: c.name, line: rendered[at + i] as string });
    at += c.rules.length;
  }
  return unitsOf(rules, f.chains.map((c) => c.name));
}

/** Whom `chain` stands for, from the comments of its own rules, or of the jump into it. */
function ownerOf(chain: string, units: readonly Units[]): ChainOwner {
  if (!POD_CHAIN.test(chain) && !POLICY_CHAIN.test(chain)) return isOurChain(chain) ? { kind: 'top' } : { kind: 'unknown' };
  const kind = POD_CHAIN.test(chain) ? 'pod' : 'policy';
  const direction: Direction = INGRESS_CHAIN.test(chain) ? 'ingress' : 'egress';
  for (const u of units) {
    for (const line of u.lines.get(chain) ?? []) {
      if (!line.startsWith(`-A ${chain} `)) continue;
      const who = WHO.exec(commentOf(line) ?? '');
      if (who) return { kind, name: who[1] as string, direction };
    }
    if (kind === 'policy') {
      // An empty policy chain (one that admits nothing) is named only by the jumps into it.
      for (const line of u.all) {
        if (!line.endsWith(` -j ${chain}`)) continue;
        const m = POLICY_JUMP.exec(commentOf(line) ?? '');
        if (m) return { kind, name: m[1] as string, direction };
      }
    }
  }
  return { kind: 'unknown' };
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

function hookOf(f: FamilyRules, prior: OurPart, table: TableRead): { hook: HookState; ahead: string[] } {
  const rules = table.kind === 'present' ? table.table.rules : [];
  const line = `-A FORWARD ${hookSpec(FORWARD_CHAIN)}`;
  const at = rules.find((r) => r.chain === 'FORWARD' && r.line === line);
  if (at === undefined) return { hook: f.hooks.length > 0 || prior.chains.length > 0 ? 'missing' : 'none', ahead: [] };
  const ahead = rules.filter((r) => r.chain === 'FORWARD' && r.position < at.position && !prior.refs.includes(r));
  return { hook: prior.firstForward === at ? 'first' : 'below', ahead: ahead.map((r) => r.line) };
}

function counted(c: FamilyCounters | undefined, part: OurPart, family: IpFamily, units: readonly Units[]): ChainCounters[] | undefined {
  if (c === undefined || c.kind !== 'read') return undefined;
  // A line may occur more than once (a duplicated jump): each occurrence takes the next counter.
  const queue = new Map<string, RuleCounter[]>();
  for (const r of c.rules) queue.set(r.line, [...(queue.get(r.line) ?? []), r]);
  const counterOf = new Map<SavedRule, RuleCounter>();
  for (const r of [...part.refs, ...part.rules]) {
    const next = queue.get(r.line)?.shift();
    if (next) counterOf.set(r, next);
  }
  const packets = (r: SavedRule): number => counterOf.get(r)?.packets ?? 0;
  const all = [...part.refs, ...part.rules];
  return part.chains.map((chain) => {
    const into = all.filter((r) => r.chain !== chain && jumpTarget(r) === chain);
    const own = part.rules.filter((r) => r.chain === chain);
    const admittedBy = own.flatMap((r) => {
      const m = /: admitted by (\S+\/\S+)$/.exec(commentOf(r.line) ?? '');
      return m ? [{ policy: m[1] as string, packets: packets(r) }] : [];
    });
    const rules = POLICY_CHAIN.test(chain) ? own.map((r) => ({ rule: commentOf(r.line) ?? r.spec, packets: packets(r) })) : [];
    return {
      family,
      chain,
      owner: ownerOf(chain, units),
      packets: into.reduce((n, r) => n + packets(r), 0),
      bytes: into.reduce((n, r) => n + (counterOf.get(r)?.bytes ?? 0), 0),
      rejected: own.filter((r) => / -j REJECT\b/.test(r.spec)).reduce((n, r) => n + packets(r), 0),
      admittedBy,
      rules,
    };
  });
}

interface FamilyLook {
  readonly status: FamilyStatus;
  readonly changes: ChainDifference[];
  readonly counters: ChainCounters[] | undefined;
  readonly ours: boolean;
}

function lookAt(f: FamilyRules, read: StatusRead): FamilyLook {
  const s = familyState(read.state, f.family);
  const counters = f.family === 4 ? read.v4 : read.v6;
  const part = s.table.kind === 'present' ? ourPart(s.table.table) : NOTHING_OF_OURS;
  const want = desiredUnits(f);
  const have = unitsOf(part.rules, part.chains);
  const units = [want, have];
  const changes: ChainDifference[] = [];
  const names = [...new Set([...want.lines.keys(), ...have.lines.keys()])];
  for (const chain of names) {
    const w = want.lines.get(chain);
    const h = have.lines.get(chain);
    const change: ChainChange | undefined = h === undefined ? 'missing' : w === undefined ? 'left-over' : sameLines(w, h) ? undefined : 'differs';
    if (change !== undefined) changes.push({ family: f.family, chain, owner: ownerOf(chain, units), change });
  }
  const { hook, ahead } = hookOf(f, part, s.table);
  const note = !s.tools ? `${s.restore} or ${s.save} not found` : s.table.kind === 'error' ? s.table.message : s.table.kind === 'absent' ? 'no filter table' : undefined;
  return {
    status: {
      family: f.family,
      enforcing: f.enforcing,
      table: s.table.kind,
      desired: { chains: f.chains.length, rules: ruleCount(f) },
      installed: { chains: part.chains.length, rules: part.rules.length + part.refs.length },
      hook,
      ahead,
      ...(note === undefined ? {} : { note }),
    },
    changes,
    counters: counted(counters, part, f.family, units),
    ours: part.chains.length > 0 || part.refs.length > 0,
  };
}

function setsOf(rs: RuleSet, state: NodeState): SetsStatus {
  const want = [...rs.v4.sets, ...rs.v6.sets];
  const ipset = state.ipset;
  if (ipset.kind !== 'yes') {
    return { wanted: want.length, missing: want.map((s) => s.name), incomplete: [], leftOver: [], note: ipset.kind === 'no' ? 'ipset not found' : ipset.message };
  }
  const wanted = new Set(want.map((s) => s.name));
  return {
    wanted: want.length,
    missing: want.filter((s) => !ipset.sets.has(s.name)).map((s) => s.name),
    incomplete: want.filter((s) => ipset.sets.has(s.name) && ipset.sets.get(s.name) !== s.entries.length).map((s) => s.name),
    leftOver: [...ipset.sets.keys()].filter((n) => !wanted.has(n)),
  };
}

/** How the node `read` describes stands against the rule set it should hold. */
export function nodeStatus(rs: RuleSet, read: StatusRead): NodeStatus {
  const looks = [lookAt(rs.v4, read), lookAt(rs.v6, read)];
  const sets = setsOf(rs, read.state);
  const families = looks.map((l) => l.status);
  const changes = looks.flatMap((l) => l.changes);
  const counters = looks.every((l) => l.counters === undefined) ? undefined : looks.flatMap((l) => l.counters ?? []);
  const planned = planApply(rs, read.state);
  const inSync = planned.ok && isNoop(planned.plan);
  const enforcing = families.some((f) => f.enforcing);
  const ours = looks.some((l) => l.ours) || (read.state.ipset.kind === 'yes' && read.state.ipset.sets.size > 0);
  const state: SyncState = families.some((f) => f.enforcing && f.table === 'error')
    ? 'unknown'
    : inSync
      ? 'in-sync'
      : enforcing && !ours
        ? 'not-installed'
        : families.some((f) => f.enforcing && f.hook === 'below')
          ? 'foreign-ahead'
          : 'stale';
  return { node: rs.node, state, families, changes, sets, counters };
}
