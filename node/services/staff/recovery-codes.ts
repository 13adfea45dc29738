import { randomBytes, sodium, utf8 } from '../../../protocol/index.js';
import type { Db } from '../../db/db.js';

/** How many recovery codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 alphabet: no I, L, O, U, so a code copied by hand from paper reads back right.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 10 symbols × 5 bits = 50 bits each: with the lockout (5 tries per 15 min) guessing one of ten
// takes longer than the age of the universe; that entropy is why a fast keyed hash is enough.
const SYMBOLS = 10;

/** Ten fresh codes, `XXXXX-XXXXX`, shown to the user once. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(SYMBOLS);
    // 256 is a multiple of 32: taking each byte modulo 32 has no bias.
    const symbols = Array.from(bytes, (byte) => ALPHABET[byte % 32]).join('');
    return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  });
}

/** The subkey that keys the codes' hashes, derived from the index key (a PRF, one purpose). */
export function recoveryKey(indexKey: Uint8Array): Uint8Array {
  return sodium.crypto_kdf_derive_from_key(32, 1, 'staffrc1', indexKey);
}

/**
 * Keyed BLAKE2b of a code for one user: the user id is hashed in, so a code is worth nothing on
 * another account, and without the key a stolen table cannot be brute-forced offline.
 */
export function hashRecoveryCode(key: Uint8Array, userId: string, code: string): Uint8Array {
  return sodium.crypto_generichash(32, utf8(`econsulat/staff-recovery\0${userId}\0${normalise(code)}`), key);
}

/** Replaces a user's codes with new ones (an enrolment). */
export function storeRecoveryCodes(db: Db, key: Uint8Array, userId: string, codes: readonly string[]): void {
  deleteRecoveryCodes(db, userId);
  const insert = db.prepare('INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES (?, ?)');
  for (const code of codes) insert.run(userId, hashRecoveryCode(key, userId, code));
}

/** Removes every code of a user (TOTP reset). */
export function deleteRecoveryCodes(db: Db, userId: string): void {
  db.prepare('DELETE FROM staff_recovery_codes WHERE user_id = ?').run(userId);
}

/**
 * Marks the code used and returns true when it is one of the user's unused codes. The update is
 * conditional, so two logins racing with the same code cannot both succeed.
 */
export function consumeRecoveryCode(
  db: Db,
  key: Uint8Array,
  userId: string,
  code: string,
  at: Date,
): boolean {
  const result = db
    .prepare(
      'UPDATE staff_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
    )
    .run(at.toISOString(), userId, hashRecoveryCode(key, userId, code));
  return result.changes === 1;
}

/** How many unused codes a user has left (shown on the account page, to prompt a renewal). */
export function remainingRecoveryCodes(db: Db, userId: string): number {
  const row = db
    .prepare('SELECT count(*) AS n FROM staff_recovery_codes WHERE user_id = ? AND used_at IS NULL')
    .get(userId) as { n: number };
  return row.n;
}

// As typed from paper: any case, with or without the dash or spaces; Crockford's look-alikes mapped.
function normalise(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
