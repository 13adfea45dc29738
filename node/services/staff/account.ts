import {
  generateRecoveryCodes,
  matchTotpStep,
  newTotpEnrolment,
  type TotpEnrolment,
} from '../../../common/auth/index.js';
import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import { immediateTransaction } from '../../db/transaction.js';
import { appendAudit } from '../audit/audit-log.js';
import { invalidCredentials, StaffError, StaffErrorCode } from './errors.js';
import { clearFailures, reserveAttempt } from './login-throttle.js';
import { assertPasswordPolicy } from './password-policy.js';
import { storeRecoveryCodes } from './recovery-codes.js';
import { type IssuedSession, issueSession, revokeUserSessions } from './sessions.js';
import type { StaffContext } from './staff-context.js';
import { digestStaff, requireStaffRow, STAFF_ENTITY, type StaffRow, staffBinding } from './staff-rows.js';
import { codeSchema, type PasswordChangeInput, parseInput, passwordChangeSchema } from './staff-schema.js';

/** A confirmed enrolment: the recovery codes (shown once) and a fresh session replacing the old. */
export interface TotpEnrolled {
  readonly recoveryCodes: readonly string[];
  readonly session: IssuedSession;
}

/**
 * Replaces the user's password after checking the current one. Every session of the user ends
 * (a thief's too) and a new one is returned for the caller. A wrong current password counts
 * towards the lockout, so a stolen session cannot be used to guess the password.
 */
export async function changePassword(
  ctx: StaffContext,
  userId: string,
  input: PasswordChangeInput,
): Promise<IssuedSession> {
  const form = parseInput(passwordChangeSchema, input);
  const now = ctx.now();
  const row = requireActive(ctx, userId);
  // Counted like a login before the hash runs; forgiven as soon as the current password matches.
  reserveAttempt(ctx.store.db, row.username, now, ctx.lockout);
  const check = await ctx.hasher.verify(row.password_hash, form.currentPassword);
  if (!check.valid) throw invalidCredentials();
  clearFailures(ctx.store.db, row.username);
  assertPasswordPolicy(form.newPassword, row.username);
  if (form.newPassword === form.currentPassword) {
    throw new StaffError(StaffErrorCode.WeakPassword, 'the new password must differ from the current one', {
      reason: 'unchanged',
    });
  }
  const hash = await ctx.hasher.hash(form.newPassword);
  return immediateTransaction(ctx.store.db, () => {
    // Conditional: a concurrent change or admin reset in the meantime wins, this one is refused.
    const beforeDigest = digestStaff(ctx.store, row);
    const changed = ctx.store.db
      .prepare(
        `UPDATE staff_users SET password_hash = ?, must_change_password = 0, password_changed_at = ?, updated_at = ?
           WHERE id = ? AND password_hash = ? AND active = 1`,
      )
      .run(hash, now.toISOString(), now.toISOString(), row.id, row.password_hash).changes;
    if (changed !== 1) throw invalidCredentials();
    return rotate(ctx, row, beforeDigest, 'staff.password_changed', 'password_changed', now);
  });
}

/** Starts (or restarts) TOTP enrolment: a new secret, kept encrypted until a first code confirms it. */
export function beginTotpEnrolment(ctx: StaffContext, userId: string): TotpEnrolment {
  const row = requireActive(ctx, userId);
  if (row.totp_secret_enc !== null) throw alreadyEnrolled();
  const enrolment = newTotpEnrolment(ctx.issuer, row.username);
  const stored = encryptField(ctx.store.keys.field, enrolment.secret, staffBinding('totp_pending', row.id));
  ctx.store.db.prepare('UPDATE staff_users SET totp_pending_enc = ? WHERE id = ?').run(stored, row.id);
  return enrolment;
}

/**
 * Confirms enrolment with the first code of the new secret: the secret becomes the account's,
 * ten recovery codes are issued, and the sessions are replaced (the old one was opened on the
 * password alone).
 */
export function confirmTotpEnrolment(ctx: StaffContext, userId: string, code: string): TotpEnrolled {
  const now = ctx.now();
  return immediateTransaction(ctx.store.db, (): TotpEnrolled => {
    const row = requireActive(ctx, userId);
    if (row.totp_secret_enc !== null) throw alreadyEnrolled();
    if (row.totp_pending_enc === null)
      throw new StaffError(StaffErrorCode.TotpNotPending, 'start the TOTP enrolment first');
    const secret = decryptField(
      ctx.store.keys.field,
      row.totp_pending_enc,
      staffBinding('totp_pending', row.id),
    );
    const step = matchTotpStep(secret, parseInput(codeSchema, code).replace(/\s/g, ''), now, null);
    if (step === undefined)
      throw new StaffError(StaffErrorCode.InvalidCode, 'this code does not match: check the phone clock');
    const stored = encryptField(ctx.store.keys.field, secret, staffBinding('totp_secret', row.id));
    const beforeDigest = digestStaff(ctx.store, row);
    ctx.store.db
      .prepare(
        `UPDATE staff_users SET totp_secret_enc = ?, totp_pending_enc = NULL, totp_enrolled_at = ?,
             totp_last_step = ?, updated_at = ? WHERE id = ?`,
      )
      .run(stored, now.toISOString(), step, now.toISOString(), row.id);
    const recoveryCodes = generateRecoveryCodes();
    storeRecoveryCodes(ctx.store.db, ctx.recoveryKey, row.id, recoveryCodes);
    return {
      recoveryCodes,
      session: rotate(ctx, row, beforeDigest, 'staff.totp_enrolled', 'totp_enrolled', now),
    };
  });
}

// Audits the change and replaces every session of the user with a new one for the caller.
function rotate(
  ctx: StaffContext,
  before: StaffRow,
  beforeDigest: string,
  action: string,
  reason: string,
  now: Date,
): IssuedSession {
  const after = requireStaffRow(ctx.store.db, before.id);
  appendAudit(ctx.store.db, {
    actor: before.username,
    action,
    entity: STAFF_ENTITY,
    entityId: before.id,
    beforeDigest,
    afterDigest: digestStaff(ctx.store, after),
    at: now.toISOString(),
  });
  revokeUserSessions(ctx.store.db, before.id, reason, now);
  return issueSession(ctx.store, before.id, now, ctx.sessions);
}

function requireActive(ctx: StaffContext, userId: string): StaffRow {
  const row = requireStaffRow(ctx.store.db, userId);
  if (row.active !== 1) throw new StaffError(StaffErrorCode.Forbidden, 'this account is deactivated');
  return row;
}

function alreadyEnrolled(): StaffError {
  return new StaffError(
    StaffErrorCode.TotpAlreadyEnrolled,
    'TOTP is already set up: an admin must reset it first',
  );
}
