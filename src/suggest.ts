/**
 * @module suggest
 * "Did you mean ...?" for names a user mistyped: flags, commands and manifest fields. A leaf that
 * every layer may import. Distance is optimal string alignment (Levenshtein plus swapping two
 * neighbours), since the commonest typos are one letter wrong, missing, extra or transposed.
 */

/** Edits (insert, delete, replace, swap neighbours) that turn `a` into `b`, case-insensitively. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the alignment table: the swap looks two rows back.
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[t.length] ?? 0;
}

/**
 * The closest of `known` to `typed`, when it is close enough to be the likely intent: at most two
 * edits, and fewer than half the typed length (so `-x` does not "mean" `-n`). Ties go to the
 * earlier entry of `known`; a name that merely differs in case is always close.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(typed, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  if (best.toLowerCase() === typed.toLowerCase()) return best;
  return bestDistance <= 2 && bestDistance * 2 < typed.length ? best : undefined;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(typed: string, known: readonly string[], quote = (s: string): string => `"${s}"`): string {
  const hit = closest(typed, known);
  return hit === undefined ? '' : ` (did you mean ${quote(hit)}?)`;
}
