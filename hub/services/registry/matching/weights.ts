/**
 * Evidence weights, in bits (log2 of how much likelier the observation is for the same person than
 * for two different people), in the manner of Fellegi and Sunter's record linkage. They were set
 * from the error rates registers show (a typo in one name in ten records, a date known only to the
 * year in one in ten, homonyms common) and checked on labelled synthetic data: see BENCHMARKS.md.
 */
import type { DateAgreement } from './date-comparison.js';
import type { NameAgreement } from './names.js';

export const FAMILY_NAME: Readonly<Record<NameAgreement, number>> = {
  exact: 6,
  phonetic: 5,
  typo: 3.5,
  partial: 3.5,
  differs: -6,
  missing: 0,
};

export const GIVEN_NAMES: Readonly<Record<NameAgreement, number>> = {
  exact: 5,
  phonetic: 4,
  typo: 3,
  partial: 3.5,
  differs: -5,
  missing: 0,
};

/**
 * Frequency of the full name: agreeing on a name borne by three hundred registry persons says less
 * than agreeing on an ordinary one (Fellegi-Sunter's frequency-based weights): log2(expected count
 * of a random person's name / count of this one). Only the penalty is kept: a rare name gives no
 * bonus, because a homonym of a rare name is as likely as of any other once names are copied from
 * person to person (calibration showed the bonus only traded precision for recall).
 */
export const NAME_RARITY = { min: -4, max: 0 } as const;

/** Given and family names written in each other's field: common, yet a little less sure. */
export const SWAPPED_NAMES = -0.5;

export const BIRTH_DATE: Readonly<Record<DateAgreement, number>> = {
  // A full date shared by chance is rare (about 1 in 25,000): the strongest field after the id.
  birth_date_exact: 9,
  birth_date_month_agrees: 5,
  birth_date_year_only: 3,
  birth_date_day_month_swapped: 4,
  birth_date_typo: 3,
  birth_date_year_near: -1,
  birth_date_missing: 0,
  // Strong: homonyms born on other dates are the commonest false match.
  birth_date_differs: -8,
};

export const SEX = { agrees: 0.3, differs: -3 } as const;
/** A place of birth does not change, but clerks write a town for a village: disagreement is not proof. */
export const BIRTH_PLACE = { agrees: 2, differs: -3 } as const;
/**
 * Parents' names are written loosely (a nickname, one name of two, a slip), and all of that still
 * agrees (names.ts): what differs is another name, which a person's own parent bears in about one
 * record in eight (a stepfather, a name changed) and a stranger's nearly always. -1.5 bits weighed
 * it too little: homonyms whose fathers differed were matched on the names and a year (labelled
 * generator, 300,000 persons, seed bench-2026: precision 0.9932 → 0.9946, recall 0.9552 → 0.9558,
 * review 6.22 → 5.37 %; BENCHMARKS.md, "Where the misses come from").
 */
export const PARENT_NAME = { agrees: 2, differs: -3 } as const;
/**
 * Against a homonym, a parent's name agreeing says more than its weight: loosely as it agrees (one
 * given name of two, a slip), another person's parent bears it about once in forty by chance (the
 * commonest given names are each borne by two or three persons in a hundred). log2(40) bits, used
 * only to reckon the chance of a homonym (homonym-chance.ts).
 */
export const PARENT_NAME_SHARED_BY_CHANCE = Math.log2(40);
/** Two different national ids are two people, whatever the names say, unless one was mistyped. */
export const NATIONAL_ID_DIFFERS = -12;
/** One key slipped in a long id: neither proof nor disproof, the other fields decide. */
export const NATIONAL_ID_TYPO = 1;

/** The most that fields other than the names can add: what the names must leave room for. */
export const MOST_BESIDES_NAMES =
  NAME_RARITY.max +
  BIRTH_DATE.birth_date_exact +
  SEX.agrees +
  BIRTH_PLACE.agrees +
  2 * PARENT_NAME.agrees +
  NATIONAL_ID_TYPO;

/** Weight at which the score is 0.5: both names agreeing exactly, nothing else known. */
export const SCORE_MIDPOINT = 11;

/** Maps the summed evidence to 0..1 (a logistic in base 2). */
export function scoreOf(weight: number): number {
  return 1 / (1 + 2 ** (SCORE_MIDPOINT - weight));
}

/** The weight a score stands for (the inverse of scoreOf). */
export function weightOf(score: number): number {
  return SCORE_MIDPOINT + Math.log2(score / (1 - score));
}
