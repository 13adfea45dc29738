import {
  countFailure,
  DEFAULT_LOCKOUT,
  type FailureCount,
  type LockoutPolicy,
  lockEnd,
} from '../../../common/auth/index.js';
import type { Database, Queryable } from '../../db/database.js';

/** The answer of {@link reserveAttempt}. */
export type Reservation =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly lockedUntil: Date };

/**
 * Counts an attempt before anything is checked, by the rule both sides share
 * (common/auth/lockout.ts), so parallel guesses cannot slip past the limit while their hashes
 * run; {@link clearAttempts} forgives it on success. The attempt that reaches the limit sets the
 * lock already: if it fails, the lock stands. While locked nothing is counted or checked.
 */
export async function reserveAttempt(
  db: Database,
  username: string,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): Promise<Reservation> {
  return db.transaction(async (tx) => {
    // The row exists before it is locked for update: two first attempts at once then queue on it.
    await tx.query(
      `INSERT INTO hub_login_attempts (username, failures, locked_until, last_attempt_at)
       VALUES ($1, 0, NULL, $2::timestamptz) ON CONFLICT (username) DO NOTHING`,
      [username, now.toISOString()],
    );
    const [row] = await tx.query<AttemptRow>(
      `SELECT failures, locked_until, last_attempt_at FROM hub_login_attempts WHERE username = $1 FOR UPDATE`,
      [username],
    );
    const previous = row && row.failures > 0 ? toCount(row) : undefined;
    const until = lockEnd(previous, now);
    if (until !== undefined) return { allowed: false, lockedUntil: new Date(until) } as const;
    const next = countFailure(previous, now, policy);
    await tx.query(
      `UPDATE hub_login_attempts SET failures = $2, locked_until = $3::timestamptz, last_attempt_at = $4::timestamptz
       WHERE username = $1`,
      [username, next.failures, next.lockedUntil, next.lastFailureAt],
    );
    return { allowed: true } as const;
  });
}

interface AttemptRow {
  readonly failures: number;
  readonly locked_until: Date | null;
  readonly last_attempt_at: Date;
}

function toCount(row: AttemptRow): FailureCount {
  return {
    failures: row.failures,
    lastFailureAt: new Date(row.last_attempt_at).toISOString(),
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until).toISOString(),
  };
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
