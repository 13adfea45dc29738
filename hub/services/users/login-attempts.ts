import { DEFAULT_LOCKOUT, type LockoutPolicy } from '../../../common/auth/index.js';
import type { Queryable } from '../../db/database.js';

/** The answer of {@link reserveAttempt}. */
export type Reservation =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly lockedUntil: Date };

/**
 * Counts an attempt as a failure before anything is checked, in one statement, so parallel
 * guesses cannot slip past the limit while their hashes run; {@link clearAttempts} forgives it on
 * success. The attempt that reaches the limit sets the lock already: if it fails, the lock stands.
 * While locked nothing is counted or checked; a lock that has run out starts a fresh count.
 */
export async function reserveAttempt(
  db: Queryable,
  username: string,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): Promise<Reservation> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + policy.lockMs).toISOString();
  const rows = await db.query(
    `INSERT INTO hub_login_attempts AS a (username, failures, locked_until, last_attempt_at)
     VALUES ($1, 1, NULL, $2::timestamptz)
     ON CONFLICT (username) DO UPDATE SET
       failures = CASE WHEN a.locked_until IS NULL THEN a.failures + 1 ELSE 1 END,
       locked_until = CASE WHEN a.locked_until IS NULL AND a.failures + 1 >= $3::integer
                           THEN $4::timestamptz ELSE NULL END,
       last_attempt_at = $2::timestamptz
     WHERE a.locked_until IS NULL OR a.locked_until <= $2::timestamptz
     RETURNING failures`,
    [username, at, policy.maxFailures, until],
  );
  if (rows.length === 1) return { allowed: true };
  const [row] = await db.query<{ locked_until: Date | null }>(
    'SELECT locked_until FROM hub_login_attempts WHERE username = $1',
    [username],
  );
  return { allowed: false, lockedUntil: row?.locked_until ?? new Date(until) };
}

/** Forgets the failures of a username: a successful login, or an administrator's unlock. */
export async function clearAttempts(db: Queryable, username: string): Promise<void> {
  await db.query('DELETE FROM hub_login_attempts WHERE username = $1', [username]);
}

/** The end of the lock on a username, or undefined when it may try to log in. */
export async function lockedUntil(db: Queryable, username: string, now: Date): Promise<Date | undefined> {
  const [row] = await db.query<{ locked_until: Date | null }>(
    'SELECT locked_until FROM hub_login_attempts WHERE username = $1',
    [username],
  );
  const until = row?.locked_until;
  return until && until.getTime() > now.getTime() ? until : undefined;
}
