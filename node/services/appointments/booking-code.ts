import { randomInt, timingSafeEqual } from 'node:crypto';
import { sodium, utf8 } from '../../../protocol/index.js';

/** A 6-digit confirmation code from the OS CSPRNG. */
export function newBookingCode(): string {
  return String(randomInt(1_000_000)).padStart(6, '0');
}

/**
 * Keyed BLAKE2b of a code, bound to its booking. Keyed because a million codes are hashed in an
 * instant: an unkeyed hash in a copied database would give every pending code away.
 */
export function hashBookingCode(key: Uint8Array, appointmentId: string, code: string): Uint8Array {
  return sodium.crypto_generichash(32, utf8(`econsulat/booking-code\0${appointmentId}\0${code}`), key);
}

/** True when the code is the one whose hash was stored (compared in constant time). */
export function isBookingCode(
  key: Uint8Array,
  appointmentId: string,
  code: string,
  stored: Uint8Array,
): boolean {
  const candidate = hashBookingCode(key, appointmentId, code);
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}
