/**
 * @module cli/spinner
 * What a person at a terminal sees while the plugin waits: an ora spinner on stderr while the API
 * answers, never with -o json/yaml.
 */
import type { GlobalArgs } from './global-args.js';

/**
 * Whether stderr is a terminal a person watches: a TTY with a width (ora 9.4.1 loops forever on a
 * 0-column PTY), not TERM=dumb, and not a CI job (CI set), where an animation only litters the log.
 * Decided here once, so ora never falls back to its own "- text" log lines.
 */
export function stderrIsInteractive(): boolean {
  return process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0 && process.env['TERM'] !== 'dumb' && !('CI' in process.env);
}

export async function withSpinner<T>(args: Pick<GlobalArgs, 'output'>, text: string, work: () => Promise<T>): Promise<T> {
  if (!stderrIsInteractive() || args.output === 'json' || args.output === 'yaml') return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr, isEnabled: true }).start();
  try {
    return await work();
  } finally {
    spinner.stop();
  }
}
