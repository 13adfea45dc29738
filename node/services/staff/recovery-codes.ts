import { hashRecoveryCode, type RecoveryCodeScheme, recoveryCodeKey } from '../../../common/auth/index.js';
import type { Db } from '../../db/db.js';

/** The node's scheme: its stored hashes were made with exactly this context and label. */
export const STAFF_RECOVERY_CODES: RecoveryCodeScheme = {
  kdfContext: 'staffrc1',
  label: 'econsulat/staff-recovery',
};

/** The subkey that keys the codes' hashes, derived from the index key. */
export function recoveryKey(indexKey: Uint8Array): Uint8Array {
  return recoveryCodeKey(indexKey, STAFF_RECOVERY_CODES);
}

function hashCode(key: Uint8Array, userId: string, code: string): Uint8Array {
  return hashRecoveryCode(key, STAFF_RECOVERY_CODES, userId, code);
}

/** Replaces a user's codes with new ones (an enrolment). */
export function storeRecoveryCodes(db: Db, key: Uint8Array, userId: string, codes: readonly string[]): void {
  deleteRecoveryCodes(db, userId);
  const insert = db.prepare('INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES (?, ?)');
  for (const code of codes) insert.run(userId, hashCode(key, userId, code));
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
    .run(at.toISOString(), userId, hashCode(key, userId, code));
  return result.changes === 1;
}

/** How many unused codes a user has left (shown on the account page, to prompt a renewal). */
export function remainingRecoveryCodes(db: Db, userId: string): number {
  const row = db
    .prepare('SELECT count(*) AS n FROM staff_recovery_codes WHERE user_id = ? AND used_at IS NULL')
    .get(userId) as { n: number };
  return row.n;
}
