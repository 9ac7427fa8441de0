/**
 * @module node/report
 * What an apply did on a node: the `knp-report` lines its program prints, parsed, joined with the
 * plan's counts into an ApplyReport (what `-o json` returns), and said in lines for people.
 *
 *   knp-report step=check result=ok|changed
 *   knp-report step=sets result=ok|failed
 *   knp-report family=4|6 step=test|commit|rollback result=ok|failed
 *   knp-report set=NAME step=destroy result=failed
 *   knp-report result=done
 */
import type { IpFamily } from '../model/index.js';
import { familyPlans, type Count, type FamilyPlan, type NodePlan } from './plan.js';
import type { NodeState } from './node-state.js';

export type Step = 'test' | 'commit' | 'rollback';

export interface ProgramReport {
  readonly check: 'ok' | 'changed' | undefined;
  readonly sets: 'ok' | 'failed' | undefined;
  readonly steps: readonly { readonly family: IpFamily; readonly step: Step; readonly ok: boolean }[];
  readonly undestroyed: readonly string[];
  readonly done: boolean;
}

const LINE = /^knp-report (?:step=(check|sets) result=(ok|changed|failed)|family=([46]) step=(test|commit|rollback) result=(ok|failed)|set=(\S+) step=destroy result=failed|result=(done))$/;

/** The report lines of a program's stdout; any other line is no report and is ignored. */
export function parseProgramReport(stdout: string): ProgramReport {
  let check: ProgramReport['check'];
  let sets: ProgramReport['sets'];
  const steps: { family: IpFamily; step: Step; ok: boolean }[] = [];
  const undestroyed: string[] = [];
  let done = false;
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    if (m[1] === 'check' && (m[2] === 'ok' || m[2] === 'changed')) check = m[2];
    else if (m[1] === 'sets' && (m[2] === 'ok' || m[2] === 'failed')) sets = m[2];
    else if (m[3] !== undefined) steps.push({ family: m[3] === '4' ? 4 : 6, step: m[4] as Step, ok: m[5] === 'ok' });
    else if (m[6] !== undefined) undestroyed.push(m[6]);
    else if (m[7] === 'done') done = true;
  }
  return { check, sets, steps, undestroyed, done };
}

/**
 * Cases of what the node holds after an apply:
 *   applied      the new rule set
 *   unchanged    it held the rule set already: nothing ran
 *   untouched    a step failed before any commit: the previous rules, whole
 *   rolled-back  a family's commit failed after another's went through, which was put back
 *   mixed        putting that family back failed too: one family new, the other previous
 *   unknown      the program ended without saying how far it got
 */
export type NodeOutcome = 'applied' | 'unchanged' | 'untouched' | 'rolled-back' | 'mixed' | 'unknown';

export interface FamilyReport {
  readonly family: IpFamily;
  readonly action: 'changed' | 'unchanged' | 'left-alone';
  readonly enforcing: boolean;
  /** Why a family was left alone. */
  readonly note?: string;
  readonly chains: Count;
  readonly rules: Count;
  readonly hookMoved: boolean;
}

export interface SetsReport {
  readonly added: number;
  readonly removed: number;
  readonly kept: number;
  /** Stale sets of ours that could not be destroyed (a rule outside ours still uses them). */
  readonly notRemoved: readonly string[];
  readonly note?: string;
}

export interface ApplyReport {
  readonly node: string;
  readonly purpose: 'apply' | 'cleanup';
  readonly ok: boolean;
  readonly outcome: NodeOutcome;
  /** e.g. "nft (detected)"; undefined when the state could not be read. */
  readonly backend: string | undefined;
  readonly families: readonly FamilyReport[];
  readonly sets: SetsReport;
  /** Families put back to their previous rules after a later family failed. */
  readonly rolledBack: readonly IpFamily[];
  /** How many times the state was read (a node that changed between read and apply is read again). */
  readonly attempts: number;
  /** The state the plan was computed from, hashed (names.shortHash of its text). */
  readonly fingerprint: string | undefined;
  readonly warnings: readonly string[];
  readonly error?: string;
}

const NO_COUNT: Count = { added: 0, removed: 0, kept: 0 };

function familyReport(p: FamilyPlan): FamilyReport {
  if (p.kind === 'left-alone') return { family: p.family, action: 'left-alone', enforcing: p.enforcing, note: p.why, chains: NO_COUNT, rules: NO_COUNT, hookMoved: false };
  return { family: p.family, action: p.kind === 'restore' ? 'changed' : 'unchanged', enforcing: p.enforcing, chains: p.chains, rules: p.rules, hookMoved: p.hookMoved };
}

export function backendText(s: NodeState): string {
  return `${s.backend} (${s.detected ? 'detected' : 'set by KNP_IPTABLES_MODE'})`;
}

/** The lines of stderr that say something, joined for one line of text. */
export function messagesOf(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' | ');
}

function warningsOf(stderr: string): string[] {
  return stderr.split('\n').flatMap((l) => (l.startsWith('knp: warning: ') ? [l.slice('knp: warning: '.length)] : []));
}

