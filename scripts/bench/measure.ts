/**
 * @module scripts/bench/measure
 * One timed run of one whole process: its wall time, as the parent sees it from spawn to exit, and
 * its peak memory, the child's own maximum resident set size. Output goes to /dev/null; stderr is
 * kept, for the line that says why a run failed.
 *
 * Peak memory comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`) when it is there:
 * it reads the child's rusage from wait4, which counts the child alone, not this bench. Without it,
 * every measured command is a `node` process, so a preload (`node --import`) writes the child's
 * `process.resourceUsage().maxRSS` to a file as it exits; it runs inside the measured process and
 * costs it a module load. Node offers no getrusage(RUSAGE_CHILDREN), and this process's own
 * rusage would count the bench and its generated clusters.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';

export type Run =
  | { readonly ok: true; readonly ms: number; readonly kib: number }
  | { readonly ok: false; readonly ms: number; readonly reason: string; readonly kib?: number };

export interface Runner {
  /** How peak memory is read, for the bench's header. */
  readonly method: string;
  /** Runs `node ...argv` once; a run is ok when it exits with one of okCodes and reports its peak. */
  run(argv: readonly string[], okCodes: readonly number[], timeoutMs: number): Promise<Run>;
}

/** The first line of stderr that says something; the plugin's errors are one line. */
function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** A Runner whose scratch files (GNU time's report or the preload's) live in dir; timePath is GNU time's. */
export function createRunner(dir: string, timePath = GNU_TIME): Runner {
  const peakFile = join(dir, 'peak-kib');
  const gnuTime = existsSync(timePath);
  let command: (argv: readonly string[]) => [string, string[]];
  if (gnuTime) {
    // -o keeps GNU time's report out of the child's stderr; -q drops its "exited with status" line.
    command = (argv) => [timePath, ['-q', '-f', '%M', '-o', peakFile, process.execPath, ...argv]];
  } else {
    const preload = join(dir, 'peak-rss.mjs');
    writeFileSync(preload, `import fs from 'node:fs';\nprocess.on('exit', () => fs.writeFileSync(${JSON.stringify(peakFile)}, String(process.resourceUsage().maxRSS)));\n`);
    command = (argv) => [process.execPath, ['--import', pathToFileURL(preload).href, ...argv]];
  }
  const devNull = openSync('/dev/null', 'w');
  process.once('exit', () => closeSync(devNull));
  return {
    method: gnuTime ? `${timePath} -f %M (the child's rusage)` : "the child's process.resourceUsage().maxRSS, through node --import",
    run: (argv, okCodes, timeoutMs) =>
      new Promise((resolve) => {
        rmSync(peakFile, { force: true });
        const [file, args] = command(argv);
        const t0 = performance.now();
        // Its own process group: killing GNU time alone would leave its node child running.
        const child = spawn(file, args, { stdio: ['ignore', devNull, 'pipe'], detached: true });
        const stop = (): void => {
          if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
        };
        // Detached, the child misses the terminal's Ctrl-C: pass it on, then stop the bench.
        const interrupt = (): void => {
          stop();
          process.exit(130);
        };
        process.once('SIGINT', interrupt);
        let stderr = '';
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs);
        child.stderr?.on('data', (d: Buffer) => {
          // A dying process can print a long stack; the first lines are all the report needs.
          if (stderr.length < 64_000) stderr += d.toString();
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          process.off('SIGINT', interrupt);
          const ms = performance.now() - t0;
          // A run killed on time leaves the file empty (GNU time dies with it), and Number('') is 0.
          const report = existsSync(peakFile) ? readFileSync(peakFile, 'utf8').trim() : '';
          const kib = report === '' ? NaN : Number(report.split('\n').pop());
          // GNU time reports the peak of a child that failed too: how much a dying run took is news.
          const peak = Number.isFinite(kib) ? { kib } : {};
          if (timedOut) resolve({ ok: false, ms, reason: 'timed out (KNP_BENCH_TIMEOUT)', ...peak });
          else if (code === null || !okCodes.includes(code)) {
            const how = code === null ? `killed by ${signal}` : `exit ${code}`;
            resolve({ ok: false, ms, reason: `${how}: ${firstLine(stderr) || '(no stderr)'}`, ...peak });
          } else if (!Number.isFinite(kib)) resolve({ ok: false, ms, reason: 'no peak memory reported' });
          else resolve({ ok: true, ms, kib });
        });
      }),
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
