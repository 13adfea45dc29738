/** When a username locks after failed logins, and for how long. */
export interface LockoutPolicy {
  /** Consecutive failures that lock the username. */
  readonly maxFailures: number;
  /** How long the lock lasts, in milliseconds. */
  readonly lockMs: number;
}

/** Five failures lock for fifteen minutes: slow for a guesser, a coffee break for a mistyping user. */
export const DEFAULT_LOCKOUT: LockoutPolicy = Object.freeze({ maxFailures: 5, lockMs: 15 * 60_000 });

/** A username's failed attempts as either side stores them (ISO 8601 instants). */
export interface FailureCount {
  /** Attempts counted since the count last started. */
  readonly failures: number;
  readonly lastFailureAt: string;
  /** Set by the attempt that reached the limit; null while the username may try. */
  readonly lockedUntil: string | null;
}

/** The end of the lock on a username, or undefined when it may try. */
export function lockEnd(count: FailureCount | undefined, now: Date): string | undefined {
  return count?.lockedUntil && Date.parse(count.lockedUntil) > now.getTime() ? count.lockedUntil : undefined;
}

/**
 * The count once one more attempt is counted. Both sides count an attempt before its password is
 * checked (the hash takes a while: parallel guesses must not slip past the limit meanwhile) and
 * forget the count when the attempt succeeds; so the attempt that reaches the limit sets the lock,
 * which stands if it fails. A lock that has run out starts a fresh count, and so does a quiet
 * spell as long as a lock: failures far apart are mistypings, not an attack. Call it only when
 * {@link lockEnd} says the username may try.
 */
export function countFailure(
  previous: FailureCount | undefined,
  now: Date,
  policy: LockoutPolicy,
): FailureCount {
  const quiet =
    previous === undefined ||
    previous.lockedUntil !== null ||
    now.getTime() - Date.parse(previous.lastFailureAt) >= policy.lockMs;
  const failures = quiet ? 1 : previous.failures + 1;
  const lockedUntil =
    failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs).toISOString() : null;
  return { failures, lastFailureAt: now.toISOString(), lockedUntil };
}
