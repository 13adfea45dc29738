/**
 * String similarity for typo tolerance. Jaro-Winkler suits short personal names (it forgives a
 * transposition and weighs the first letters, which clerks rarely get wrong); the restricted
 * Damerau-Levenshtein distance counts the edits for the reasons given to a reviewer.
 */

const WINKLER_PREFIX = 4;
const WINKLER_SCALE = 0.1;

// Reused between calls: matching compares millions of pairs, allocation would dominate.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensureFlags(length: number): void {
  if (flagsA.length >= length && flagsB.length >= length) return;
  flagsA = new Uint8Array(length * 2);
  flagsB = new Uint8Array(length * 2);
}

/** Characters of `a` matched in `b` within the Jaro window, marked in the shared flags. */
function markMatches(a: string, b: string): number {
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  flagsA.fill(0, 0, a.length);
  flagsB.fill(0, 0, b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const code = a.charCodeAt(i);
    const end = Math.min(i + window + 1, b.length);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (flagsB[j] || b.charCodeAt(j) !== code) continue;
      flagsA[i] = 1;
      flagsB[j] = 1;
      matches++;
      break;
    }
  }
  return matches;
}

/** Half the number of matched characters that appear in a different order. */
function halfTranspositions(a: string, b: string): number {
  let transposed = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!flagsA[i]) continue;
    while (!flagsB[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transposed++;
    j++;
  }
  return transposed / 2;
}

/** Jaro similarity, 0..1. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  if (!a.length || !b.length) return 0;
  ensureFlags(Math.max(a.length, b.length));
  const matches = markMatches(a, b);
  if (!matches) return 0;
  const t = halfTranspositions(a, b);
  return (matches / a.length + matches / b.length + (matches - t) / matches) / 3;
}

/** Jaro-Winkler similarity, 0..1: Jaro raised for a common prefix of up to four letters. */
export function jaroWinkler(a: string, b: string): number {
  const base = jaro(a, b);
  if (base === 0 || base === 1) return base;
  let prefix = 0;
  const limit = Math.min(WINKLER_PREFIX, a.length, b.length);
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return base + prefix * WINKLER_SCALE * (1 - base);
}

// Three rows of the edit-distance table, reused between calls for the same reason as the flags.
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)] as const;

/**
 * Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: the optimal string
 * alignment form of Damerau-Levenshtein, which is what a typing slip produces. Catches what
 * Jaro-Winkler undervalues: an early letter left out (Yngassa / Yangassa).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length || !b.length) return a.length + b.length;
  if (rows[0].length <= b.length)
    rows = [new Int32Array(b.length * 2), new Int32Array(b.length * 2), new Int32Array(b.length * 2)];
  let [beforePrevious, previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        best = Math.min(best, beforePrevious[j - 2]! + 1);
      }
      current[j] = best;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length]!;
}
