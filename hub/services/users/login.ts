import {
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  looksLikeTotpCode,
  matchTotpStep,
} from '../../../common/auth/index.js';
import { randomBytes, toBase64Url } from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import type { EnrolmentTickets, IssuedEnrolmentTicket } from './enrolment-tickets.js';
import { clearAttempts, reserveAttempt } from './login-attempts.js';
import { type PasswordHasher, sharedPasswordHasher } from './password-hasher.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { openTotpSecret } from './secret-box.js';
import { DEFAULT_SESSION_POLICY, type IssuedSession, issueSession, type SessionPolicy } from './sessions.js';
import { invalidCredentials, lockedOut } from './user-errors.js';
import {
  type MinistryUser,
  normaliseUsername,
  selectUserByUsername,
  toUser,
  type UserRow,
} from './user-rows.js';

/**
 * What a user types: `totp` is the app's 6-digit code, or one of the recovery codes; absent (or
 * ignored) at a first login, before there is an app to read it from.
 */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
  readonly totp?: string | undefined;
}

/** What login needs besides the database. */
export interface LoginOptions {
  /** 32 bytes: opens TOTP secrets and keys recovery-code hashes. */
  readonly secretsKey: Uint8Array;
  /** The process's shared argon2id workers when absent. */
  readonly hasher?: PasswordHasher;
  readonly sessions?: SessionPolicy;
  readonly lockout?: LockoutPolicy;
}

/** A successful login: the bearer token, its absolute end, and who it is. */
export interface LoginResult extends IssuedSession {
  readonly user: MinistryUser;
}

/** A right password on an account without a confirmed second factor: the enrolment step, no session. */
export interface EnrolmentRequired {
  readonly enrolment: IssuedEnrolmentTicket;
}

/**
 * Logs a ministry user in with password and TOTP (or a recovery code). Every refusal is the same
 * `invalid_credentials` — wrong password, wrong, replayed or reused code, unknown, inactive or
 * unenrolled user — except `locked` after too many failures, when nothing is checked.
 */
export async function login(
  db: Database,
  credentials: LoginCredentials,
  now: Date,
  options: LoginOptions,
): Promise<LoginResult> {
  const result = await attemptLogin(db, credentials, now, options, undefined);
  if ('enrolment' in result) throw invalidCredentials();
  return result;
}

/**
 * {@link login}, except that a right password on an account whose TOTP is not confirmed (new, or
 * reset) gets an enrolment ticket instead of a refusal. The attempt stays counted towards the
 * lockout until the enrolment's code is confirmed (first-login-enrolment.ts), as a login whose
 * second factor is still to come.
 */
export async function loginOrEnrol(
  db: Database,
  credentials: LoginCredentials,
  now: Date,
  options: LoginOptions,
  tickets: EnrolmentTickets,
): Promise<LoginResult | EnrolmentRequired> {
  return attemptLogin(db, credentials, now, options, tickets);
}

async function attemptLogin(
  db: Database,
  credentials: LoginCredentials,
  now: Date,
  options: LoginOptions,
  tickets: EnrolmentTickets | undefined,
): Promise<LoginResult | EnrolmentRequired> {
  const { password, totp } = credentials;
  if (
    typeof credentials.username !== 'string' ||
    typeof password !== 'string' ||
    (typeof totp !== 'string' && totp !== undefined)
  ) {
    throw invalidCredentials();
  }
  const username = normaliseUsername(credentials.username);
  const reservation = await reserveAttempt(db, username, now, options.lockout ?? DEFAULT_LOCKOUT);
  if (!reservation.allowed) throw lockedOut(reservation.lockedUntil);
  const hasher = options.hasher ?? sharedPasswordHasher();
  const checked = await passwordChecked(db, username, password, hasher);
  if (checked === undefined) throw invalidCredentials();
  const { row, needsRehash } = checked;
  if (!isEnrolled(row)) {
    if (tickets === undefined) throw invalidCredentials();
    // No rehash here: the ticket is bound to the hash the password matched.
    const holder = { id: row.id, username: row.username, passwordHash: row.password_hash };
    return { enrolment: await tickets.issue(holder, now) };
  }
  const secret = await openTotpSecret(options.secretsKey, row.id, row.totp_secret_enc as Uint8Array);
  const session = await db.transaction(async (tx) => {
    if (totp === undefined) return undefined;
    if (!(await checkSecondFactor(tx, row, secret, totp, now, options.secretsKey))) return undefined;
    await clearAttempts(tx, username);
    await tx.query('UPDATE hub_users SET last_login_at = $2::timestamptz WHERE id = $1', [
      row.id,
      now.toISOString(),
    ]);
    return issueSession(tx, row.id, now, options.sessions ?? DEFAULT_SESSION_POLICY);
  });
  if (session === undefined) throw invalidCredentials();
  if (needsRehash) await rehash(db, row, password, hasher);
  return { ...session, user: toUser(row) };
}

/** Whether the account's second factor is confirmed: only then does a login open a session. */
function isEnrolled(row: UserRow): boolean {
  return row.totp_confirmed_at !== null && row.totp_secret_enc !== null;
}

/** The row of an active user whose password matches (and whether its hash is old), or undefined. */
async function passwordChecked(
  db: Database,
  username: string,
  password: string,
  hasher: PasswordHasher,
): Promise<{ readonly row: UserRow; readonly needsRehash: boolean } | undefined> {
  const row = await selectUserByUsername(db, username);
  const usable = row?.active === true;
  // Unknown and unusable accounts cost one argon2id too, so timing does not tell them apart.
  const hash = usable ? row.password_hash : await dummyHash(hasher);
  const check = await hasher.verify(hash, password);
  return check.valid && usable ? { row, needsRehash: check.needsRehash } : undefined;
}

// Hashes made under older limits are upgraded while the password is at hand. Conditional on the
// hash being unchanged, so a password changed meanwhile is never overwritten. A failure here
// leaves the old hash, which still verifies: the next login tries again.
async function rehash(db: Database, row: UserRow, password: string, hasher: PasswordHasher): Promise<void> {
  try {
    const fresh = await hasher.hash(password);
    await db.query('UPDATE hub_users SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [
      row.id,
      fresh,
      row.password_hash,
    ]);
  } catch {
    // Deliberately ignored: see above.
  }
}

// Run only once the password matched, so a wrong password never burns a recovery code or a step.
async function checkSecondFactor(
  tx: Queryable,
  row: UserRow,
  secret: string,
  code: string,
  now: Date,
  secretsKey: Uint8Array,
): Promise<boolean> {
  if (!looksLikeTotpCode(code)) return consumeRecoveryCode(tx, secretsKey, row.id, code, now);
  const step = matchTotpStep(secret, code, now, row.totp_last_step);
  if (step === undefined) return false;
  // RFC 6238 §5.2: conditional, so two logins racing with the same code cannot both pass.
  const updated = await tx.query(
    `UPDATE hub_users SET totp_last_step = $2
     WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
    [row.id, step],
  );
  return updated.length === 1;
}

const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

function dummyHash(hasher: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(hasher);
  if (hash === undefined) {
    hash = hasher.hash(toBase64Url(randomBytes(24)));
    dummyHashes.set(hasher, hash);
  }
  return hash;
}
