/**
 * How likely a homonym is to fit a person as well as the registry person found: the expected
 * number of persons bearing that full name whose birth date would agree with the person's as
 * closely by chance, and whose other fields would agree as well (Fellegi and Sunter's
 * u-probabilities, multiplied). The registry stands for the population: a full name its persons
 * bear `count` times is borne about `count` times in a population of its size, so the figure grows
 * with the registry, as the homonyms do. A full date leaves few of them; a year leaves many.
 */
import type { DateAgreement } from './date-comparison.js';
import type { PartialDate } from './partial-date.js';

const DAYS_IN_YEAR = 365.25;
const MONTHS_IN_YEAR = 12;
const EARLIEST_YEAR = 1850;
const LATEST_YEAR = 2200;

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < EARLIEST_YEAR || year > LATEST_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Real dates one keyboard slip away from `date` (a digit of YYYYMMDD changed, or two swapped). */
export function slipNeighbours(date: Required<PartialDate>): number {
  const digits = `${date.year}${String(date.month).padStart(2, '0')}${String(date.day).padStart(2, '0')}`;
  const seen = new Set<string>();
  const add = (text: string) => {
    if (text === digits || seen.has(text)) return;
    if (isRealDate(Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6)))) seen.add(text);
  };
  for (let at = 0; at < digits.length; at++) {
    for (let d = 0; d <= 9; d++) add(digits.slice(0, at) + d + digits.slice(at + 1));
    if (at + 1 < digits.length) add(digits.slice(0, at) + digits[at + 1] + digits[at] + digits.slice(at + 2));
  }
  return seen.size;
}

/**
 * How often a person's own two records show their birth date one keyboard slip apart (a digit
 * changed, two swapped), and with day and month swapped: the agreement a homonym's date is weighed
 * against when the dates agree only so. About one date in forty carries a slip, one in a hundred a
 * day and month swapped (the labelled generator's clerks, ops/registry/noise.ts, slip on 3 % of
 * dates; a swap needs a day under 13). Counted against 1, as for a date that agrees, a homonym born
 * a slip away seemed forty times less likely than it is: homonyms were matched on the names and a
 * date a slip away (BENCHMARKS.md, "Matched without a birth date").
 */
const OWN_DATE_SLIPPED = 1 / 40;
const OWN_DATE_SWAPPED = 1 / 100;

const isComplete = (date: PartialDate | undefined): date is Required<PartialDate> =>
  date?.month !== undefined && date.day !== undefined;

/**
 * The chance that another person's birth date agrees with `date` as `agreement` says, when two
 * persons share a birth year with the chance `sameYear`, over the chance that the person's own
 * record agrees so (1, but for a slip or a swap).
 */
export function dateCoincidence(
  agreement: DateAgreement,
  date: PartialDate | undefined,
  sameYear: number,
): number {
  switch (agreement) {
    case 'birth_date_exact':
      return sameYear / DAYS_IN_YEAR;
    case 'birth_date_day_month_swapped':
      return sameYear / DAYS_IN_YEAR / OWN_DATE_SWAPPED;
    case 'birth_date_month_agrees':
      return sameYear / MONTHS_IN_YEAR;
    case 'birth_date_typo':
      return isComplete(date)
        ? (slipNeighbours(date) * sameYear) / DAYS_IN_YEAR / OWN_DATE_SLIPPED
        : sameYear / OWN_DATE_SLIPPED;
    case 'birth_date_year_only':
      return sameYear;
    case 'birth_date_year_near':
      return Math.min(1, 2 * sameYear);
    default:
      return 1;
  }
}

/**
 * How many persons agree in part with a name for each who bears it as written: given names agreeing
 * in part ("Joseph NGARMADJI" against "Joseph Jean Ngarmadji") are shared by every person bearing
 * the part among other given names too. Where about half the persons bear one given name and the
 * others two or three (the labelled generator's 55 %, 36 % and 9 %), a given name is borne among
 * others about twice as often as alone: three persons in all for each who bears the name as
 * written. Counted as one, homonyms with another middle name were matched on a full date with a
 * parent's name differing (BENCHMARKS.md, "Matched without a birth date").
 */
export const BEARERS_IN_PART = 3;

/**
 * Expected number of persons bearing a full name borne `nameCount` times who would agree with the
 * person as well as the registry person does: by the date (`dateChance`) and by the other fields,
 * whose weight of evidence `otherBits` is a likelihood ratio in bits.
 */
export function expectedHomonyms(nameCount: number, dateChance: number, otherBits: number): number {
  return nameCount * dateChance * 2 ** -otherBits;
}
