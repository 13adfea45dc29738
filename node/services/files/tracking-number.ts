import { randomInt } from 'node:crypto';

/**
 * Tracking numbers of files: `PAR-7K3M-9QX2-T` — the mission's prefix, 8 random Crockford base32
 * characters and one check character. Random rather than sequential, so that a number does not
 * reveal how many files a mission holds nor lead to its neighbours.
 *
 * The check character makes the number a codeword of a weighted sum over GF(32) (x^5 + x^2 + 1):
 * Horner's rule with the multiplier α = x gives each position a distinct non-zero weight α^k, which
 * catches every single substitution; since α + 1 ≠ 0, a swap of two adjacent different characters
 * changes the sum by α^k (α + 1)(a − b) ≠ 0 and is caught too. This is the linear case of Damm's
 * totally anti-symmetric quasigroup construction, and keeps the check character inside the
 * 32-symbol alphabet (unlike ISO 7064 MOD 37-2, whose extra symbols are awkward on a phone keypad).
 */

/** Crockford's base32: no I, L, O, U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Random characters of a tracking number (40 bits). */
export const TRACKING_BODY_LENGTH = 8;

const FIELD_POLYNOMIAL = 0b100101;
// Fixed length: with a variable one, a dropped character could shift the prefix boundary.
const PREFIX_PATTERN = /^[A-Z]{3}$/;
// Characters applicants confuse: read them as what they must have meant (Crockford's rule).
const AMBIGUOUS: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' };

/** Why a typed tracking number was refused. */
export type TrackingNumberProblem = 'malformed' | 'bad_check_character' | 'other_mission';

/** The result of {@link parseTrackingNumber}: untrusted input, so a union to branch on. */
export type ParsedTrackingNumber =
  | { readonly ok: true; readonly trackingNumber: string }
  | { readonly ok: false; readonly problem: TrackingNumberProblem };

/** A new tracking number of the mission whose prefix is given (3 letters, e.g. `PAR`). */
export function generateTrackingNumber(prefix: string): string {
  assertPrefix(prefix);
  let body = '';
  for (let i = 0; i < TRACKING_BODY_LENGTH; i++) body += CROCKFORD_ALPHABET[randomInt(32)];
  return formatTrackingNumber(prefix, body + checkCharacter(prefix, body));
}

/**
 * Reads a tracking number as an applicant or agent typed it: any case, with or without dashes or
 * spaces, O for 0 and I or L for 1. Returns its canonical form, or why it is refused — a number with
 * a typing error is refused, never matched to another file.
 */
export function parseTrackingNumber(raw: string, prefix: string): ParsedTrackingNumber {
  assertPrefix(prefix);
  const compact = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-–.]/g, '');
  if (compact.length > 40) return { ok: false, problem: 'malformed' };
  const match = /^([A-Z]{3})([0-9A-Z]{9})$/.exec(compact);
  if (!match) return { ok: false, problem: 'malformed' };
  const [, typedPrefix = '', rest = ''] = match;
  const code = [...rest].map((char) => AMBIGUOUS[char] ?? char).join('');
  if (![...code].every((char) => CROCKFORD_ALPHABET.includes(char)))
    return { ok: false, problem: 'malformed' };
  if (weightedSum(typedPrefix, code) !== 0) return { ok: false, problem: 'bad_check_character' };
  if (typedPrefix !== prefix) return { ok: false, problem: 'other_mission' };
  return { ok: true, trackingNumber: formatTrackingNumber(prefix, code) };
}

/** The check character of a prefix and body. */
export function checkCharacter(prefix: string, body: string): string {
  // The sum with the check c is α·s + c; in characteristic 2, c = α·s makes it zero.
  return CROCKFORD_ALPHABET[timesAlpha(weightedSum(prefix, body))] ?? '0';
}

function formatTrackingNumber(prefix: string, code: string): string {
  return `${prefix}-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

// Prefix letters A–Z take the values 0–25, so a mistyped prefix letter is caught like any other.
function weightedSum(prefix: string, code: string): number {
  let sum = 0;
  for (const char of prefix) sum = timesAlpha(sum) ^ (char.charCodeAt(0) - 65);
  for (const char of code) sum = timesAlpha(sum) ^ CROCKFORD_ALPHABET.indexOf(char);
  return sum;
}

function timesAlpha(value: number): number {
  const shifted = value << 1;
  return shifted & 0b100000 ? shifted ^ FIELD_POLYNOMIAL : shifted;
}

function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix))
    throw new TypeError(`tracking prefix must be 3 capital letters: ${prefix}`);
}
