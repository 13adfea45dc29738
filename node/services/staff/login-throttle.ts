import type { LockoutPolicy } from '../../../common/auth/index.js';
import type { Db } from '../../db/db.js';

interface FailureRow {
  readonly failures: number;
  readonly last_failure_at: string;
  readonly locked_until: string | null;
}

/** The end of the lock on a username, or undefined when it may try to log in. */
export function lockedUntil(db: Db, username: string, now: Date): string | undefined {
  const row = selectFailures(db, username);
  if (row?.locked_until && Date.parse(row.locked_until) > now.getTime()) return row.locked_until;
  return undefined;
}

/**
 * Counts one more consecutive failure, locking the username when it reaches the limit. A lock
 * that has run out starts the count afresh (five new tries, not one), and so does a quiet spell
 * as long as a lock: failures far apart are mistypings, not an attack.
 */
export function recordFailure(db: Db, username: string, now: Date, policy: LockoutPolicy): void {
  const row = selectFailures(db, username);
  const expired = row?.locked_until != null && Date.parse(row.locked_until) <= now.getTime();
  const failures = row && !expired ? row.failures + 1 : 1;
  const locked =
    failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs).toISOString() : null;
  db.prepare(
    `INSERT INTO staff_login_failures (username, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
       last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
  ).run(username, failures, now.toISOString(), locked);
  pruneStale(db, now, policy);
}

/** Forgets the failures of a username (a successful login, or an admin's unlock). */
export function clearFailures(db: Db, username: string): void {
  db.prepare('DELETE FROM staff_login_failures WHERE username = ?').run(username);
}

function selectFailures(db: Db, username: string): FailureRow | undefined {
  return db
    .prepare('SELECT failures, last_failure_at, locked_until FROM staff_login_failures WHERE username = ?')
    .get(username) as FailureRow | undefined;
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
