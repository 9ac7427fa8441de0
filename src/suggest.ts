/**
 * @module suggest
 * "Did you mean" for a misspelt name (a manifest field, a flag, a command): the closest known name by optimal string alignment
 * distance (Levenshtein plus the swap of two neighbouring letters, each edit costing one), when it
 * is close enough to be the likely intent. A letter in the wrong case is one edit, so
 * `podselector` finds `podSelector`. A leaf: every layer may import it.
 */

/** Edits allowed: one for names of up to three letters (`to` is no typo of `ip`), else two. */
function maxEdits(word: string): number {
  return word.length <= 3 ? 1 : 2;
}

/** Optimal string alignment distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rows suffice: the swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name `word` most likely misspells, or undefined when none is close. */
export function closestName(word: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const limit = Math.min(maxEdits(word), maxEdits(name));
    const distance = editDistance(word, name, limit);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** ` (did you mean "x"?)`, or '' when nothing is close; `quote` writes the name (flags go bare). */
export function didYouMean(word: string, known: readonly string[], quote = (s: string): string => `"${s}"`): string {
  const hit = closestName(word, known);
  return hit === undefined ? '' : ` (did you mean ${quote(hit)}?)`;
}
