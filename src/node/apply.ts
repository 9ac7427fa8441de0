/**
 * @module node/apply
 * Applying a rule set to a node, kube-router style: read the node's state with one read-only run
 * of the state script, compute the exact program in TypeScript (plan.ts, program.ts), run it
 * once. The program applies only if the node is still in the state it was computed from; when it
 * is not (another program changed a table or our sets in between), the state is read again and
 * the program computed anew, a few times at most. How a script reaches the node is the caller's:
 * a helper pod's exec, a local `sh -s` on the node, a test's network namespace.
 */
import { shortHash } from './names.js';
import { NodeStateError, parseNodeState } from './node-state.js';
import { isNoop, planApply, planCleanup, type PlanResult } from './plan.js';
import { renderProgram, renderStateScript } from './program.js';
import { backendText, failureReport, messagesOf, parseProgramReport, reportOf, type ApplyReport } from './report.js';
import type { RuleSet } from './rule-data.js';
import { STALE_EXIT } from './sh-lib.js';
import type { NodeState } from './node-state.js';

/** Runs a script with `sh -s` on the node and says how it ended. */
export type NodeRunner = (script: string) => Promise<{ readonly exitCode: number; readonly stdout: string; readonly stderr: string }>;

export interface ApplyOptions {
  /** Stops before the next run starts; a run under way is let finish (cut, it could leave a node half configured). */
  readonly signal?: AbortSignal;
  /** Reads of the state at most, when the node keeps changing between read and apply (default 3). */
  readonly attempts?: number;
}

export const DEFAULT_ATTEMPTS = 3;

async function runPlan(run: NodeRunner, node: string, purpose: ApplyReport['purpose'], plan: (state: NodeState) => PlanResult, o: ApplyOptions): Promise<ApplyReport> {
  const attempts = o.attempts ?? DEFAULT_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    const read = await run(renderStateScript());
    const base = { attempts: attempt, fingerprint: undefined };
    if (read.exitCode !== 0) return failureReport(node, purpose, `reading the node's state failed (exit ${read.exitCode}): ${messagesOf(read.stderr) || 'no message'}`, base);
    let state: NodeState;
    try {
      state = parseNodeState(read.stdout);
    } catch (err) {
      if (!(err instanceof NodeStateError)) throw err;
      return failureReport(node, purpose, `the node's state could not be read: ${err.message}`, base);
    }
    const known = { attempts: attempt, fingerprint: shortHash(state.text), backend: backendText(state) };
    const planned = plan(state);
    if (!planned.ok) return failureReport(node, purpose, planned.error, known);
    if (isNoop(planned.plan)) return reportOf(planned.plan, undefined, known);
    o.signal?.throwIfAborted();
    const applied = await run(renderProgram(planned.plan));
    if (applied.exitCode === STALE_EXIT && parseProgramReport(applied.stdout).check === 'changed') {
      if (attempt < attempts) continue;
      return failureReport(node, purpose, `the node's rules or sets changed between reading and applying, ${attempt} times in a row; nothing was changed`, known);
    }
    return reportOf(planned.plan, applied, known);
  }
}

/** Installs `rs` on the node `run` reaches. Resolves with what happened, success or not; rejects only when `run` does, or on abort. */
export function applyRuleSet(run: NodeRunner, rs: RuleSet, o: ApplyOptions = {}): Promise<ApplyReport> {
  return runPlan(run, rs.node, 'apply', (state) => planApply(rs, state), o);
}

/** Removes every chain, rule and set of ours from the node `run` reaches. */
export function cleanupNode(run: NodeRunner, o: ApplyOptions & { readonly node: string }): Promise<ApplyReport> {
  return runPlan(run, o.node, 'cleanup', (state) => planCleanup(o.node, state), o);
}
