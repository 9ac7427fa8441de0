/**
 * @module cli/duration
 * kubectl's duration flags (`--request-timeout`, `--timeout`): `0` means no limit, a bare number is
 * seconds, otherwise Go-style units (`500ms`, `30s`, `1m`, `1h`, `1m30s`).
 */
import { CliError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) {
    throw new CliError(`${flag} "${text}": expected a duration such as 30s, 2m or 0 (no limit)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNIT_MS[p[2] ?? 's'] ?? 1000), 0);
}
