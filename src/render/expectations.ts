/**
 * @module render/expectations
 * `matrix --expect`: which expected answers the policies do not give, one line each.
 */
import { plural } from './words.js';

export interface ExpectationMiss {
  readonly from: string;
  readonly to: string;
  /** `80/TCP`. */
  readonly column: string;
  readonly expected: boolean;
  /** null: the pair is no connection on that column. */
  readonly got: boolean | null;
  readonly reason: string;
  /** `file (line N)` of the expectation. */
  readonly where: string;
}

function word(allowed: boolean | null): string {
  return allowed === null ? 'not a connection' : allowed ? 'allowed' : 'denied';
}

export function renderExpectationMisses(checked: number, misses: readonly ExpectationMiss[]): string {
  if (misses.length === 0) return `\nExpectations: all ${plural(checked, 'expectation')} hold\n`;
  const lines = [`\nExpectations: ${misses.length} of ${plural(checked, 'expectation')} differ:`];
  for (const m of misses) {
    lines.push(`  ${m.from} -> ${m.to} on ${m.column}: expected ${word(m.expected)}, got ${word(m.got)} (${m.where})`);
    if (m.reason !== '') lines.push(`    ${m.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
