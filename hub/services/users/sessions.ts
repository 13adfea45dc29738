import {
  DEFAULT_SESSION_POLICY,
  newSessionToken,
  type SessionPolicy,
  sessionExpiry,
  sessionTokenHash,
  sessionVerdict,
} from '../../../common/auth/index.js';
import { ready } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { type MinistryUser, toUser, type UserRow } from './user-rows.js';

export { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../../../common/auth/index.js';

/** A bearer token as issued: the token itself is shown once and never stored. */
export interface IssuedSession {
  /** 32 random bytes, base64url: `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The absolute end of the session; it ends earlier after {@link SessionPolicy.idleMs} without use. */
  readonly expiresAt: string;
}

type SessionJoin = UserRow & {
  readonly last_seen_at: Date;
  readonly expires_at: Date;
  readonly revoked_at: Date | null;
};

/** Opens a session for a user. Call inside the login's transaction. */
export async function issueSession(
  tx: Queryable,
  userId: string,
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<IssuedSession> {
  const token = newSessionToken();
  const expiresAt = sessionExpiry(now, policy);
  // A token made here always has a hash.
  const tokenHash = (await hashToken(token)) as Uint8Array;
  await tx.query(
    `INSERT INTO hub_sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3::timestamptz, $3::timestamptz, $4::timestamptz)`,
    [tokenHash, userId, now.toISOString(), expiresAt],
  );
  return { token, expiresAt };
}

/**
 * The user behind a bearer token, or null when the token is malformed, unknown, revoked, idle too
 * long, past its lifetime, or its user is deactivated or no longer enrolled. Refreshes the
 * session's last use.
 */
export async function authenticate(
  db: Queryable,
  token: string,
  now: Date,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<MinistryUser | null> {
  const tokenHash = await hashToken(token);
  if (tokenHash === undefined) return null;
  const [row] = await db.query<SessionJoin>(
    `SELECT u.id, u.username, u.display_name, u.roles, u.active, u.password_hash, u.totp_secret_enc,
            u.totp_confirmed_at, u.totp_last_step, s.last_seen_at, s.expires_at, s.revoked_at
     FROM hub_sessions s JOIN hub_users u ON u.id = s.user_id WHERE s.token_hash = $1`,
    [tokenHash],
  );
  if (!row || row.revoked_at !== null || !row.active || row.totp_confirmed_at === null) return null;
  const verdict = sessionVerdict({ lastSeenAt: row.last_seen_at, expiresAt: row.expires_at }, now, policy);
  if (verdict === 'expired' || verdict === 'idle') {
    await revoke(db, tokenHash, now);
    return null;
  }
  if (verdict === 'live_touch') {
    await db.query('UPDATE hub_sessions SET last_seen_at = $2::timestamptz WHERE token_hash = $1', [
      tokenHash,
      now.toISOString(),
    ]);
  }
  return toUser(row);
}

/** Ends the session of a token. Returns whether a live session was ended (false for an unknown token). */
export async function logout(db: Queryable, token: string, now: Date): Promise<boolean> {
  const tokenHash = await hashToken(token);
  if (tokenHash === undefined) return false;
  return revoke(db, tokenHash, now);
}

/** Ends every live session of a user (deactivation, password or TOTP reset); returns how many. */
export async function revokeUserSessions(tx: Queryable, userId: string, now: Date): Promise<number> {
  const rows = await tx.query(
    `UPDATE hub_sessions SET revoked_at = $2::timestamptz
     WHERE user_id = $1 AND revoked_at IS NULL RETURNING user_id`,
    [userId, now.toISOString()],
  );
  return rows.length;
}

async function revoke(db: Queryable, tokenHash: Uint8Array, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE hub_sessions SET revoked_at = $2::timestamptz
     WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id`,
    [tokenHash, now.toISOString()],
  );
  return rows.length === 1;
}

// libsodium loads once per process; the hub may hash a token before anything else needed it.
async function hashToken(token: string): Promise<Uint8Array | undefined> {
  await ready();
  return sessionTokenHash(token);
}
