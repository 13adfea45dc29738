import { looksLikeTotpCode, matchTotpStep } from '../../../common/auth/index.js';
import { decryptField } from '../../crypto/field-cipher.js';
import { immediateTransaction } from '../../db/transaction.js';
import { appendAudit } from '../audit/audit-log.js';
import { invalidCredentials, type StaffError } from './errors.js';
import { clearFailures, reserveAttempt } from './login-throttle.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { type IssuedSession, issueSession, type PendingStep, pendingSteps } from './sessions.js';
import { normaliseUsername, type StaffContext } from './staff-context.js';
import {
  decodeStaff,
  STAFF_ENTITY,
  type StaffRow,
  selectStaffRow,
  selectStaffRowByUsername,
  staffBinding,
} from './staff-rows.js';
import { type LoginInput, loginSchema, parseInput, type StaffUser } from './staff-schema.js';

/** A successful login: the session, and what the account must still do before it may act. */
export interface LoginResult extends IssuedSession {
  readonly user: StaffUser;
  /** Non-empty for a new or reset account: the session then serves only to finish enrolment. */
  readonly pending: readonly PendingStep[];
}

type Outcome =
  | { readonly ok: true; readonly result: LoginResult }
  | { readonly ok: false; readonly error: StaffError };

/**
 * Logs in with username, password and a TOTP or recovery code (the code is ignored, and the
 * session restricted to enrolment, while the account has no TOTP yet). Every refusal is the same
 * `invalid_credentials`, except `account_locked` after too many failures, when nothing is checked.
 */
export async function login(ctx: StaffContext, input: LoginInput): Promise<LoginResult> {
  const form = parseInput(loginSchema, input);
  const username = normaliseUsername(form.username);
  const now = ctx.now();
  // Counted before the hash runs (common/auth/lockout.ts), forgiven below if the login succeeds.
  const { setsLock } = reserveAttempt(ctx.store.db, username, now, ctx.lockout);
  const row = selectStaffRowByUsername(ctx.store.db, username);
  const usable = row !== undefined && row.active === 1;
  const storedHash = usable ? row.password_hash : await ctx.dummyHash();
  const check = await ctx.hasher.verify(storedHash, form.password);
  // The hash ran outside any transaction; everything it decides is re-read under the write lock.
  const outcome = immediateTransaction(ctx.store.db, () =>
    settle(ctx, username, usable ? row : undefined, check.valid, form.code, now, setsLock),
  );
  if (!outcome.ok) throw outcome.error;
  if (check.needsRehash && row) await rehash(ctx, row, form.password);
  return outcome.result;
}

function settle(
  ctx: StaffContext,
  username: string,
  seen: StaffRow | undefined,
  passwordValid: boolean,
  code: string | undefined,
  now: Date,
  setsLock: boolean,
): Outcome {
  const row = seen ? selectStaffRow(ctx.store.db, seen.id) : undefined;
  const passed =
    passwordValid &&
    row !== undefined &&
    row.active === 1 &&
    row.password_hash === seen?.password_hash &&
    checkSecondFactor(ctx, row, code, now);
  if (!passed || row === undefined) return fail(ctx, row, now, setsLock);
  clearFailures(ctx.store.db, username);
  ctx.store.db
    .prepare('UPDATE staff_users SET last_login_at = ? WHERE id = ?')
    .run(now.toISOString(), row.id);
  const session = issueSession(ctx.store, row.id, now, ctx.sessions);
  appendAudit(ctx.store.db, {
    actor: row.username,
    action: 'staff.login',
    entity: STAFF_ENTITY,
    entityId: row.id,
    at: now.toISOString(),
  });
  const fresh = selectStaffRow(ctx.store.db, row.id) ?? row;
  return {
    ok: true,
    result: { ...session, user: decodeStaff(ctx.store, fresh), pending: pendingSteps(fresh) },
  };
}

// Run only once the password matched, so a wrong password never burns a recovery code or a step.
function checkSecondFactor(ctx: StaffContext, row: StaffRow, code: string | undefined, now: Date): boolean {
  if (row.totp_secret_enc === null) return true;
  if (code === undefined) return false;
  if (looksLikeTotpCode(code)) {
    const secret = decryptField(
      ctx.store.keys.field,
      row.totp_secret_enc,
      staffBinding('totp_secret', row.id),
    );
    const step = matchTotpStep(secret, code.replace(/\s/g, ''), now, row.totp_last_step);
    if (step === undefined) return false;
    ctx.store.db.prepare('UPDATE staff_users SET totp_last_step = ? WHERE id = ?').run(step, row.id);
    return true;
  }
  const used = consumeRecoveryCode(ctx.store.db, ctx.recoveryKey, row.id, code, now);
  if (used) {
    appendAudit(ctx.store.db, {
      actor: row.username,
      action: 'staff.recovery_code_used',
      entity: STAFF_ENTITY,
      entityId: row.id,
      at: now.toISOString(),
    });
  }
  return used;
}

// The attempt was counted when it began: a failure leaves the count, and the lock if it set one.
function fail(ctx: StaffContext, row: StaffRow | undefined, now: Date, setsLock: boolean): Outcome {
  if (row && setsLock) {
    appendAudit(ctx.store.db, {
      actor: 'system:login',
      action: 'staff.locked',
      entity: STAFF_ENTITY,
      entityId: row.id,
      at: now.toISOString(),
    });
  }
  return { ok: false, error: invalidCredentials() };
}

// Hashes made under older limits are upgraded while the password is at hand. Conditional on the
// hash being unchanged, so a password changed meanwhile is never overwritten. A failure here
// leaves the old hash, which still verifies: the next login tries again.
async function rehash(ctx: StaffContext, row: StaffRow, password: string): Promise<void> {
  try {
    const fresh = await ctx.hasher.hash(password);
    ctx.store.db
      .prepare('UPDATE staff_users SET password_hash = ? WHERE id = ? AND password_hash = ?')
      .run(fresh, row.id, row.password_hash);
  } catch {
    // Deliberately ignored: see above.
  }
}
