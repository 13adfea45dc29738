import {
  DEFAULT_LOCKOUT,
  generateRecoveryCodes,
  generateTotpSecret,
  matchTotpStep,
  type TotpEnrolment,
  totpUri,
} from '../../../common/auth/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import type { EnrolmentTicket, EnrolmentTickets } from './enrolment-tickets.js';
import type { LoginOptions, LoginResult } from './login.js';
import { clearAttempts, reserveAttempt } from './login-attempts.js';
import { storeRecoveryCodes } from './recovery-codes.js';
import { sealTotpSecret } from './secret-box.js';
import { DEFAULT_SESSION_POLICY, issueSession } from './sessions.js';
import { HUB_TOTP_ISSUER } from './totp-enrolment.js';
import { auditActor, USER_AUDIT_ENTITY } from './user-changes.js';
import { lockedOut, UserError, UserErrorCode } from './user-errors.js';
import { toUser, type UserRow } from './user-rows.js';

/** The enrolment step's page or answer: the secret, its URI (the QR code's text) and the step's end. */
export interface EnrolmentShown extends TotpEnrolment {
  readonly username: string;
  readonly expiresAt: string;
}

/** A confirmed first-login enrolment: the session it opens, and the recovery codes, shown once. */
export interface FirstEnrolment {
  readonly session: LoginResult;
  readonly recoveryCodes: readonly string[];
}

/**
 * Shows the secret of an enrolment step, made the first time and the same on every later call
 * (a page reloaded before the code is typed shows what the app already holds).
 * `invalid_enrolment_token` when the step is unknown, used or over.
 */
export async function showEnrolment(
  tickets: EnrolmentTickets,
  token: string,
  now: Date,
): Promise<EnrolmentShown> {
  const ticket = await tickets.find(token, now);
  if (ticket === undefined) throw invalidTicket();
  ticket.secret ??= generateTotpSecret();
  const { username } = ticket.holder;
  return {
    username,
    secret: ticket.secret,
    uri: totpUri(ticket.secret, HUB_TOTP_ISSUER, username),
    expiresAt: ticket.expiresAt.toISOString(),
  };
}

/**
 * Confirms an enrolment step with a code of its secret: the secret becomes the account's, ten
 * recovery codes are issued, the step ends and a session opens, audited as `user.totp_enrolled`.
 * Each try counts towards the account's lockout like a login's and is forgiven on success; a wrong
 * code (`invalid_code`) leaves the step open. `locked` while locked, nothing checked.
 */
export async function confirmEnrolment(
  db: Database,
  tickets: EnrolmentTickets,
  token: string,
  code: string,
  now: Date,
  options: LoginOptions,
): Promise<FirstEnrolment> {
  const ticket = await tickets.find(token, now);
  if (ticket === undefined) throw invalidTicket();
  const { holder } = ticket;
  const reservation = await reserveAttempt(db, holder.username, now, options.lockout ?? DEFAULT_LOCKOUT);
  if (!reservation.allowed) throw lockedOut(reservation.lockedUntil);
  const step = stepOf(ticket, code, now);
  if (step === undefined) throw invalidCode();
  // Taken before anything is written: two confirmations racing with one ticket, one goes on.
  if (!(await tickets.take(token))) throw invalidTicket();
  const sealed = await sealTotpSecret(options.secretsKey, holder.id, ticket.secret as string);
  const recoveryCodes = generateRecoveryCodes();
  const session = await db.transaction(async (tx) => {
    const row = await enrol(tx, ticket, sealed, step, now);
    await storeRecoveryCodes(tx, options.secretsKey, row.id, recoveryCodes);
    await clearAttempts(tx, row.username);
    await auditEnrolment(tx, row, recoveryCodes.length, now);
    const issued = await issueSession(tx, row.id, now, options.sessions ?? DEFAULT_SESSION_POLICY);
    return { ...issued, user: toUser(row) };
  });
  return { session, recoveryCodes };
}

function stepOf(ticket: EnrolmentTicket, code: string, now: Date): number | undefined {
  if (ticket.secret === undefined || typeof code !== 'string') return undefined;
  return matchTotpStep(ticket.secret, code.replace(/\s/g, ''), now, null);
}

// Conditional on the account being as the ticket found it: still active, still without a confirmed
// second factor, and with the same password (a change or a deactivation since voids the step).
async function enrol(
  tx: Queryable,
  ticket: EnrolmentTicket,
  sealed: Uint8Array,
  step: number,
  now: Date,
): Promise<UserRow> {
  const [row] = await tx.query<UserRow>(
    `UPDATE hub_users SET totp_secret_enc = $2, totp_confirmed_at = $3::timestamptz, totp_last_step = $4,
       last_login_at = $3::timestamptz
     WHERE id = $1 AND active AND totp_confirmed_at IS NULL AND password_hash = $5
     RETURNING id, username, display_name, roles, active, password_hash, totp_secret_enc,
       totp_confirmed_at, totp_last_step`,
    [ticket.holder.id, sealed, now.toISOString(), step, ticket.holder.passwordHash],
  );
  if (row === undefined) throw invalidTicket();
  return row;
}

// The fact of the enrolment only: never the secret, its URI or a recovery code.
async function auditEnrolment(tx: Queryable, row: UserRow, codes: number, now: Date): Promise<void> {
  const user = toUser(row);
  await appendAudit(tx, {
    at: now,
    actor: auditActor(user),
    action: 'user.totp_enrolled',
    entity: USER_AUDIT_ENTITY,
    entityId: row.id,
    before: { username: row.username, totpEnrolled: false },
    after: { username: row.username, totpEnrolled: true, recoveryCodesIssued: codes },
  });
}

function invalidTicket(): UserError {
  return new UserError(
    UserErrorCode.InvalidEnrolmentToken,
    'this enrolment step is unknown, used or over: log in again',
  );
}

function invalidCode(): UserError {
  return new UserError(UserErrorCode.InvalidCode, 'this code does not match: check the phone clock');
}
