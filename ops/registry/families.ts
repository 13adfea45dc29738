/**
 * Relatives a register confuses with one another: twins, triplets and siblings born the same day
 * (one family name, one date and place, the same parents, other given names), and a parent's
 * namesake (a son named after his father, "Jean Dupont" son of "Jean Dupont").
 */
import type { Random } from './random.js';
import { randomDate, type SyntheticPerson, syntheticPerson } from './synthetic-person.js';

const givenWords = (names: string) => names.toLowerCase().split(/[\s-]+/);

/** True when two sets of given names share a word (Paul and Paul Michel are not "other" names). */
function shareAWord(a: string, b: string): boolean {
  const words = new Set(givenWords(a));
  return givenWords(b).some((word) => words.has(word));
}

/** Another child of the same parents born the same day, with other given names (no word in common). */
export function sameDaySiblingOf(random: Random, person: SyntheticPerson): SyntheticPerson {
  let other = syntheticPerson(random);
  while (shareAWord(other.givenNames, person.givenNames)) other = syntheticPerson(random);
  return { ...person, givenNames: other.givenNames, sex: other.sex };
}

/** A child named after their parent: same names, that parent's name as father's (or mother's), born later. */
export function namesakeChildOf(random: Random, parent: SyntheticPerson): SyntheticPerson {
  const child = syntheticPerson(random);
  const year = parent.birth.year;
  const born = randomDate(random, year + 18, year + 45);
  const parentName = `${parent.givenNames} ${parent.familyName}`;
  return {
    ...child,
    givenNames: parent.givenNames,
    familyName: parent.familyName,
    sex: parent.sex,
    birth: born,
    ...(parent.sex === 'M' ? { fatherName: parentName } : { motherName: parentName }),
  };
}

/** A parent after whom this person was named: same names, born earlier, the person's own parent. */
export function namesakeParentOf(random: Random, child: SyntheticPerson): SyntheticPerson {
  const parent = syntheticPerson(random);
  const year = child.birth.year;
  return {
    ...parent,
    givenNames: child.givenNames,
    familyName: child.familyName,
    sex: child.sex,
    birth: randomDate(random, year - 45, year - 18),
  };
}
