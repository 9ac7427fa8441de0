/**
 * @module scripts/bench/live
 * The live rows of `npm run bench` (issue 7: "the test API server serving the 10k-pod cluster in
 * pages, and the plugin reading it within 1.5x of reading the same objects from a file"): the test
 * API server, in a child process of its own (scripts/bench/live-server), holds the objects of the
 * cluster file, and each live command runs as a whole process with `--kubeconfig K`, round-robin
 * with the same command on `-f FILE`, so drift hits both alike.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { liveArgv, type BenchCommand } from './commands.js';
import type { LiveReply, LiveRequest, LiveStats } from './live-protocol.js';
import { median, type Runner } from './measure.js';
import type { Result } from './report.js';

const SERVER = fileURLToPath(new URL('./live-server.js', import.meta.url));

export interface LiveServer {
  readonly kubeconfig: string;
  readonly objects: number;
  /** From the server process's start to its listening with every object loaded. */
  readonly loadMs: number;
  /** What the server saw since the last call. */
  stats(): Promise<LiveStats>;
  close(): Promise<void>;
}

function nextReply(child: ChildProcess): Promise<LiveReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: LiveReply): void => {
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      child.off('message', onMessage);
      reject(new Error(`the live server exited (${code === null ? `killed by ${signal}` : `exit ${code}`})`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startLiveServer(file: string, dir: string): Promise<LiveServer> {
  // stdout and stderr inherited: the server prints nothing unless it breaks, and then it should show.
  const child = fork(SERVER, [file, dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = async (m: LiveRequest): Promise<LiveReply> => {
    const reply = nextReply(child);
    child.send(m);
    return reply;
  };
  const ready = await nextReply(child);
  if (ready.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`the live server did not start: ${ready.type === 'failed' ? ready.reason : ready.type}`);
  }
  return {
    kubeconfig: ready.kubeconfig,
    objects: ready.objects,
    loadMs: ready.loadMs,
    async stats() {
      const r = await ask({ type: 'stats' });
      if (r.type !== 'stats') throw new Error(`the live server answered ${r.type} to stats`);
      return r.stats;
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' } satisfies LiveRequest);
      }),
  };
}

export interface LiveRow {
  readonly file: Result;
  readonly live: Result;
  /** What the server saw for one live run (the last); every run reads the same lists. */
  readonly stats: LiveStats | undefined;
}

export interface LiveResult {
  readonly server: { readonly objects: number; readonly loadMs: number };
  readonly rows: readonly LiveRow[];
}

type Samples = { ms: number[]; kib: number[] };

export async function measureLive(runner: Runner, file: string, server: LiveServer, commands: readonly BenchCommand[], runs: number, timeoutMs: number, label: string): Promise<LiveResult> {
  const state = commands.map(() => ({
    file: { ms: [], kib: [] } as Samples,
    live: { ms: [], kib: [] } as Samples,
    failed: { file: undefined as Result | undefined, live: undefined as Result | undefined },
    stats: undefined as LiveStats | undefined,
  }));
  // An uncounted run on each path warms the page cache and the server (its first TLS handshake, JIT).
  for (const c of commands) {
    await runner.run(c.argv(file), c.okCodes, timeoutMs);
    await runner.run(liveArgv(c, server.kubeconfig), c.okCodes, timeoutMs);
  }
  await server.stats();
  for (let round = 1; round <= runs; round++) {
    process.stderr.write(`bench ${label} live: round ${round}/${runs}\n`);
    for (const [k, c] of commands.entries()) {
      const s = state[k];
      if (s === undefined) continue;
      for (const path of ['file', 'live'] as const) {
        if (s.failed[path] !== undefined) continue;
        const r = await runner.run(path === 'file' ? c.argv(file) : liveArgv(c, server.kubeconfig), c.okCodes, timeoutMs);
        if (path === 'live') s.stats = await server.stats();
        if (!r.ok) s.failed[path] = { kind: 'failed', reason: r.reason, afterMs: r.ms, ...(r.kib === undefined ? {} : { kib: r.kib }) };
        else {
          s[path].ms.push(r.ms);
          s[path].kib.push(r.kib);
        }
      }
    }
  }
  const summary = (x: Samples, failed: Result | undefined): Result => failed ?? { kind: 'measured', ms: median(x.ms), kib: median(x.kib), runs: x.ms.length };
  return {
    server: { objects: server.objects, loadMs: server.loadMs },
    rows: state.map((s) => ({ file: summary(s.file, s.failed.file), live: summary(s.live, s.failed.live), stats: s.stats })),
  };
}
