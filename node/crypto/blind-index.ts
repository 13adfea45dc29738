import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { sodium, utf8 } from '../../protocol/index.js';

/** What a blind index is over; part of the hashed input, so equal values of two kinds never collide. */
export type BlindIndexKind = 'phone' | 'phone_prefix' | 'id_number';

/** Bytes of a blind index. 256 bits: lookups must never match the wrong person. */
export const BLIND_INDEX_BYTES = 32;

/**
 * A phone number in E.164 (`+33612345678`), or undefined when it is not a valid number. National
 * forms are read in the mission's host country (`0612345678` in FR).
 */
export function normalisePhone(raw: string, defaultRegion?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(
    raw,
    defaultRegion ? { defaultCountry: defaultRegion } : undefined,
  );
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * An identity document number as agents and applicants type it in many ways: upper-case, without
 * spaces, dots, dashes or slashes (`ab 12-345` → `AB12345`).
 */
export function normaliseIdNumber(raw: string): string {
  return raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s.\-–/]/g, '');
}

/**
 * Keyed BLAKE2b of a normalised value: equal values give equal indexes, and without the index key
 * the index cannot be recomputed from a guessed phone number (a plain hash could be, by enumeration).
 */
export function blindIndex(key: Uint8Array, kind: BlindIndexKind, normalised: string): Uint8Array {
  return sodium.crypto_generichash(BLIND_INDEX_BYTES, utf8(`econsulat/bidx/${kind}\0${normalised}`), key);
}

/** Blind index of a phone number, or undefined when it does not parse as a valid number. */
export function phoneIndex(
  key: Uint8Array,
  raw: string,
  defaultRegion?: CountryCode,
): Uint8Array | undefined {
  const e164 = normalisePhone(raw, defaultRegion);
  return e164 === undefined ? undefined : blindIndex(key, 'phone', e164);
}

/** Blind index of an ID document number, or undefined when nothing is left after normalising. */
export function idNumberIndex(key: Uint8Array, raw: string): Uint8Array | undefined {
  const normalised = normaliseIdNumber(raw);
  return normalised === '' ? undefined : blindIndex(key, 'id_number', normalised);
}
