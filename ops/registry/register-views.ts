/**
 * How a register writes a synthetic person down. The national registry is the cleaner of the two
 * (ISO dates, accents kept) but knows some births only to the year; a mission's submission carries
 * the noise of a counter: typos, respellings, swapped names, other date formats, missing fields.
 */
import { dropAccents, mistakeDate, type Precision, respell, typo, writeDate } from './noise.js';
import type { Random } from './random.js';
import type { SyntheticPerson } from './synthetic-person.js';

/** One line of a registry or candidates file (the matching engine's record, with its id). */
export interface PersonLine {
  readonly id: string;
  readonly nationalId?: string;
  readonly givenNames: string;
  readonly familyName: string;
  readonly sex?: 'F' | 'M';
  readonly birthDate?: string;
  readonly birthPlace?: string;
  readonly fatherName?: string;
  readonly motherName?: string;
}

function precision(random: Random, year: number, month: number): Precision {
  const roll = random.next();
  return roll < year ? 'year' : roll < year + month ? 'month' : 'day';
}

const maybe = <T>(random: Random, probability: number, value: T): T | undefined =>
  random.chance(probability) ? value : undefined;

/** The national registry's record of a person. */
export function registryLine(
  random: Random,
  person: SyntheticPerson,
  id: string,
  nationalId?: string,
): PersonLine {
  return {
    id,
    nationalId,
    givenNames: person.givenNames,
    familyName: random.chance(0.3) ? person.familyName.toUpperCase() : person.familyName,
    sex: maybe(random, 0.97, person.sex),
    birthDate: writeDate(random, person.birth, precision(random, 0.1, 0.04), true),
    birthPlace: maybe(random, 0.9, person.birthPlace),
    fatherName: maybe(random, 0.7, person.fatherName),
    motherName: maybe(random, 0.75, person.motherName),
  };
}

/** A name as a counter clerk types it: sometimes respelt, mistyped, a middle name left out. */
function clerkName(random: Random, name: string, isGiven: boolean): string {
  let written = name;
  if (isGiven && written.includes('-') && random.chance(0.5)) written = written.replace('-', ' ');
  const parts = written.split(' ');
  if (isGiven && parts.length > 1 && random.chance(0.3)) written = parts.slice(0, -1).join(' ');
  if (random.chance(0.1)) written = respell(random, written);
  if (random.chance(0.08)) written = typo(random, written);
  return written;
}

function clerkDate(random: Random, person: SyntheticPerson): string | undefined {
  if (random.chance(0.05)) return undefined;
  const date = random.chance(0.03) ? mistakeDate(random, person.birth) : person.birth;
  return writeDate(random, date, precision(random, 0.08, 0.03), false);
}

function clerkParent(random: Random, name: string): string | undefined {
  if (random.chance(0.4)) return undefined;
  const written = random.chance(0.1) ? (name.split(' ')[0] ?? name) : name;
  return random.chance(0.1) ? typo(random, written) : written;
}

/** A mission's submission of a person, with the noise of the counter. */
export function candidateLine(
  random: Random,
  person: SyntheticPerson,
  id: string,
  nationalId?: string,
): PersonLine {
  let given = clerkName(random, person.givenNames, true);
  let family = clerkName(random, person.familyName, false);
  if (random.chance(0.05)) [given, family] = [family, given];
  if (random.chance(0.4)) [given, family] = [dropAccents(given), dropAccents(family)];
  if (random.chance(0.5)) family = family.toUpperCase();
  const place = maybe(random, 0.75, person.birthPlace);
  return {
    id,
    nationalId: nationalId && random.chance(0.25) ? nationalId : undefined,
    givenNames: given,
    familyName: family,
    sex: maybe(random, 0.9, person.sex),
    birthDate: clerkDate(random, person),
    birthPlace: place && random.chance(0.05) ? typo(random, place) : place,
    fatherName: clerkParent(random, person.fatherName),
    motherName: clerkParent(random, person.motherName),
  };
}
