import { randomUUID } from 'node:crypto';
import {
  newSessionToken,
  type SessionPolicy,
  sessionExpiry,
  sessionTokenHash,
  sessionVerdict,
} from '../../../common/auth/index.js';
import { randomBytes, toBase64Url } from '../../../protocol/index.js';
import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/db.js';
import type { Store } from '../../db/store.js';
import { decodeStaff, type StaffRow } from './staff-rows.js';
import type { StaffUser } from './staff-schema.js';

export { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../../../common/auth/index.js';

/** What a login gives the client: the token is shown once and never stored. */
export interface IssuedSession {
  readonly sessionId: string;
  /** 32 random bytes, base64url: the cookie's value. */
  readonly token: string;
  /** The per-session secret the forms layer derives CSRF tokens from. */
  readonly csrfSecret: string;
  readonly expiresAt: string;
}

/** A step the account must take before any permission applies. */
export type PendingStep = 'change_password' | 'enrol_totp';

/** The user behind a valid session, with what {@link can} needs. */
export interface StaffPrincipal extends StaffUser {
  readonly sessionId: string;
  readonly csrfSecret: string;
  /** Empty for a fully enrolled account; otherwise every permission is denied. */
  readonly pending: readonly PendingStep[];
}

const CSRF_SECRET_BYTES = 32;

type SessionJoin = StaffRow & {
  readonly session_id: string;
  readonly csrf_secret_enc: Uint8Array;
  readonly session_created_at: string;
  readonly last_seen_at: string;
  readonly expires_at: string;
  readonly revoked_at: string | null;
};

/** Opens a session for a user. Call inside the login's transaction. */
export function issueSession(store: Store, userId: string, now: Date, policy: SessionPolicy): IssuedSession {
  const sessionId = randomUUID();
  const token = newSessionToken();
  const csrfSecret = toBase64Url(randomBytes(CSRF_SECRET_BYTES));
  const expiresAt = sessionExpiry(now, policy);
  store.db
    .prepare(
      `INSERT INTO staff_sessions (id, token_hash, user_id, csrf_secret_enc, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      sessionId,
      sessionTokenHash(token),
      userId,
      encryptCsrf(store, sessionId, csrfSecret),
      now.toISOString(),
      now.toISOString(),
      expiresAt,
    );
  return { sessionId, token, csrfSecret, expiresAt };
}

/**
 * The principal behind a token, or null when the token is unknown, revoked, idle too long, past
 * its lifetime, or its user is deactivated. Refreshes the session's last-seen time.
 */
export function authenticateSession(
  store: Store,
  token: string,
  now: Date,
  policy: SessionPolicy,
): StaffPrincipal | null {
  const tokenHash = sessionTokenHash(token);
  if (tokenHash === undefined) return null;
  const row = store.db
    .prepare(
      `SELECT u.*, s.id AS session_id, s.csrf_secret_enc, s.created_at AS session_created_at,
              s.last_seen_at, s.expires_at, s.revoked_at
       FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(tokenHash) as SessionJoin | undefined;
  if (!row || row.revoked_at !== null || row.active !== 1) return null;
  const verdict = sessionVerdict(
    { lastSeenAt: new Date(row.last_seen_at), expiresAt: new Date(row.expires_at) },
    now,
    policy,
  );
  if (verdict === 'expired' || verdict === 'idle') return endExpired(store.db, row.session_id, verdict, now);
  if (verdict === 'live_touch') {
    store.db
      .prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id = ?')
      .run(now.toISOString(), row.session_id);
  }
  return {
    ...decodeStaff(store, row),
    sessionId: row.session_id,
    csrfSecret: decryptField(store.keys.field, row.csrf_secret_enc, csrfBinding(row.session_id)),
    pending: pendingSteps(row),
  };
}

/** What an account must still do before it may act. */
export function pendingSteps(row: Pick<StaffRow, 'must_change_password' | 'totp_secret_enc'>): PendingStep[] {
  const steps: PendingStep[] = [];
  if (row.must_change_password === 1) steps.push('change_password');
  if (row.totp_secret_enc === null) steps.push('enrol_totp');
  return steps;
}

/** Ends the session of a token (logout). Returns whether a live session was ended. */
export function revokeSessionByToken(db: Db, token: string, reason: string, now: Date): boolean {
  const tokenHash = sessionTokenHash(token);
  if (tokenHash === undefined) return false;
  const result = db
    .prepare(
      'UPDATE staff_sessions SET revoked_at = ?, revoke_reason = ? WHERE token_hash = ? AND revoked_at IS NULL',
    )
    .run(now.toISOString(), reason, tokenHash);
  return result.changes === 1;
}

/** Ends every live session of a user; returns how many. */
export function revokeUserSessions(db: Db, userId: string, reason: string, now: Date): number {
  return db
    .prepare(
      'UPDATE staff_sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL',
    )
    .run(now.toISOString(), reason, userId).changes;
}

function endExpired(db: Db, sessionId: string, reason: string, now: Date): null {
  db.prepare(
    'UPDATE staff_sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL',
  ).run(now.toISOString(), reason, sessionId);
  return null;
}

function csrfBinding(sessionId: string) {
  return { table: 'staff_sessions', column: 'csrf_secret', rowId: sessionId };
}

function encryptCsrf(store: Store, sessionId: string, secret: string): Uint8Array {
  return encryptField(store.keys.field, secret, csrfBinding(sessionId));
}
