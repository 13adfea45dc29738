/**
 * Blocking: a candidate is compared only with registry persons that share at least one key, not
 * with all 100,000 of them. The keys are chosen so that each common kind of noise leaves at
 * least one intact:
 * - `w:` one name word's phonetic key + birth year, for every word of either name field: survives a
 *   typo in the other name, given and family names swapped, a middle name dropped, any date
 *   precision (the year is what partial dates keep);
 * - `n:` the first three letters of the phonetic keys of the first word of each name field, in
 *   sorted order, without the year: survives a missing, mistyped or misestimated date, swapped
 *   names, and most typos (slips are rarer in a name's first letters).
 * Exact national ids are looked up apart (RegistryIndex).
 */
import type { PreparedPerson } from './prepared-person.js';

// One-letter words (initials) would put half the registry in one block.
const MIN_WORD_LENGTH = 2;

const PREFIX = 3;

function pairKey(person: PreparedPerson): string | undefined {
  const family = person.family.keys[0]?.slice(0, PREFIX);
  const given = person.given.keys[0]?.slice(0, PREFIX);
  if (!family || !given) return undefined;
  return family < given ? `n:${family}|${given}` : `n:${given}|${family}`;
}

/** Every blocking key of a person (the same function serves indexing and querying). */
export function blockingKeys(person: PreparedPerson): string[] {
  const keys = new Set<string>();
  const pair = pairKey(person);
  if (pair) keys.add(pair);
  const year = person.birthDate?.year;
  if (year !== undefined) {
    for (const name of [person.family, person.given]) {
      for (const key of name.keys) if (key.length >= MIN_WORD_LENGTH) keys.add(`w:${key}|${year}`);
    }
  }
  return [...keys];
}
