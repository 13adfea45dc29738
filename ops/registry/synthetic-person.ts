/** A synthetic person as they really are, before any register writes them down (with its noise). */
import {
  CENTRAL_AFRICAN_GROUPS,
  centralAfricanFamilyName,
  centralAfricanGivenName,
  type Sex,
} from './names-central-african.js';
import { frenchFamilyName, frenchGivenName } from './names-french.js';
import { centralAfricanPlace, placeAbroad } from './places.js';
import type { Random } from './random.js';

export interface FullDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface SyntheticPerson {
  readonly givenNames: string;
  readonly familyName: string;
  readonly sex: Sex;
  readonly birth: FullDate;
  readonly birthPlace: string;
  readonly fatherName: string;
  readonly motherName: string;
}

type Origin =
  | { readonly french: true }
  | { readonly french: false; readonly group: string; readonly muslim: boolean };

function origin(random: Random): Origin {
  if (random.chance(0.12)) return { french: true };
  const group = random.pick(CENTRAL_AFRICAN_GROUPS);
  return { french: false, group, muslim: group === 'muslim' || random.chance(0.06) };
}

function familyName(random: Random, from: Origin): string {
  return from.french ? frenchFamilyName(random) : centralAfricanFamilyName(random, from.group);
}

function givenName(random: Random, from: Origin, sex: Sex): string {
  return from.french ? frenchGivenName(random, sex) : centralAfricanGivenName(random, sex, from.muslim);
}

/** One to three given names; Christian compounds are often hyphenated (Jean-Pierre, Marie-Claire). */
function givenNames(random: Random, from: Origin, sex: Sex): string {
  const count = random.chance(0.55) ? 1 : random.chance(0.8) ? 2 : 3;
  const names = Array.from({ length: count }, () => givenName(random, from, sex));
  const unique = [...new Set(names)];
  if (unique.length === 2 && !(!from.french && from.muslim) && random.chance(0.35)) return unique.join('-');
  return unique.join(' ');
}

export function randomDate(random: Random, fromYear: number, toYear: number): FullDate {
  const year = random.int(fromYear, toYear);
  const month = random.int(1, 12);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: random.int(1, days) };
}

/** A new person; parents' names follow the family's origin (in RCA a child's name is often not the father's). */
export function syntheticPerson(random: Random): SyntheticPerson {
  const from = origin(random);
  const sex: Sex = random.chance(0.5) ? 'F' : 'M';
  const family = familyName(random, from);
  const fatherFamily = from.french || random.chance(0.3) ? family : familyName(random, from);
  return {
    givenNames: givenNames(random, from, sex),
    familyName: family,
    sex,
    birth: randomDate(random, 1940, 2012),
    birthPlace: from.french || random.chance(0.08) ? placeAbroad(random) : centralAfricanPlace(random),
    fatherName: `${givenName(random, from, 'M')} ${fatherFamily}`,
    motherName: `${givenName(random, from, 'F')} ${familyName(random, from)}`,
  };
}
