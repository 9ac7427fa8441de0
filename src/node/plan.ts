/**
 * @module node/plan
 * What an apply does to one node, computed from the desired RuleSet and the node's state: for
 * each family, the exact iptables-restore input that installs the rule set (our chains declared,
 * which flushes just them, and refilled; our stale chains and every jump into our chains from
 * elsewhere removed; our FORWARD hook inserted first) and the input that puts the previous state
 * of our part back over it, rule for rule and position for position; the ipsets to fill, create
 * and destroy; and what each family and set count changes. Rules that are not ours are never
 * named. A cleanup is the apply of a rule set with nothing in it.
 *
 * Without a state (a dry run with nothing read from the node) the plan is made for a node that
 * holds nothing of ours, and the program checks exactly that before changing anything.
 */
import type { IpFamily } from '../model/index.js';
import { DEFAULT_MARKS } from './names.js';
import { hookSpec, renderChainBlocks, renderChainRules } from './restore.js';
import type { FamilyRules, IpSet, RuleSet } from './rule-data.js';
import { NOTHING_OF_OURS, ourPart, type OurPart } from './filter-table.js';
import { familyState, type FamilyState, type NodeState } from './node-state.js';

export interface Count {
  readonly added: number;
  readonly removed: number;
  readonly kept: number;
}

/**
 * Cases of what a plan does with one family:
 *   restore     iptables-restore runs: `restore` installs, `rollback` puts the previous part back
 *   unchanged   our part is already exactly the rule set: nothing runs
 *   left-alone  nothing to enforce and nothing of ours there (or no way to tell): nothing runs
 */
export type FamilyPlan =
  | {
      readonly kind: 'restore' | 'unchanged';
      readonly family: IpFamily;
      readonly enforcing: boolean;
      /** iptables-restore --noflush input: all or nothing. */
      readonly restore: readonly string[];
      readonly rollback: readonly string[];
      readonly chains: Count;
      readonly rules: Count;
      /** Our hook was there, but below another rule: it goes back to the top. */
      readonly hookMoved: boolean;
    }
  | { readonly kind: 'left-alone'; readonly family: IpFamily; readonly enforcing: boolean; readonly why: string };

export interface SetPlan {
  /** Sets whose create and add lines go to ipset restore -exist: the new ones, and ours whose size is off. */
  readonly fill: readonly IpSet[];
  readonly created: readonly string[];
  readonly stale: readonly string[];
  readonly kept: readonly string[];
  /** Why stale sets are left alone, if they are. */
  readonly leftAlone?: string;
}

export interface NodePlan {
  readonly purpose: 'apply' | 'cleanup';
  readonly rules: RuleSet;
  /** The state the plan was computed from; undefined: a node with nothing of ours. */
  readonly state: NodeState | undefined;
  readonly v4: FamilyPlan;
  readonly v6: FamilyPlan;
  readonly sets: SetPlan;
  readonly warnings: readonly string[];
}

export type PlanResult = { readonly ok: true; readonly plan: NodePlan } | { readonly ok: false; readonly error: string };

/** The rule set of a cleanup: nothing enforced, in either family. */
export function emptyRuleSet(node: string): RuleSet {
  const none = (family: IpFamily): FamilyRules => ({ family, hooks: [], chains: [], sets: [], enforcing: false });
  return { node, marks: DEFAULT_MARKS, v4: none(4), v6: none(6) };
}

export function familyPlans(p: NodePlan): readonly FamilyPlan[] {
  return [p.v4, p.v6];
}

/** Whether running the plan would change nothing. */
export function isNoop(p: NodePlan): boolean {
  return p.v4.kind !== 'restore' && p.v6.kind !== 'restore' && p.sets.fill.length === 0 && p.sets.stale.length === 0;
}

function countLines(before: readonly string[], after: readonly string[]): Count {
  const left = new Map<string, number>();
  for (const l of before) left.set(l, (left.get(l) ?? 0) + 1);
  let kept = 0;
  for (const l of after) {
    const n = left.get(l) ?? 0;
    if (n > 0) {
      kept++;
      left.set(l, n - 1);
    }
  }
  return { added: after.length - kept, removed: before.length - kept, kept };
}

function countNames(before: readonly string[], after: readonly string[]): Count {
  const had = new Set(before);
  const kept = after.filter((n) => had.has(n)).length;
  return { added: after.length - kept, removed: before.length - kept, kept };
}

function hookLines(f: FamilyRules): string[] {
  return f.hooks.map((h) => `-A ${h.from} ${hookSpec(h.chain)}`);
}

