import { z } from 'zod';
import { isRealDate } from './bytes.js';
import { MRZ_CHARACTERS } from './mrz-read.js';

export { dateFromMrz, MRZ_CHARACTERS, mrzCheckDigit } from './mrz-read.js';

// The parts of Doc 9303 part 3 every MRZ shares: the character set, check digits, names, dates.

// Doc 9303-3 §6, the recommended transliterations of Latin letters with diacritics that do not
// reduce to their base letter. The rest (É, Č, Ą, …) lose their marks through NFD below.
const TRANSLITERATIONS: Record<string, string> = {
  Ä: 'AE',
  Å: 'AA',
  Æ: 'AE',
  Ð: 'D',
  Đ: 'D',
  Ö: 'OE',
  Ø: 'OE',
  Œ: 'OE',
  Ü: 'UE',
  Þ: 'TH',
  ẞ: 'SS',
  ß: 'SS',
  Ł: 'L',
  Ħ: 'H',
  Ĳ: 'IJ',
  Ŀ: 'L',
  Ŋ: 'N',
  Ŧ: 'T',
  ı: 'I',
};

/**
 * A name or free field in MRZ characters: upper case, letters transliterated (Doc 9303-3 §6),
 * spaces and hyphens turned into one filler each run (§4.6), apostrophes and other punctuation
 * omitted (`D'ARTAGNAN` → `DARTAGNAN`). What is left outside A–Z, 0–9 and `<` stays, for a schema
 * to refuse.
 */
export function normaliseMrzField(text: string): string {
  const upper = text.toUpperCase();
  let out = '';
  for (const char of upper) out += TRANSLITERATIONS[char] ?? char;
  return out
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’'`´.,]/g, '')
    .replace(/[\p{Pd}\s<]+/gu, '<')
    .replace(/^<+|<+$/g, '');
}

/**
 * The name field of an MRZ (Doc 9303-3 §4.6): primary identifier, `<<`, secondary identifiers,
 * padded with `<` to `length`, or cut at `length` when longer.
 */
export function mrzName(surname: string, givenNames: string, length: number): string {
  const primary = normaliseMrzField(surname);
  const secondary = normaliseMrzField(givenNames);
  const name = secondary ? `${primary}<<${secondary}` : primary;
  return name.slice(0, length).padEnd(length, '<');
}

/** A field padded with fillers to its length. */
export function padField(value: string, length: number): string {
  return value.padEnd(length, '<');
}

/** YYMMDD of an ISO date (Doc 9303-3 §4.7). */
export function mrzDate(isoDate: string): string {
  return isoDate.slice(2, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
}

/** An ISO calendar date, YYYY-MM-DD. */
export const IsoDateSchema = z.string().refine(isRealDate, 'expected a date as YYYY-MM-DD');

/** A three-letter code of Doc 9303-3 §5 (`CAF`, `FRA`, `D<<`, `UNO`). */
export const CountryCodeSchema = z
  .string()
  .transform((code) => code.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z][A-Z<]{2}$/, 'expected a three-letter country code'));

/** A name as people write it, checked to become MRZ characters. */
export const MrzNameTextSchema = z
  .string()
  .refine((name) => MRZ_CHARACTERS.test(normaliseMrzField(name)), 'letters the MRZ cannot write');

/** A document number of up to 9 characters (the MRZ field; longer numbers are not supported). */
export const DocumentNumberSchema = z
  .string()
  .transform((number) => number.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{1,9}$/, 'expected 1 to 9 letters or digits'));

/** The sex field: F, M, or X (unspecified, written `<` in the MRZ, Doc 9303-3 §4.8). */
export const SexSchema = z.enum(['F', 'M', 'X']);

/** The MRZ character of a sex. */
export function mrzSex(sex: z.infer<typeof SexSchema>): string {
  return sex === 'X' ? '<' : sex;
}
