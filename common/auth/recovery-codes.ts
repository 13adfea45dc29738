import { randomBytes, sodium, utf8 } from '../../protocol/index.js';

/** How many recovery codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Where a sheet of codes is hashed: the subkey's KDF context (8 bytes, libsodium's
 * `crypto_kdf` CONTEXTBYTES) and the label hashed in front of each code. Fixed per side for good:
 * the stored hashes depend on both.
 */
export interface RecoveryCodeScheme {
  readonly kdfContext: string;
  readonly label: string;
}

// Crockford's base32 alphabet: no I, L, O, U, so a code copied by hand from paper reads back right.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 10 symbols × 5 bits = 50 bits each: with the lockout (5 tries per 15 min) guessing one of ten is
// out of reach online; that entropy is why a fast keyed hash suffices rather than argon2id.
const SYMBOLS = 10;
const ROOT_KEY_BYTES = 32;
const KDF_CONTEXT_BYTES = 8;

/** Ten fresh codes, `XXXXX-XXXXX`, shown to the user once. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    // 256 is a multiple of 32: taking each byte modulo 32 has no bias.
    const symbols = Array.from(randomBytes(SYMBOLS), (byte) => ALPHABET[byte % 32]).join('');
    return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  });
}

/** Whether a string has the shape of a recovery code (any case, dash and spaces optional). */
export function looksLikeRecoveryCode(text: string): boolean {
  const symbols = normaliseRecoveryCode(text);
  return symbols.length === SYMBOLS && /^[0-9A-Z]+$/.test(symbols);
}

/**
 * The subkey that keys the codes' hashes, derived from a 32-byte root key (a PRF, one purpose per
 * key). libsodium must be ready (`ready()` of protocol/). A root key of another size or a context
 * that is not 8 bytes is a caller's bug: `TypeError`.
 */
export function recoveryCodeKey(rootKey: Uint8Array, scheme: RecoveryCodeScheme): Uint8Array {
  if (!(rootKey instanceof Uint8Array) || rootKey.length !== ROOT_KEY_BYTES) {
    throw new TypeError(`the recovery codes' root key must be ${ROOT_KEY_BYTES} bytes`);
  }
  if (utf8(scheme.kdfContext).length !== KDF_CONTEXT_BYTES) {
    throw new TypeError(`the KDF context must be ${KDF_CONTEXT_BYTES} bytes`);
  }
  return sodium.crypto_kdf_derive_from_key(32, 1, scheme.kdfContext, rootKey);
}

/**
 * Keyed BLAKE2b of a code for one user: the user id is hashed in, so a code is worth nothing on
 * another account, and without the key a stolen table cannot be brute-forced offline. The code is
 * compared as typed from paper (see {@link normaliseRecoveryCode}).
 */
export function hashRecoveryCode(
  key: Uint8Array,
  scheme: RecoveryCodeScheme,
  userId: string,
  code: string,
): Uint8Array {
  const message = `${scheme.label}\0${userId}\0${normaliseRecoveryCode(code)}`;
  return sodium.crypto_generichash(32, utf8(message), key);
}

/** As typed from paper: any case, with or without the dash or spaces; Crockford's look-alikes mapped. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
