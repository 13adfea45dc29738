import { VdsInputError, VdsMalformedError } from './errors.js';

// C40 as Doc 9303 part 13 (and BSI TR-03137 annex B) uses it: the basic set only, three characters
// per 16-bit value, ISO/IEC 16022 padding at the end. Values 0–2 are the shifts, 3 is SPACE,
// 4–13 the digits, 14–39 the letters.
const SHIFT_1 = 0;
const UNLATCH = 0xfe;

/** The strings C40 carries here: upper-case letters, digits, space and the MRZ filler `<`. */
export const C40_ALPHABET = /^[A-Z0-9 <]*$/;

function c40Value(char: string): number {
  if (char === ' ') return 3;
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 44;
  return code - 51; // 'A' (65) is 14
}

function charOf(value: number): string {
  if (value === 3) return ' ';
  if (value >= 4 && value <= 13) return String.fromCharCode(value + 44);
  return String.fromCharCode(value + 51);
}

/** How many bytes C40 makes of a string of `length` characters: the least even number ≥ length. */
export function c40ByteLength(length: number): number {
  return Math.ceil(length / 3) * 2;
}

/**
 * Encodes `text` (A–Z, 0–9, space, `<`; `<` is sent as space, Doc 9303-13 §2.4) into C40 bytes.
 * Two characters left at the end are completed with Shift 1 (value 0); one character left is sent
 * as 0xFE (unlatch) followed by its DataMatrix ASCII value (ASCII + 1).
 */
export function encodeC40(text: string): Uint8Array {
  if (!C40_ALPHABET.test(text)) throw new VdsInputError(`C40 carries only A-Z, 0-9, space and <: "${text}"`);
  const spaced = text.replaceAll('<', ' ');
  const out = new Uint8Array(c40ByteLength(spaced.length));
  let o = 0;
  let i = 0;
  for (; i + 3 <= spaced.length; i += 3) {
    o = writeTriplet(out, o, c40Value(spaced[i]!), c40Value(spaced[i + 1]!), c40Value(spaced[i + 2]!));
  }
  const left = spaced.length - i;
  if (left === 2) writeTriplet(out, o, c40Value(spaced[i]!), c40Value(spaced[i + 1]!), SHIFT_1);
  if (left === 1) {
    out[o] = UNLATCH;
    out[o + 1] = spaced.charCodeAt(i) + 1;
  }
  return out;
}

function writeTriplet(out: Uint8Array, at: number, c1: number, c2: number, c3: number): number {
  const value = 1600 * c1 + 40 * c2 + c3 + 1;
  out[at] = value >> 8;
  out[at + 1] = value & 0xff;
  return at + 2;
}

/**
 * Decodes C40 bytes into text, spaces kept as spaces (an MRZ reader turns them back into `<`).
 * Refuses, as malformed, an odd length, a value above 64000, a shift anywhere but the padding of
 * the last pair, and an unlatch that is not the last pair or carries a character outside the set.
 */
export function decodeC40(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) throw new VdsMalformedError('bad_c40', 'C40 data has an odd length');
  let text = '';
  for (let at = 0; at < bytes.length; at += 2) {
    const isLast = at + 2 === bytes.length;
    const b1 = bytes[at]!;
    const b2 = bytes[at + 1]!;
    if (b1 === UNLATCH) {
      const char = String.fromCharCode(b2 - 1);
      if (!isLast || !/^[A-Z0-9 ]$/.test(char)) {
        throw new VdsMalformedError('bad_c40', `unlatch at byte ${at} is not a final single character`);
      }
      text += char;
      continue;
    }
    const value = b1 * 256 + b2 - 1;
    if (value < 0 || value >= 64000)
      throw new VdsMalformedError('bad_c40', `C40 value out of range at byte ${at}`);
    const c1 = Math.floor(value / 1600);
    const c2 = Math.floor((value % 1600) / 40);
    const c3 = value % 40;
    if (c1 < 3 || c2 < 3 || (c3 < 3 && !(c3 === SHIFT_1 && isLast))) {
      throw new VdsMalformedError('bad_c40', `C40 shift value where a character belongs at byte ${at}`);
    }
    text += charOf(c1) + charOf(c2) + (c3 === SHIFT_1 ? '' : charOf(c3));
  }
  return text;
}
