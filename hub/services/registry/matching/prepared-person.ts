/** A person with every field normalised once, so that each of many comparisons is cheap. */
import { NameCache, type PreparedName } from './names.js';
import { placeTokens } from './normalise.js';
import { type PartialDate, parsePartialDate } from './partial-date.js';
import type { MatchCandidate } from './types.js';

export interface PreparedPerson {
  readonly nationalId?: string;
  readonly given: PreparedName;
  readonly family: PreparedName;
  readonly sex?: 'F' | 'M' | 'X';
  readonly birthDate?: PartialDate;
  /** True when a date was given but could not be read: said in the reasons, compared as missing. */
  readonly birthDateUnreadable: boolean;
  readonly birthPlace: readonly string[];
  readonly father: PreparedName;
  readonly mother: PreparedName;
}

/** National ids compared without case, spaces or dashes (CF-1985-0042 = cf19850042). */
export function normaliseNationalId(value: string | undefined): string | undefined {
  const compact = value?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact || undefined;
}

/** `names` shares prepared names between the persons of one index. */
export function preparePerson(person: MatchCandidate, names = new NameCache()): PreparedPerson {
  const birthDate = person.birthDate ? parsePartialDate(person.birthDate) : undefined;
  return {
    nationalId: normaliseNationalId(person.nationalId),
    given: names.prepare(person.givenNames),
    family: names.prepare(person.familyName),
    sex: person.sex,
    birthDate,
    birthDateUnreadable: Boolean(person.birthDate) && !birthDate,
    birthPlace: placeTokens(person.birthPlace),
    father: names.prepare(person.fatherName),
    mother: names.prepare(person.motherName),
  };
}
