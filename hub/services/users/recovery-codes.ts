import { hashRecoveryCode, type RecoveryCodeScheme, recoveryCodeKey } from '../../../common/auth/index.js';
import { ready } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { assertSecretsKey } from './secret-box.js';

/** The hub's scheme: its stored hashes were made with exactly this context and label. */
const HUB_RECOVERY_CODES: RecoveryCodeScheme = { kdfContext: 'hubrcode', label: 'econsulat/hub-recovery' };

/**
 * Keyed BLAKE2b of a code for one user, under a subkey of the secrets key (common/auth): the user
 * id is hashed in, so a code is worth nothing on another account.
 */
export async function hashUserRecoveryCode(
  secretsKey: Uint8Array,
  userId: string,
  code: string,
): Promise<Uint8Array> {
  assertSecretsKey(secretsKey);
  await ready();
  return hashRecoveryCode(recoveryCodeKey(secretsKey, HUB_RECOVERY_CODES), HUB_RECOVERY_CODES, userId, code);
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
      await hashUserRecoveryCode(secretsKey, userId, code),
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
    [userId, await hashUserRecoveryCode(secretsKey, userId, code), now.toISOString()],
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