/** The report of a plan that ran (or, with `run` undefined, had nothing to run). */
export function reportOf(
  plan: NodePlan,
  run: { readonly exitCode: number; readonly stdout: string; readonly stderr: string } | undefined,
  base: { readonly attempts: number; readonly fingerprint: string | undefined },
): ApplyReport {
  const families = familyPlans(plan).map(familyReport);
  const program = run === undefined ? undefined : parseProgramReport(run.stdout);
  const failedCommit = program?.steps.find((s) => s.step === 'commit' && !s.ok);
  const committed = program?.steps.filter((s) => s.step === 'commit' && s.ok).map((s) => s.family) ?? [];
  const putBack = program?.steps.filter((s) => s.step === 'rollback' && s.ok).map((s) => s.family) ?? [];
  const notPutBack = program?.steps.filter((s) => s.step === 'rollback' && !s.ok).map((s) => s.family) ?? [];
  const outcome: NodeOutcome =
    program === undefined
      ? 'unchanged'
      : program.done
        ? 'applied'
        : failedCommit !== undefined && committed.length > 0
          ? notPutBack.length > 0
            ? 'mixed'
            : 'rolled-back'
          : program.sets === 'failed' || program.steps.some((s) => !s.ok)
            ? 'untouched'
            : 'unknown';
  const changed = outcome === 'applied';
  const s = plan.sets;
  const sets: SetsReport = {
    added: changed ? s.created.length : 0,
    removed: changed ? s.stale.length - (program?.undestroyed.length ?? 0) : 0,
    kept: s.kept.length,
    notRemoved: program?.undestroyed ?? [],
    ...(s.leftAlone === undefined ? {} : { note: s.leftAlone }),
  };
  const stderr = run?.stderr ?? '';
  const report = {
    node: plan.rules.node,
    purpose: plan.purpose,
    outcome,
    backend: plan.state === undefined ? undefined : backendText(plan.state),
    // After a failure only a family committed and not put back holds its new rules (outcome mixed).
    families: families.map((f) => (changed || f.action !== 'changed' || (committed.includes(f.family) && !putBack.includes(f.family)) ? f : { ...f, action: 'unchanged' as const, chains: NO_COUNT, rules: NO_COUNT, hookMoved: false })),
    sets,
    rolledBack: putBack,
    attempts: base.attempts,
    fingerprint: base.fingerprint,
    warnings: [...plan.warnings, ...warningsOf(stderr)],
  };
  if (changed || outcome === 'unchanged') return { ...report, ok: true };
  const tools = messagesOf(stderr.split('\n').filter((l) => !l.startsWith('knp: warning: ')).join('\n'));
  const detail = tools === '' ? '' : `: ${tools}`;
  const ipv = (fs: readonly IpFamily[]): string => fs.map((f) => `IPv${f}`).join(' and ');
  switch (outcome) {
    case 'untouched':
      return { ...report, ok: false, error: `${program?.sets === 'failed' ? 'ipset restore failed' : `IPv${program?.steps.find((x) => !x.ok)?.family ?? '?'} failed`}, the previous rules are untouched${detail}` };
    case 'rolled-back':
      return { ...report, ok: false, error: `IPv${failedCommit?.family ?? '?'} failed: ${ipv(putBack)} was put back to its previous rule set; nothing changed${detail}` };
    case 'mixed':
      return {
        ...report,
        ok: false,
        error: `IPv${failedCommit?.family ?? '?'} failed: ${ipv(notPutBack)} could not be put back and has the new rule set whole${putBack.length > 0 ? `, ${ipv(putBack)} has its previous one` : ''}; IPv${failedCommit?.family ?? '?'} kept its previous one${detail}`,
      };
    default:
      return { ...report, ok: false, error: `the program ended (exit ${run?.exitCode ?? '?'}) without saying how far it got${detail}` };
  }
}

/** A report for a node where nothing could be planned or run. */
export function failureReport(node: string, purpose: ApplyReport['purpose'], error: string, base: { readonly attempts: number; readonly fingerprint: string | undefined; readonly backend?: string }): ApplyReport {
  return {
    node,
    purpose,
    ok: false,
    outcome: 'untouched',
    backend: base.backend,
    families: [],
    sets: { added: 0, removed: 0, kept: 0, notRemoved: [] },
    rolledBack: [],
    attempts: base.attempts,
    fingerprint: base.fingerprint,
    warnings: [],
    error,
  };
}

function familyLine(f: FamilyReport, purpose: ApplyReport['purpose']): string {
  const now = f.chains.added + f.chains.kept;
  const rules = f.rules.added + f.rules.kept;
  switch (f.action) {
    case 'left-alone':
      return `IPv${f.family}: ${f.note ?? 'left alone'}`;
    case 'unchanged':
      return purpose === 'cleanup' ? `IPv${f.family}: nothing of ours` : `IPv${f.family}: unchanged (${now} chains, ${rules} rules)`;
    case 'changed':
      if (purpose === 'cleanup') return `IPv${f.family}: removed ${f.chains.removed} chains, ${f.rules.removed} rules`;
      return `IPv${f.family}${f.enforcing ? '' : ' (nothing to enforce)'}: chains +${f.chains.added} -${f.chains.removed}, rules +${f.rules.added} -${f.rules.removed} (now ${now} chains, ${rules} rules)${f.hookMoved ? '; jump moved back to the top of FORWARD' : ''}`;
  }
}

/** The report in lines for a terminal: what changed, or (ok false) nothing but the error elsewhere. */
export function describeReport(r: ApplyReport): string[] {
  if (!r.ok) return [];
  const sets = r.sets.note ?? (r.purpose === 'cleanup' ? `sets: removed ${r.sets.removed}` : `sets: +${r.sets.added} -${r.sets.removed} (now ${r.sets.added + r.sets.kept} sets)`);
  return [...(r.backend ? [`iptables backend: ${r.backend}`] : []), ...r.families.map((f) => familyLine(f, r.purpose)), sets, 'done'];
}
