import { z } from 'zod';
import { isRealDate } from './bytes.js';

// The parts of Doc 9303 part 3 every MRZ shares: the character set, check digits, names, dates.

/** The MRZ character set (Doc 9303-3 §4.3): A–Z, 0–9 and the filler `<`. */
export const MRZ_CHARACTERS = /^[A-Z0-9<]*$/;

/**
 * The check digit of an MRZ field (Doc 9303-3 §4.9): weights 7, 3, 1 repeated; digits count as
 * themselves, A–Z as 10–35, the filler `<` as 0; the sum modulo 10.
 */
export function mrzCheckDigit(field: string): number {
  if (!MRZ_CHARACTERS.test(field)) throw new TypeError(`not MRZ characters: ${field}`);
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const code = field.charCodeAt(i);
    const value = code === 60 ? 0 : code <= 57 ? code - 48 : code - 55;
    sum += value * weights[i % 3]!;
  }
  return sum % 10;
}

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

/** The ISO date of a YYMMDD field, its century the one that puts it within 50 years of `nearYear`; null if no such day. */
export function dateFromMrz(yymmdd: string, nearYear: number): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  let year = Math.floor(nearYear / 100) * 100 + yy;
  if (year > nearYear + 49) year -= 100;
  if (year < nearYear - 50) year += 100;
  const iso = `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  return isRealDate(iso) ? iso : null;
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
