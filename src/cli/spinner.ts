/**
 * @module cli/spinner
 * An ora spinner on stderr while waiting on the API: only when stderr is a real terminal with a
 * width (ora 9.4.1 loops forever on a 0-column PTY) and never with -o json/yaml.
 */
import type { GlobalArgs } from './global-args.js';

export async function withSpinner<T>(args: Pick<GlobalArgs, 'output'>, text: string, work: () => Promise<T>): Promise<T> {
  const enabled = process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0 && args.output !== 'json' && args.output !== 'yaml';
  if (!enabled) return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  try {
    return await work();
  } finally {
    spinner.stop();
  }
}