/** Whether our part is exactly what installing `f` leaves: the same chains, each with the same rules in order, one hook, first. */
function isInstalled(f: FamilyRules, prior: OurPart): boolean {
  const want = new Set(f.chains.map((c) => c.name));
  if (prior.chains.length !== want.size || prior.chains.some((c) => !want.has(c))) return false;
  const hooks = hookLines(f);
  if (prior.refs.length !== hooks.length || prior.refs.some((r, i) => r.line !== hooks[i])) return false;
  if (hooks.length > 0 && prior.firstForward?.line !== hooks[0]) return false;
  const saved = new Map<string, string[]>();
  for (const r of prior.rules) saved.set(r.chain, [...(saved.get(r.chain) ?? []), r.line]);
  const rendered = renderChainRules(f);
  let at = 0;
  for (const c of f.chains) {
    const lines = saved.get(c.name) ?? [];
    if (lines.length !== c.rules.length || lines.some((l, i) => l !== rendered[at + i])) return false;
    at += c.rules.length;
  }
  return true;
}

/**
 * The input installing `f` over `prior`. A jump into our chains from elsewhere goes by its exact
 * text (-D removes the first match, so one -D a copy), and our hook comes back at the top of
 * FORWARD on every run, wherever it was: a host rule above it that ACCEPTs (a CNI's "-s POD-CIDR
 * -j ACCEPT", kube-proxy's KUBE-FORWARD) would let denied traffic through. Both in this one
 * transaction: there is no moment without the jump. Stale chains of ours are declared too, so
 * that they are flushed and can be deleted once nothing refers to them.
 */
function restoreInput(f: FamilyRules, prior: OurPart): string[] {
  const want = new Set(f.chains.map((c) => c.name));
  const stale = prior.chains.filter((c) => !want.has(c));
  return [
    '*filter',
    ...[...want, ...stale].map((c) => `:${c} - [0:0]`),
    ...prior.refs.map((r) => `-D ${r.chain} ${r.spec}`),
    ...[...f.hooks].reverse().map((h) => `-I ${h.from} 1 ${hookSpec(h.chain)}`),
    ...renderChainBlocks(f),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
  ];
}

/**
 * The input that, run right after restoreInput's, gives back `prior` exactly: our previous chains
 * with their rules as iptables-save printed them, each jump into them at its old position in its
 * chain (inserted in ascending order, each lands where it was), and no chain this run added. The
 * sets those rules use still exist: stale sets are destroyed only after every family's commit.
 */
function rollbackInput(f: FamilyRules, prior: OurPart): string[] {
  const had = new Set(prior.chains);
  const added = f.chains.map((c) => c.name).filter((c) => !had.has(c));
  return [
    '*filter',
    ...[...prior.chains, ...added].map((c) => `:${c} - [0:0]`),
    ...f.hooks.map((h) => `-D ${h.from} ${hookSpec(h.chain)}`),
    ...prior.rules.map((r) => r.line),
    ...prior.refs.map((r) => `-I ${r.chain} ${r.position} ${r.spec}`),
    ...added.map((c) => `-X ${c}`),
    'COMMIT',
  ];
}

function familyChange(f: FamilyRules, prior: OurPart): FamilyPlan {
  const installed = isInstalled(f, prior);
  const hooks = hookLines(f);
  return {
    kind: installed ? 'unchanged' : 'restore',
    family: f.family,
    enforcing: f.enforcing,
    restore: installed ? [] : restoreInput(f, prior),
    rollback: installed ? [] : rollbackInput(f, prior),
    chains: countNames(prior.chains, f.chains.map((c) => c.name)),
    rules: countLines([...prior.rules, ...prior.refs].map((r) => r.line), [...renderChainRules(f), ...hooks]),
    hookMoved: hooks.length > 0 && prior.refs.some((r) => r.line === hooks[0]) && prior.firstForward?.line !== hooks[0],
  };
}

/** One family against what the node says of it: a plan, or why the rule set cannot go there. */
function planFamily(f: FamilyRules, s: FamilyState, purpose: NodePlan['purpose']): FamilyPlan | { readonly error: string } {
  const alone = (why: string): FamilyPlan => ({ kind: 'left-alone', family: f.family, enforcing: f.enforcing, why });
  const idle = purpose === 'cleanup' ? '' : 'nothing to enforce';
  if (!s.tools) {
    if (f.enforcing) return { error: `${s.restore} or ${s.save} not found, and this node has IPv${f.family} pods to enforce` };
    return alone(`${s.restore} not found${purpose === 'cleanup' ? '' : ` and no IPv${f.family} pod to enforce`}: skipped`);
  }
  switch (s.table.kind) {
    case 'unread':
    case 'absent':
      if (f.enforcing) return familyChange(f, NOTHING_OF_OURS);
      return alone(purpose === 'cleanup' ? 'no filter table: nothing of ours' : `${idle}, and no filter table: left alone`);
    case 'error':
      if (f.enforcing) return { error: s.table.message };
      // Most likely a kernel without this family, where nothing of ours can be either.
      return alone(`${idle ? `${idle}, but ` : ''}${s.table.message}; anything of ours an earlier apply left there stays`);
    case 'present': {
      const prior = ourPart(s.table.table);
      if (!f.enforcing && prior.chains.length === 0 && prior.refs.length === 0) {
        return alone(purpose === 'cleanup' ? 'nothing of ours' : `${idle} and nothing of ours: left alone`);
      }
      return familyChange(f, prior);
    }
  }
}

