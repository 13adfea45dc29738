import { concatBytes, utf8 } from './encoding.js';
import type { PublicIdentity } from './keys.js';
import { sodium } from './sodium.js';

const CONTEXT = utf8('econsulat/v1/fingerprint\n');
// RFC 4648 §6: upper case and digits 2–7 only, so no 0/O or 1/I/L to confuse over a phone line.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HASH_BYTES = 20;

/**
 * The fingerprint of a party's public keys, for two people to compare by phone: BLAKE2b-160 over
 * both public keys, in base32 (RFC 4648), as eight groups of four characters separated by spaces
 * (`ABCD EFGH …`). 160 bits: matching one by chance, or forging a key that matches, is out of reach.
 */
export function keyFingerprint(identity: Pick<PublicIdentity, 'signPublicKey' | 'boxPublicKey'>): string {
  const digest = sodium.crypto_generichash(
    HASH_BYTES,
    concatBytes(CONTEXT, identity.signPublicKey, identity.boxPublicKey),
    null,
  );
  return toBase32(digest).match(/.{4}/g)?.join(' ') ?? '';
}

/**
 * A fingerprint as typed by a person, reduced to its 32 characters: spaces and dashes dropped,
 * upper-cased. Returns null when what remains is not a fingerprint.
 */
export function normaliseFingerprint(text: string): string | null {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z2-7]{32}$/.test(compact) ? compact : null;
}

/** Whether a typed fingerprint is the one of these keys (spacing and case do not matter). */
export function fingerprintMatches(
  typed: string,
  identity: Pick<PublicIdentity, 'signPublicKey' | 'boxPublicKey'>,
): boolean {
  const expected = normaliseFingerprint(typed);
  return expected !== null && expected === normaliseFingerprint(keyFingerprint(identity));
}

function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}
