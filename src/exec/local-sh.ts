/**
 * @module exec/local-sh
 * Runs a node script on this very host with `sh -s`, the way the helper pod's receiver does on
 * a node: what the agent uses, since it already runs on the node it enforces on.
 */
import { spawn } from 'node:child_process';
import type { ScriptResult } from './deliver.js';

/** `kill` ends the script at once (the node may then be left half done). */
export function runLocalScript(script: string, opts: { readonly kill?: AbortSignal } = {}): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const onKill = (): void => {
      child.kill('SIGKILL');
    };
    opts.kill?.addEventListener('abort', onKill, { once: true });
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (err) => {
      opts.kill?.removeEventListener('abort', onKill);
      reject(err);
    });
    child.on('close', (code, signal) => {
      opts.kill?.removeEventListener('abort', onKill);
      if (signal !== null) reject(new Error(`the script was stopped (${signal}) before it finished; the node may be left half configured`));
      else resolve({ exitCode: code ?? 1, stdout, stderr });
    });
    // A script that exits before reading all of stdin closes the pipe: that is its outcome, not ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(script);
  });
}
