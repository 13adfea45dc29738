/**
 * How common each full name is among the indexed persons, for frequency-based name weights. The
 * key is the phonetic family name and given names in sorted order, so swapped names count as one.
 * In a small registry every name is about as common as the average and the adjustment is near 0.
 */
import type { PreparedPerson } from './prepared-person.js';
import { NAME_RARITY } from './weights.js';

export function fullNameKey(person: PreparedPerson): string {
  const family = person.family.joinedKey;
  const given = person.given.joinedKey;
  return family < given ? `${family}|${given}` : `${given}|${family}`;
}

export class NameFrequency {
  readonly #counts = new Map<string, number>();
  #people = 0;
  // Sum over names of count², kept up to date: sumSquares / people is the expected count of the
  // name of a person drawn at random.
  #sumSquares = 0;

  add(key: string): void {
    const count = this.#counts.get(key) ?? 0;
    this.#counts.set(key, count + 1);
    this.#sumSquares += 2 * count + 1;
    this.#people++;
  }

  remove(key: string): void {
    const count = this.#counts.get(key) ?? 0;
    if (!count) return;
    if (count === 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
    this.#sumSquares -= 2 * count - 1;
    this.#people--;
  }

  /** How many indexed persons bear this full name. */
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Bits to add to a full-name agreement on this name: positive when rare, negative when common. */
  rarity(key: string): number {
    const count = this.#counts.get(key) ?? 0;
    if (!count || !this.#people) return 0;
    const bits = Math.log2(this.#sumSquares / this.#people / count);
    return Math.min(NAME_RARITY.max, Math.max(NAME_RARITY.min, bits));
  }
}
