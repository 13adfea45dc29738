/** Weighs one registry person against one candidate, field by field, with the reasons. */
import { compareDates, type DateAgreement } from './date-comparison.js';
import { compareNames, type NameAgreement } from './names.js';
import type { PreparedPerson } from './prepared-person.js';
import { editDistance, jaroWinkler } from './similarity.js';
import {
  BIRTH_DATE,
  BIRTH_PLACE,
  FAMILY_NAME,
  GIVEN_NAMES,
  MOST_BESIDES_NAMES,
  NATIONAL_ID_DIFFERS,
  NATIONAL_ID_TYPO,
  PARENT_NAME,
  PARENT_NAME_SHARED_BY_CHANCE,
  SEX,
  SWAPPED_NAMES,
  scoreOf,
} from './weights.js';

export interface PairScore {
  readonly weight: number;
  readonly score: number;
  readonly reasons: string[];
  /**
   * Same family name and the same full date of birth, different given names: twins, triplets,
   * siblings born the same day (the more so when the parents and the place agree). Never a match,
   * however much else agrees: decide.ts sends such a pair to an officer or says new.
   */
  readonly isSameDaySibling: boolean;
  /** How the dates of birth compare. */
  readonly date: DateAgreement;
  /**
   * The evidence of the fields besides the names and the date (sex, place, parents, national id)
   * against a homonym: their weight, a parent's name agreeing counted as how rarely a homonym's
   * parent bears it by chance.
   */
  readonly otherFieldsAgainstHomonym: number;
  /**
   * The weight with the other fields counted against a homonym: how two registry persons bearing
   * the name compare for the candidate (decide.ts weighs the rivals of the best with it).
   */
  readonly weightAgainstHomonym: number;
  /** The given names agree in part: one side bears the other's and more (a middle name left out). */
  readonly givenNamesInPart: boolean;
}

interface NameReading {
  readonly family: NameAgreement;
  readonly given: NameAgreement;
  readonly swapped: boolean;
  readonly weight: number;
}

const PLACE_SIMILARITY = 0.9;
const STRONG_NAMES = FAMILY_NAME.typo + GIVEN_NAMES.typo;

const SAME_SOUND: ReadonlySet<NameAgreement> = new Set(['exact', 'phonetic']);
/** Given names one side bears all of: the other's in full, or in part (a middle name left out). */
const SHARED_GIVEN: ReadonlySet<NameAgreement> = new Set([...SAME_SOUND, 'partial']);

/**
 * Whose full name the two share: the record's, unless the candidate's given names are fewer (a
 * part of the record's). "Marie DOLOGUÉLÉ" agreeing in part with "Henriette Nadège Marie
 * Dologuélé" shares no more than the common "Marie Dologuélé": its frequency is the one to weigh.
 */
function sharedName(candidate: PreparedPerson, record: PreparedPerson, names: NameReading): PreparedPerson {
  if (names.given !== 'partial' || names.swapped) return record;
  return candidate.given.tokens.length < record.given.tokens.length ? candidate : record;
}

function weighRarity(bits: number, reasons: string[]): number {
  if (bits >= 1) reasons.push('full_name_rare');
  if (bits <= -1) reasons.push('full_name_common');
  return bits;
}

/** Names as written, or given and family swapped, whichever agrees better. */
function readNames(c: PreparedPerson, r: PreparedPerson): NameReading {
  const family = compareNames(c.family, r.family);
  const given = compareNames(c.given, r.given);
  const weight = FAMILY_NAME[family] + GIVEN_NAMES[given];
  const straight = { family, given, swapped: false, weight };
  if (weight >= STRONG_NAMES) return straight;
  const givenAsFamily = compareNames(c.given, r.family);
  const familyAsGiven = compareNames(c.family, r.given);
  const swappedWeight = FAMILY_NAME[givenAsFamily] + GIVEN_NAMES[familyAsGiven] + SWAPPED_NAMES;
  if (swappedWeight <= weight) return straight;
  return { family: givenAsFamily, given: familyAsGiven, swapped: true, weight: swappedWeight };
}

function weighNationalIds(c: PreparedPerson, r: PreparedPerson, reasons: string[]): number {
  if (!c.nationalId || !r.nationalId || c.nationalId === r.nationalId) return 0;
  const mistyped = editDistance(c.nationalId, r.nationalId) <= 1;
  reasons.push(mistyped ? 'national_id_typo' : 'national_id_differs');
  return mistyped ? NATIONAL_ID_TYPO : NATIONAL_ID_DIFFERS;
}

