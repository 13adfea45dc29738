/**
 * Comparison of one name field (given names, family name, a parent's name) between two records:
 * tolerant of case, accents, hyphens and spacing, word order, phonetic spellings, typing slips,
 * and a middle name present on one side only.
 */
import { textTokens } from './normalise.js';
import { phoneticKey } from './phonetic.js';
import { editDistance, jaroWinkler } from './similarity.js';

/** A name prepared once for many comparisons. */
export interface PreparedName {
  readonly tokens: readonly string[];
  readonly keys: readonly string[];
  /** The tokens run together: "Jean-Pierre", "Jean Pierre" and "Jeanpierre" meet here. */
  readonly joined: string;
  readonly joinedKey: string;
}

/** From the strongest agreement to none; `missing` when either side has no name. */
export type NameAgreement = 'exact' | 'phonetic' | 'typo' | 'partial' | 'differs' | 'missing';

export const EMPTY_NAME: PreparedName = { tokens: [], keys: [], joined: '', joinedKey: '' };

// Below this a pair of words is not the same word mistyped (Jaro-Winkler: Martin/Martine 0.97,
// Ngaba/Ngabo 0.92, Jean/Paul 0).
const TYPO_SIMILARITY = 0.88;
const PHONETIC = 0.95;

export function prepareName(text: string | undefined): PreparedName {
  const tokens = textTokens(text);
  if (!tokens.length) return EMPTY_NAME;
  const keys = tokens.map(phoneticKey);
  return { tokens, keys, joined: tokens.join(''), joinedKey: keys.join('') };
}

const CACHE_LIMIT = 200_000;

/**
 * A register repeats the same names (and parents' names) thousands of times: prepared names are
 * immutable, so one object serves them all, saving time and memory. One cache per index (bounded),
 * not one per process, so that nothing outlives the index that filled it.
 */
export class NameCache {
  readonly #names = new Map<string, PreparedName>();

  prepare(text: string | undefined): PreparedName {
    if (!text) return EMPTY_NAME;
    let prepared = this.#names.get(text);
    if (prepared) return prepared;
    prepared = prepareName(text);
    if (this.#names.size >= CACHE_LIMIT) this.#names.clear();
    this.#names.set(text, prepared);
    return prepared;
  }
}

/** Edits a word of this length may show and still be taken for a slip (none under four letters). */
const allowedEdits = (length: number) => (length < 4 ? 0 : length < 8 ? 1 : 2);

/** Two different words that sound different: similar enough to be one word mistyped? */
function wordSimilarity(word: string, other: string): number {
  const similarity = jaroWinkler(word, other);
  if (similarity >= TYPO_SIMILARITY) return similarity;
  const edits = allowedEdits(Math.min(word.length, other.length));
  if (!edits || Math.abs(word.length - other.length) > edits) return similarity;
  return editDistance(word, other) <= edits ? TYPO_SIMILARITY : similarity;
}

/** Best agreement of word `i` of `a` with any word of `b`: 1 same, 0.95 same sound, else similarity. */
function bestWordMatch(a: PreparedName, i: number, b: PreparedName): number {
  let best = 0;
  const word = a.tokens[i]!;
  const key = a.keys[i]!;
  for (let j = 0; j < b.tokens.length; j++) {
    if (b.tokens[j] === word) return 1;
    const similarity = b.keys[j] === key ? PHONETIC : wordSimilarity(word, b.tokens[j]!);
    if (similarity > best) best = similarity;
  }
  return best;
}

function levelOf(worst: number): NameAgreement {
  if (worst === 1) return 'exact';
  if (worst >= PHONETIC) return 'phonetic';
  return worst >= TYPO_SIMILARITY ? 'typo' : 'differs';
}

/** The run-together forms, for names split differently (Ngaba Kossi / Ngabakossi). */
function compareJoined(a: PreparedName, b: PreparedName): NameAgreement {
  if (a.joinedKey === b.joinedKey) return 'phonetic';
  return jaroWinkler(a.joined, b.joined) >= TYPO_SIMILARITY + 0.04 ? 'typo' : 'differs';
}

/**
 * Every word of the shorter name must meet a word of the longer one; the weakest such meeting
 * sets the level. Extra words on one side make it `partial` (a middle name left out).
 */
export function compareNames(a: PreparedName, b: PreparedName): NameAgreement {
  if (!a.tokens.length || !b.tokens.length) return 'missing';
  if (a.joined === b.joined) return 'exact';
  const aIsShorter = a.tokens.length <= b.tokens.length;
  const short = aIsShorter ? a : b;
  const long = aIsShorter ? b : a;
  let worst = 1;
  for (let i = 0; i < short.tokens.length && worst >= TYPO_SIMILARITY; i++) {
    worst = Math.min(worst, bestWordMatch(short, i, long));
  }
  const level = levelOf(worst);
  if (level === 'differs') return a.tokens.length === b.tokens.length ? 'differs' : compareJoined(a, b);
  return short.tokens.length === long.tokens.length ? level : 'partial';
}
