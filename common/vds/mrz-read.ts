import { isRealDate } from './bytes.js';

// Reading an MRZ back, with no schema library: the verifier page loads this, not the builders.

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

/** The fields of the first 28 characters of a line 2, as read back from a seal. */
export interface MrzLine2Fields {
  documentNumber: string;
  nationality: string;
  birthDate: string | null;
  sex: 'F' | 'M' | 'X';
  expiryDate: string;
  checkDigitsValid: boolean;
}

/**
 * Reads the head every line 2 shares (TD2, TD3, MRV-A, MRV-B: number and check, nationality,
 * birth date and check, sex, expiry date and check). Birth dates take the century that puts them
 * before `referenceYear`, expiry dates the one within 50 years of it. Returns null when the expiry
 * date is no date or the sex field is not one; a birth date may be unknown.
 */
export function readLine2Head(head: string, referenceYear: number): MrzLine2Fields | null {
  if (head.length < 28 || !MRZ_CHARACTERS.test(head)) return null;
  const number = head.slice(0, 9);
  const birth = head.slice(13, 19);
  const expiry = head.slice(21, 27);
  const sexChar = head[20];
  const expiryDate = dateFromMrz(expiry, referenceYear);
  if (!expiryDate || (sexChar !== 'F' && sexChar !== 'M' && sexChar !== '<')) return null;
  const birthNear = dateFromMrz(birth, referenceYear);
  const birthDate =
    birthNear && Number(birthNear.slice(0, 4)) > referenceYear
      ? dateFromMrz(birth, referenceYear - 50)
      : birthNear;
  const checkDigitsValid =
    String(mrzCheckDigit(number)) === head[9] &&
    String(mrzCheckDigit(birth)) === head[19] &&
    String(mrzCheckDigit(expiry)) === head[27];
  return {
    documentNumber: number.replace(/<+$/, ''),
    nationality: head.slice(10, 13),
    birthDate,
    sex: sexChar === '<' ? 'X' : sexChar,
    expiryDate,
    checkDigitsValid,
  };
}
