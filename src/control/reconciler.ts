/**
 * @module control/reconciler
 * Keeps nodes at their desired rule sets. Each update says, per node, the digest of the rules it
 * should have; a node is applied when that differs from what was last applied there, never twice
 * at once, and again after its apply finishes if the wish moved meanwhile. A failed apply is
 * retried with backoff and never holds up the other nodes. The applying itself, the clock and the
 * log are the caller's, so that this is the same loop for a workstation, a Deployment or an agent.
 */

export interface Desired<T> {
  /** Equal digests mean equal rules on the node: nothing to do. */
  readonly digest: string;
  /** What `apply` needs, made only when the node is applied. */
  readonly payload: () => T;
}

export type ApplyOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly text: string };

export interface ReconcileEvent {
  readonly node: string;
  readonly outcome: ApplyOutcome;
  /** 1 for the first try of this wish, 2 for the first retry... */
  readonly attempt: number;
  /** Set when a failed apply will be tried again. */
  readonly retryInMs?: number;
}

export interface ReconcilerOptions<T> {
  readonly apply: (node: string, payload: T) => Promise<ApplyOutcome>;
  readonly onApplied: (event: ReconcileEvent) => void;
  /** At most this many nodes are applied at once. */
  readonly parallel: number;
  readonly retryMs: number;
  readonly maxRetryMs: number;
}

interface NodeState<T> {
  wanted?: Desired<T>;
  /** The digest in place on the node, as far as we know. */
  applied?: string;
  running: boolean;
  failures: number;
  retry?: ReturnType<typeof setTimeout>;
}

export class Reconciler<T> {
  private readonly nodes = new Map<string, NodeState<T>>();
  private readonly queue: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: ReconcilerOptions<T>) {}

  /** The nodes and their wishes now; a node left out is no longer looked after. */
  update(desired: ReadonlyMap<string, Desired<T>>): void {
    for (const [node, s] of this.nodes) {
      if (!desired.has(node)) {
        clearTimeout(s.retry);
        if (s.running) s.wanted = undefined;
        else this.nodes.delete(node);
      }
    }
    for (const [node, wanted] of desired) {
      const s = this.nodes.get(node) ?? { running: false, failures: 0 };
      this.nodes.set(node, s);
      if (s.wanted?.digest !== wanted.digest) {
        // A new wish is tried at once, not after the old one's backoff.
        s.failures = 0;
        clearTimeout(s.retry);
        s.retry = undefined;
      }
      s.wanted = wanted;
      this.consider(node, s);
    }
    this.pump();
  }

  /** Nodes whose wished rules are not yet in place (pending, running or waiting to retry). */
  pending(): string[] {
    return [...this.nodes].filter(([, s]) => s.wanted !== undefined && s.wanted.digest !== s.applied).map(([n]) => n).sort();
  }

  /** Starts nothing new; resolves when the applies running now have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.nodes.values()) clearTimeout(s.retry);
    this.queue.length = 0;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private consider(node: string, s: NodeState<T>): void {
    if (this.stopped || s.running || s.retry !== undefined || s.wanted === undefined) return;
    if (s.wanted.digest === s.applied || this.queue.includes(node)) return;
    this.queue.push(node);
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.o.parallel && this.queue.length > 0) {
      const node = this.queue.shift() as string;
      const s = this.nodes.get(node);
      if (s?.wanted === undefined || s.running) continue;
      const run = this.run(node, s, s.wanted).finally(() => {
        this.inFlight.delete(run);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private async run(node: string, s: NodeState<T>, wanted: Desired<T>): Promise<void> {
    s.running = true;
    let outcome: ApplyOutcome;
    try {
      outcome = await this.o.apply(node, wanted.payload());
    } catch (err) {
      outcome = { ok: false, text: err instanceof Error ? err.message : String(err) };
    }
    s.running = false;
    const attempt = s.failures + 1;
    if (outcome.ok) {
      s.applied = wanted.digest;
      s.failures = 0;
      this.o.onApplied({ node, outcome, attempt });
    } else {
      // What is on the node now is unknown: the next wish must be applied even if it matches.
      s.applied = undefined;
      s.failures++;
      const retryInMs = Math.min(this.o.maxRetryMs, this.o.retryMs * 2 ** (s.failures - 1));
      const retrying = !this.stopped && s.wanted !== undefined;
      this.o.onApplied({ node, outcome, attempt, ...(retrying ? { retryInMs } : {}) });
      if (retrying) {
        s.retry = setTimeout(() => {
          s.retry = undefined;
          this.consider(node, s);
          this.pump();
        }, retryInMs);
        return;
      }
    }
    if (s.wanted === undefined) this.nodes.delete(node);
    else this.consider(node, s);
  }
}
