// Runs the real plugin executable (or the real kubectl with plugin/ on PATH) and captures the result.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const plugin = `${repo}plugin/kubectl-netpol`;
export const example = `${repo}examples/seed-cluster.yaml`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, PATH: `${repo}plugin:${process.env['PATH'] ?? ''}`, KUBECONFIG: '/nonexistent-kubeconfig', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

export const netpol = (args: readonly string[], opts?: Parameters<typeof run>[2]) => run(plugin, args, opts);

/** One run of the executable with what it must answer: the exit code, lines of stdout, stderr. */
export interface CliCase {
  readonly name: string;
  readonly args: string[];
  readonly code: number;
  readonly stdout?: RegExp[];
  readonly stderr?: RegExp;
}

/** Checks a run against its case; bad input never shows a stack trace. */
export function assertCliCase(r: Run, c: CliCase): void {
  assert.equal(r.code, c.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  for (const re of c.stdout ?? []) assert.match(r.stdout, re);
  if (c.stderr) assert.match(r.stderr, c.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}
