import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reconciler, type ApplyOutcome, type Desired, type ReconcileEvent } from '../../src/control/reconciler.js';

/** Nodes to digests; the payload is the digest, so an apply shows what it was given. */
function wish(entries: Record<string, string>): Map<string, Desired<string>> {
  return new Map(Object.entries(entries).map(([node, digest]) => [node, { digest, payload: () => digest }]));
}

interface Harness {
  readonly r: Reconciler<string>;
  readonly applied: { node: string; payload: string }[];
  readonly events: ReconcileEvent[];
  /** Resolves when `n` events have been seen. */
  events_(n: number): Promise<void>;
  maxConcurrent(): number;
}

function harness(opts: { parallel?: number; outcome?: (node: string, payload: string, call: number) => ApplyOutcome; hold?: (node: string) => Promise<void> } = {}): Harness {
  const applied: { node: string; payload: string }[] = [];
  const events: ReconcileEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let running = 0;
  let max = 0;
  const perNode = new Map<string, number>();
  const r = new Reconciler<string>({
    parallel: opts.parallel ?? 4,
    retryMs: 5,
    maxRetryMs: 20,
    apply: async (node, payload) => {
      assert.equal(perNode.get(node) ?? 0, 0, `node ${node} applied twice at once`);
      perNode.set(node, 1);
      running++;
      max = Math.max(max, running);
      applied.push({ node, payload });
      await (opts.hold?.(node) ?? new Promise((res) => setImmediate(res)));
      running--;
      perNode.set(node, 0);
      return opts.outcome?.(node, payload, applied.filter((a) => a.node === node).length) ?? { ok: true, text: `${node} at ${payload}` };
    },
    onApplied: (e) => {
      events.push(e);
      for (const w of waiters.filter((x) => events.length >= x.n)) w.resolve();
    },
  });
  const events_ = (n: number): Promise<void> =>
    events.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
  return { r, applied, events, events_, maxConcurrent: () => max };
}

test('reconciler: every node once at first, then only the node whose digest changed', async () => {
  const h = harness();
  h.r.update(wish({ a: '1', b: '1', c: '1' }));
  await h.events_(3);
  h.r.update(wish({ a: '1', b: '1', c: '1' }));
  h.r.update(wish({ a: '1', b: '2', c: '1' }));
  await h.events_(4);
  await h.r.stop();
  assert.deepEqual(h.applied.map((a) => `${a.node}@${a.payload}`).sort(), ['a@1', 'b@1', 'b@2', 'c@1']);
  assert.deepEqual(h.r.pending(), []);
});

test('reconciler: a wish that moves while its node applies is applied next, with the newest payload only', async () => {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  const h = harness({ hold: (node) => (node === 'a' && h.applied.length === 1 ? held : new Promise((r) => setImmediate(r))) });
  h.r.update(wish({ a: '1' }));
  h.r.update(wish({ a: '2' }));
  h.r.update(wish({ a: '3' }));
  assert.deepEqual(h.r.pending(), ['a']);
  release();
  await h.events_(2);
  await h.r.stop();
  assert.deepEqual(h.applied.map((a) => a.payload), ['1', '3']);
});

test('reconciler: a failing node is retried with growing backoff and holds up no other node', async () => {
  const h = harness({ outcome: (node, payload, call) => (node === 'bad' && call < 3 ? { ok: false, text: `refused ${call}` } : { ok: true, text: payload }) });
  h.r.update(wish({ bad: '1', good: '1' }));
  await h.events_(4);
  await h.r.stop();
  const bad = h.events.filter((e) => e.node === 'bad');
  assert.deepEqual(bad.map((e) => [e.attempt, e.outcome.ok, e.retryInMs]), [[1, false, 5], [2, false, 10], [3, true, undefined]]);
  assert.equal(h.events.find((e) => e.node === 'good')?.outcome.ok, true);
});

test('reconciler: at most `parallel` nodes at once', async () => {
  const h = harness({ parallel: 2, hold: () => new Promise((r) => setTimeout(r, 5)) });
  h.r.update(wish({ a: '1', b: '1', c: '1', d: '1', e: '1' }));
  await h.events_(5);
  await h.r.stop();
  assert.equal(h.maxConcurrent(), 2);
});

test('reconciler: stop waits for running applies and starts nothing new, not even retries', async () => {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  const h = harness({ parallel: 1, hold: (node) => (node === 'a' ? held : Promise.resolve()), outcome: (node) => ({ ok: node !== 'a', text: '' }) });
  h.r.update(wish({ a: '1', b: '1' }));
  const stopped = h.r.stop();
  let done = false;
  void stopped.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false, 'stop waits for the running apply');
  release();
  await stopped;
  assert.deepEqual(h.applied.map((a) => a.node), ['a']);
  assert.equal(h.events[0]?.retryInMs, undefined, 'no retry is promised after stop');
});

test('reconciler: a node no longer wished is dropped; an apply failure that throws is reported as a failure', async () => {
  const h = harness({ outcome: (node) => { if (node === 'x') throw new Error('boom'); return { ok: true, text: '' }; } });
  h.r.update(wish({ x: '1', y: '1' }));
  await h.events_(2);
  h.r.update(wish({ y: '1' }));
  await new Promise((r) => setTimeout(r, 40));
  await h.r.stop();
  assert.deepEqual(h.events.find((e) => e.node === 'x')?.outcome, { ok: false, text: 'boom' });
  assert.equal(h.applied.filter((a) => a.node === 'x').length, 1, 'x is not retried once no longer wished');
});
