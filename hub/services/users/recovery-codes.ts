import { randomBytes, ready, sodium, utf8 } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { assertSecretsKey } from './secret-box.js';

/** How many recovery codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 alphabet: no I, L, O, U, so a code copied by hand from paper reads back right.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 10 symbols × 5 bits = 50 bits each. With the lockout (5 tries per 15 min) guessing one is out of
// reach online; that entropy is why a fast keyed hash suffices rather than argon2id.
const SYMBOLS = 10;

/** Ten fresh codes, `XXXXX-XXXXX`, shown to the user once. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    // 256 is a multiple of 32: each byte modulo 32 has no bias.
    const symbols = Array.from(randomBytes(SYMBOLS), (byte) => ALPHABET[byte % 32]).join('');
    return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  });
}

/** Whether a string has the shape of a recovery code (any case, dash and spaces optional). */
export function looksLikeRecoveryCode(text: string): boolean {
  return normalise(text).length === SYMBOLS && /^[0-9A-Z]+$/.test(normalise(text));
}

/**
 * Keyed BLAKE2b of a code for one user, under a subkey of the secrets key (one purpose per key):
 * the user id is hashed in, so a code is worth nothing on another account, and without the key a
 * stolen table cannot be brute-forced offline.
 */
export async function hashRecoveryCode(
  secretsKey: Uint8Array,
  userId: string,
  code: string,
): Promise<Uint8Array> {
  assertSecretsKey(secretsKey);
  await ready();
  const key = sodium.crypto_kdf_derive_from_key(32, 1, 'hubrcode', secretsKey);
  return sodium.crypto_generichash(32, utf8(`econsulat/hub-recovery\0${userId}\0${normalise(code)}`), key);
}

/** Replaces a user's codes with these (a new enrolment voids the old sheet). */
export async function storeRecoveryCodes(
  tx: Queryable,
  secretsKey: Uint8Array,
  userId: string,
  codes: readonly string[],
): Promise<void> {
  await tx.query('DELETE FROM hub_user_recovery_codes WHERE user_id = $1', [userId]);
  for (const code of codes) {
    await tx.query('INSERT INTO hub_user_recovery_codes (user_id, code_hash) VALUES ($1, $2)', [
      userId,
      await hashRecoveryCode(secretsKey, userId, code),
    ]);
  }
}

/**
 * Marks the code used and returns true when it was one of the user's unused codes. The update is
 * conditional, so two logins racing with the same code cannot both succeed.
 */
export async function consumeRecoveryCode(
  tx: Queryable,
  secretsKey: Uint8Array,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE hub_user_recovery_codes SET used_at = $3::timestamptz
     WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id`,
    [userId, await hashRecoveryCode(secretsKey, userId, code), now.toISOString()],
  );
  return rows.length === 1;
}

/** How many unused codes a user has left (to prompt a new sheet before they run out). */
export async function remainingRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM hub_user_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

// As typed from paper: any case, with or without the dash or spaces; Crockford's look-alikes mapped.
function normalise(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
