/**
 * @module duration
 * kubectl's duration flags (`--request-timeout`, `apply-node --timeout`): `0` means no limit, a
 * bare integer is seconds, otherwise a Go duration (`500ms`, `30s`, `1m30s`). Each flag words its
 * own error, so this only reads the text.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds (rounded up; 0 for no limit), or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (t === '' || parts.map((p) => p[0]).join('') !== t) return undefined;
  return Math.ceil(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? 's'] ?? 1000), 0));
}
