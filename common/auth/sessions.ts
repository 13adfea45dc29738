import { fromBase64Url, randomBytes, sodium, toBase64Url } from '../../protocol/index.js';

/** How long a session lives, on the node (staff) and the hub (ministry users) alike. */
export interface SessionPolicy {
  /** Without a request for this long, the session ends (an unattended screen). */
  readonly idleMs: number;
  /** However active, the session ends this long after login (one working day). */
  readonly absoluteMs: number;
}

/** 30 minutes idle, 12 hours in all. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = Object.freeze({
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
});

const TOKEN_BYTES = 32;
// last_seen_at is written at most this often: a write per request would cost more than it tells.
const TOUCH_EVERY_MS = 15_000;

/** A new session token: 32 random bytes, base64url, shown once to the client and never stored. */
export function newSessionToken(): string {
  return toBase64Url(randomBytes(TOKEN_BYTES));
}

/**
 * What is stored of a token: its BLAKE2b-256. The token carries 256 bits of entropy, so an
 * unkeyed hash cannot be reversed, and a copy of the table holds nothing a client could present.
 * Undefined for a string that is not a token (never an exception on a client's input).
 */
export function sessionTokenHash(token: string): Uint8Array | undefined {
  try {
    return sodium.crypto_generichash(32, fromBase64Url(token, TOKEN_BYTES), null);
  } catch {
    return undefined;
  }
}

/** Where a live-looking session stands at `now`. */
export type SessionVerdict = 'expired' | 'idle' | 'live' | 'live_touch';

/**
 * `expired` past its absolute end, `idle` after too long without a request (both end it), else
 * `live`, or `live_touch` when its last use is old enough to be written again.
 */
export function sessionVerdict(
  session: { readonly lastSeenAt: Date; readonly expiresAt: Date },
  now: Date,
  policy: SessionPolicy,
): SessionVerdict {
  const at = now.getTime();
  if (at >= session.expiresAt.getTime()) return 'expired';
  const idle = at - session.lastSeenAt.getTime();
  if (idle >= policy.idleMs) return 'idle';
  return idle >= TOUCH_EVERY_MS ? 'live_touch' : 'live';
}

/** The absolute end of a session opened at `now`. */
export function sessionExpiry(now: Date, policy: SessionPolicy): string {
  return new Date(now.getTime() + policy.absoluteMs).toISOString();
}
