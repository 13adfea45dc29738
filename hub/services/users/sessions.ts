import { fromBase64Url, randomBytes, ready, sodium, toBase64Url } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import { type MinistryUser, toUser, type UserRow } from './user-rows.js';

/** How long a session lives. */
export interface SessionPolicy {
  /** Without a request for this long, the session ends (an unattended desk). */
  readonly idleMs: number;
  /** However active, the session ends this long after login (one working day). */
  readonly absoluteMs: number;
}

/** 30 minutes idle, 12 hours in all. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** A bearer token as issued: the token itself is shown once and never stored. */
export interface IssuedSession {
  /** 32 random bytes, base64url: `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The absolute end of the session; it ends earlier after {@link SessionPolicy.idleMs} without use. */
  readonly expiresAt: string;
}

const TOKEN_BYTES = 32;
// last_seen_at is written at most this often: a write per API call would cost more than it tells.
const TOUCH_EVERY_MS = 15_000;

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
  const token = toBase64Url(randomBytes(TOKEN_BYTES));
  const expiresAt = new Date(now.getTime() + policy.absoluteMs).toISOString();
  await tx.query(
    `INSERT INTO hub_sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3::timestamptz, $3::timestamptz, $4::timestamptz)`,
    [await hashToken(token), userId, now.toISOString(), expiresAt],
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
  const tokenHash = await hashTokenOrUndefined(token);
  if (tokenHash === undefined) return null;
  const [row] = await db.query<SessionJoin>(
    `SELECT u.id, u.username, u.display_name, u.roles, u.active, u.password_hash, u.totp_secret_enc,
            u.totp_confirmed_at, u.totp_last_step, s.last_seen_at, s.expires_at, s.revoked_at
     FROM hub_sessions s JOIN hub_users u ON u.id = s.user_id WHERE s.token_hash = $1`,
    [tokenHash],
  );
  if (!row || row.revoked_at !== null || !row.active || row.totp_confirmed_at === null) return null;
  const at = now.getTime();
  const idle = at - row.last_seen_at.getTime();
  if (at >= row.expires_at.getTime() || idle >= policy.idleMs) {
    await revoke(db, tokenHash, now);
    return null;
  }
  if (idle >= TOUCH_EVERY_MS) {
    await db.query('UPDATE hub_sessions SET last_seen_at = $2::timestamptz WHERE token_hash = $1', [
      tokenHash,
      now.toISOString(),
    ]);
  }
  return toUser(row);
}

/** Ends the session of a token. Returns whether a live session was ended (false for an unknown token). */
export async function logout(db: Queryable, token: string, now: Date): Promise<boolean> {
  const tokenHash = await hashTokenOrUndefined(token);
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

// The token carries 256 bits of entropy: an unkeyed hash cannot be reversed, and a copy of the
// table holds nothing a client could present.
async function hashToken(token: string): Promise<Uint8Array> {
  await ready();
  return sodium.crypto_generichash(32, fromBase64Url(token, TOKEN_BYTES), null);
}

async function hashTokenOrUndefined(token: string): Promise<Uint8Array | undefined> {
  try {
    return await hashToken(token);
  } catch {
    return undefined;
  }
}