function bridgeWarning(f: FamilyState): string | undefined {
  if (f.bridge === '1') return undefined;
  const key = f.family === 4 ? 'bridge-nf-call-iptables' : 'bridge-nf-call-ip6tables';
  const value = f.bridge === 'missing' ? 'missing (br_netfilter not loaded)' : f.bridge;
  return `IPv${f.family}: net.bridge.${key} is ${value}: traffic between pods on the same node (bridged) is not filtered until br_netfilter is loaded and net.bridge.${key} is 1; routed and cross-node traffic is`;
}

function planSets(rs: RuleSet, state: NodeState | undefined): SetPlan | { readonly error: string } {
  const want = [...rs.v4.sets, ...rs.v6.sets];
  if (state === undefined) return { fill: want, created: want.map((s) => s.name), stale: [], kept: [] };
  const ipset = state.ipset;
  switch (ipset.kind) {
    case 'no':
      if (want.length > 0) return { error: 'ipset not found' };
      return { fill: [], created: [], stale: [], kept: [], leftAlone: 'ipset not found and no set needed: stale sets are left alone' };
    case 'error':
      if (want.length > 0) return { error: ipset.message };
      return { fill: [], created: [], stale: [], kept: [], leftAlone: `${ipset.message}: stale sets are left alone` };
    case 'yes': {
      const wanted = new Set(want.map((s) => s.name));
      // Named by content, so a set of that name holds those entries, unless an earlier run was cut
      // short while filling it: then it is filled again (ipset restore -exist adds what is missing).
      const fill = want.filter((s) => ipset.sets.get(s.name) !== s.entries.length);
      return {
        fill,
        created: want.filter((s) => !ipset.sets.has(s.name)).map((s) => s.name),
        stale: [...ipset.sets.keys()].filter((n) => !wanted.has(n)),
        kept: want.filter((s) => ipset.sets.has(s.name)).map((s) => s.name),
      };
    }
  }
}

/**
 * The plan installing `rs` on a node in `state`; without a state, on a node that holds nothing of
 * ours (and the program refuses to run on any other).
 */
export function planApply(rs: RuleSet, state: NodeState | undefined, purpose: NodePlan['purpose'] = 'apply'): PlanResult {
  const families: (FamilyPlan | { readonly error: string })[] = [rs.v4, rs.v6].map((f) => {
    if (state !== undefined) return planFamily(f, familyState(state, f.family), purpose);
    if (f.enforcing) return familyChange(f, NOTHING_OF_OURS);
    return { kind: 'left-alone', family: f.family, enforcing: false, why: purpose === 'cleanup' ? 'nothing of ours' : 'nothing to enforce' };
  });
  const [v4, v6] = families;
  const sets = planSets(rs, state);
  for (const x of [v4, v6, sets]) if (x !== undefined && 'error' in x) return { ok: false, error: x.error };
  if (v4 === undefined || 'error' in v4 || v6 === undefined || 'error' in v6 || 'error' in sets) throw new Error('unreachable');
  const warnings: string[] = [];
  if (state !== undefined) {
    for (const p of [v4, v6]) {
      const s = familyState(state, p.family);
      if (p.kind === 'restore' && !s.wait) warnings.push(`${s.restore} does not accept -w: if another program holds the xtables lock, this run fails`);
    }
    for (const p of [v4, v6]) {
      const w = p.enforcing && p.kind !== 'left-alone' ? bridgeWarning(familyState(state, p.family)) : undefined;
      if (w !== undefined) warnings.push(w);
    }
  }
  return { ok: true, plan: { purpose, rules: rs, state, v4, v6, sets, warnings } };
}

/** The plan removing every chain, rule and set of ours that `state` shows. */
export function planCleanup(node: string, state: NodeState | undefined): PlanResult {
  return planApply(emptyRuleSet(node), state, 'cleanup');
}
