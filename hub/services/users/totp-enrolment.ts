import {
  generateRecoveryCodes,
  matchTotpStep,
  newTotpEnrolment,
  type TotpEnrolment,
} from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import { storeRecoveryCodes } from './recovery-codes.js';
import { openTotpSecret, sealTotpSecret } from './secret-box.js';
import { revokeUserSessions } from './sessions.js';
import { UserError, UserErrorCode } from './user-errors.js';
import { requireUserByUsername } from './user-rows.js';

export type { TotpEnrolment } from '../../../common/auth/index.js';

/** Shown by authenticator apps above the account name. */
export const HUB_TOTP_ISSUER = 'e-Consulat RCA (MAE)';

/**
 * Gives the user a fresh TOTP secret, stored encrypted and unconfirmed. This is also the reset of
 * a lost phone: from now on login is refused, and the user's sessions end, until
 * {@link confirmTotpEnrolment} proves the app holds the new secret.
 */
export async function beginTotpEnrolment(
  db: Database,
  username: string,
  secretsKey: Uint8Array,
  now: Date,
): Promise<TotpEnrolment> {
  const row = await requireUserByUsername(db, username);
  const enrolment = newTotpEnrolment(HUB_TOTP_ISSUER, row.username);
  const sealed = await sealTotpSecret(secretsKey, row.id, enrolment.secret);
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE hub_users SET totp_secret_enc = $2, totp_confirmed_at = NULL, totp_last_step = NULL
       WHERE id = $1`,
      [row.id, sealed],
    );
    await tx.query('DELETE FROM hub_user_recovery_codes WHERE user_id = $1', [row.id]);
    await revokeUserSessions(tx, row.id, now);
  });
  return enrolment;
}

/**
 * Confirms an enrolment with a code from the app and returns the ten recovery codes, shown once.
 * `invalid_code` when there is no pending enrolment or the code does not match. The code's step is
 * recorded, so the same code cannot then open a session.
 */
export async function confirmTotpEnrolment(
  db: Database,
  username: string,
  code: string,
  secretsKey: Uint8Array,
  now: Date,
): Promise<{ readonly recoveryCodes: readonly string[] }> {
  const row = await requireUserByUsername(db, username);
  if (row.totp_secret_enc === null || row.totp_confirmed_at !== null) throw invalidCode();
  const secret = await openTotpSecret(secretsKey, row.id, row.totp_secret_enc);
  const step = matchTotpStep(secret, code, now, row.totp_last_step);
  if (step === undefined) throw invalidCode();
  const recoveryCodes = generateRecoveryCodes();
  await db.transaction(async (tx) => {
    // Conditional on the secret still being the one checked: a concurrent reset wins.
    const updated = await tx.query(
      `UPDATE hub_users SET totp_confirmed_at = $3::timestamptz, totp_last_step = $4
       WHERE id = $1 AND totp_secret_enc = $2 AND totp_confirmed_at IS NULL RETURNING id`,
      [row.id, row.totp_secret_enc, now.toISOString(), step],
    );
    if (updated.length !== 1) throw invalidCode();
    await storeRecoveryCodes(tx, secretsKey, row.id, recoveryCodes);
  });
  return { recoveryCodes };
}

/** A new sheet of recovery codes, voiding the old one; shown once. */
export async function renewRecoveryCodes(
  db: Database,
  username: string,
  secretsKey: Uint8Array,
): Promise<readonly string[]> {
  const row = await requireUserByUsername(db, username);
  const codes = generateRecoveryCodes();
  await db.transaction((tx) => storeRecoveryCodes(tx, secretsKey, row.id, codes));
  return codes;
}

function invalidCode(): UserError {
  return new UserError(UserErrorCode.InvalidCode, 'the code does not match a pending enrolment');
}
