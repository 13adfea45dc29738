import type { Store } from '../../db/store.js';

/** How wrong secrets against one file are limited. */
export interface LookupLockPolicy {
  /** Wrong secrets in a row before the file's details lock. */
  readonly maxFailures: number;
  /** The first lock; each next one doubles, up to {@link maxLockMs}. */
  readonly firstLockMs: number;
  readonly maxLockMs: number;
  /** A file without wrong secrets for this long starts again from the first lock. */
  readonly forgetAfterMs: number;
}

/**
 * Five tries, then 15 minutes, 30, an hour… up to a day. A birth date is one of about 25,000
 * values: at five tries a lock, doubling, a guesser needs years; the applicant who mistypes twice
 * never meets it.
 */
export const DEFAULT_LOOKUP_LOCK: LookupLockPolicy = {
  maxFailures: 5,
  firstLockMs: 15 * 60_000,
  maxLockMs: 24 * 3_600_000,
  forgetAfterMs: 30 * 24 * 3_600_000,
};

interface FailureRow {
  readonly failures: number;
  readonly locks: number;
  readonly last_failure_at: string;
  readonly locked_until: string | null;
}

/** The end of the lock on a file's details, or undefined when its secret may be tried. */
export function lookupLockedUntil(store: Store, fileId: string, now: Date): string | undefined {
  const row = selectFailures(store, fileId);
  return row?.locked_until && Date.parse(row.locked_until) > now.getTime() ? row.locked_until : undefined;
}

/**
 * Counts a wrong secret against a file. The failure that reaches the limit locks the details for
 * the file's next lock time, and starts a new count; returns the lock it set, if any.
 */
export function recordLookupFailure(
  store: Store,
  fileId: string,
  now: Date,
  policy: LookupLockPolicy = DEFAULT_LOOKUP_LOCK,
): string | undefined {
  const found = selectFailures(store, fileId);
  const row =
    found && now.getTime() - Date.parse(found.last_failure_at) < policy.forgetAfterMs ? found : undefined;
  const failures = (row?.failures ?? 0) + 1;
  const locks = row?.locks ?? 0;
  const locking = failures >= policy.maxFailures;
  const lockMs = Math.min(policy.firstLockMs * 2 ** locks, policy.maxLockMs);
  const lockedUntil = locking ? new Date(now.getTime() + lockMs).toISOString() : (row?.locked_until ?? null);
  store.db
    .prepare(
      `INSERT INTO file_lookup_failures (file_id, failures, locks, last_failure_at, locked_until)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (file_id) DO UPDATE SET failures = excluded.failures, locks = excluded.locks,
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
    )
    .run(fileId, locking ? 0 : failures, locking ? locks + 1 : locks, now.toISOString(), lockedUntil);
  return locking ? (lockedUntil ?? undefined) : undefined;
}

/**
 * Forgets a file's wrong secrets in a row: its applicant gave the right one. The locks it had stay
 * counted (until a quiet month): a guesser who comes back meets the longer lock, not the first.
 */
export function clearLookupFailures(store: Store, fileId: string): void {
  store.db.prepare('UPDATE file_lookup_failures SET failures = 0 WHERE file_id = ?').run(fileId);
}

function selectFailures(store: Store, fileId: string): FailureRow | undefined {
  return store.db
    .prepare(
      'SELECT failures, locks, last_failure_at, locked_until FROM file_lookup_failures WHERE file_id = ?',
    )
    .get(fileId) as FailureRow | undefined;
}
