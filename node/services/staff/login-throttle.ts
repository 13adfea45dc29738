import { countFailure, type FailureCount, type LockoutPolicy, lockEnd } from '../../../common/auth/index.js';
import type { Db } from '../../db/db.js';
import { immediateTransaction } from '../../db/transaction.js';
import { StaffError, StaffErrorCode } from './errors.js';

interface FailureRow {
  readonly failures: number;
  readonly last_failure_at: string;
  readonly locked_until: string | null;
}

/** The end of the lock on a username, or undefined when it may try to log in. */
export function lockedUntil(db: Db, username: string, now: Date): string | undefined {
  return lockEnd(selectCount(db, username), now);
}

/** What counting an attempt did. */
export interface Reservation {
  /** This attempt reached the limit: if it fails, the username is locked (and audited once). */
  readonly setsLock: boolean;
}

/**
 * Counts an attempt for a username before its password is checked, by the rule both sides share
 * (common/auth/lockout.ts), or refuses it with `account_locked` while a lock stands. In one
 * immediate transaction: two attempts at once are counted one after the other. The attempt is
 * forgiven by {@link clearFailures} when it succeeds.
 */
export function reserveAttempt(db: Db, username: string, now: Date, policy: LockoutPolicy): Reservation {
  return immediateTransaction(db, () => {
    const previous = selectCount(db, username);
    const until = lockEnd(previous, now);
    if (until !== undefined) {
      throw new StaffError(StaffErrorCode.AccountLocked, 'too many failed attempts: try again later', {
        lockedUntil: until,
      });
    }
    const next = countFailure(previous, now, policy);
    db.prepare(
      `INSERT INTO staff_login_failures (username, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
    ).run(username, next.failures, next.lastFailureAt, next.lockedUntil);
    pruneStale(db, now, policy);
    return { setsLock: next.lockedUntil !== null };
  });
}

/** Forgets the failures of a username (a successful login, or an admin's unlock). */
export function clearFailures(db: Db, username: string): void {
  db.prepare('DELETE FROM staff_login_failures WHERE username = ?').run(username);
}

function selectCount(db: Db, username: string): FailureCount | undefined {
  const row = db
    .prepare('SELECT failures, last_failure_at, locked_until FROM staff_login_failures WHERE username = ?')
    .get(username) as FailureRow | undefined;
  return row && { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until };
}

// Rows for mistyped or invented usernames would otherwise pile up forever. A row is dropped once it
// is neither locked nor recent; ISO strings in UTC compare in time order.
function pruneStale(db: Db, now: Date, policy: LockoutPolicy): void {
  const horizon = new Date(now.getTime() - policy.lockMs).toISOString();
  db.prepare(
    `DELETE FROM staff_login_failures
     WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until < ?)`,
  ).run(horizon, now.toISOString());
}