function weighDate(c: PreparedPerson, r: PreparedPerson, reasons: string[]) {
  const agreement = compareDates(c.birthDate, r.birthDate);
  reasons.push(c.birthDateUnreadable ? 'birth_date_unreadable' : agreement);
  return { agreement, weight: BIRTH_DATE[agreement] };
}

const FAMILY_AGREES: ReadonlySet<NameAgreement> = new Set(['exact', 'phonetic', 'typo', 'partial']);

/** Two children of one family born the same day: their given names are what tells them apart. */
function isSameDaySibling(names: NameReading, date: DateAgreement): boolean {
  return names.given === 'differs' && FAMILY_AGREES.has(names.family) && date === 'birth_date_exact';
}

function placesAgree(a: readonly string[], b: readonly string[]): boolean {
  return a.some((word) => b.some((other) => other === word || jaroWinkler(word, other) >= PLACE_SIMILARITY));
}

/** Sex, place of birth and parents: each only when both sides have it. */
function weighOtherFields(c: PreparedPerson, r: PreparedPerson, reasons: string[]) {
  let weight = 0;
  let parentsAgreeing = 0;
  if (c.sex && r.sex && c.sex !== 'X' && r.sex !== 'X') {
    weight += c.sex === r.sex ? SEX.agrees : SEX.differs;
    if (c.sex !== r.sex) reasons.push('sex_differs');
  }
  if (c.birthPlace.length && r.birthPlace.length) {
    const agrees = placesAgree(c.birthPlace, r.birthPlace);
    weight += agrees ? BIRTH_PLACE.agrees : BIRTH_PLACE.differs;
    reasons.push(agrees ? 'birth_place_agrees' : 'birth_place_differs');
  }
  for (const [field, a, b] of [
    ['father_name', c.father, r.father],
    ['mother_name', c.mother, r.mother],
  ] as const) {
    const agreement = compareNames(a, b);
    if (agreement === 'missing') continue;
    weight += agreement === 'differs' ? PARENT_NAME.differs : PARENT_NAME.agrees;
    if (agreement !== 'differs') parentsAgreeing++;
    reasons.push(agreement === 'differs' ? `${field}_differs` : `${field}_agrees`);
  }
  const againstHomonym = weight + parentsAgreeing * (PARENT_NAME_SHARED_BY_CHANCE - PARENT_NAME.agrees);
  return { weight, againstHomonym };
}

/**
 * The weight of evidence that `candidate` and `record` are the same person, and why; undefined when
 * the names alone rule out reaching `floor` whatever the other fields say (most pairs in a block
 * share one name and a birth year, no more: they are dropped before any other work).
 */
export function scorePair(
  candidate: PreparedPerson,
  record: PreparedPerson,
  options: {
    readonly floor?: number;
    /** Bits for how common the full name of one side (the candidate or the record) is. */
    readonly rarity?: (side: PreparedPerson) => number;
  } = {},
): PairScore | undefined {
  const names = readNames(candidate, record);
  if (names.weight + MOST_BESIDES_NAMES < (options.floor ?? -Infinity)) return undefined;
  const reasons: string[] = [];
  const nationalIds = weighNationalIds(candidate, record, reasons);
  let weight = nationalIds + names.weight;
  if (names.swapped) reasons.push('names_swapped');
  reasons.push(`family_name_${names.family}`, `given_names_${names.given}`);
  if (options.rarity && SAME_SOUND.has(names.family) && SHARED_GIVEN.has(names.given)) {
    weight += weighRarity(options.rarity(sharedName(candidate, record, names)), reasons);
  }
  const date = weighDate(candidate, record, reasons);
  const others = weighOtherFields(candidate, record, reasons);
  weight += date.weight + nationalIds + others.weight;
  const sibling = isSameDaySibling(names, date.agreement);
  if (sibling) reasons.push('same_day_sibling');
  return {
    weight,
    score: scoreOf(weight),
    reasons,
    isSameDaySibling: sibling,
    date: date.agreement,
    otherFieldsAgainstHomonym: nationalIds + others.againstHomonym,
    weightAgainstHomonym: weight + others.againstHomonym - others.weight,
    givenNamesInPart: names.given === 'partial',
  };
}
