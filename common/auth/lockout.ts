/** When a username locks after failed logins, and for how long. */
export interface LockoutPolicy {
  /** Consecutive failures that lock the username. */
  readonly maxFailures: number;
  /** How long the lock lasts, in milliseconds. */
  readonly lockMs: number;
}

/** Five failures lock for fifteen minutes: slow for a guesser, a coffee break for a mistyping user. */
export const DEFAULT_LOCKOUT: LockoutPolicy = Object.freeze({ maxFailures: 5, lockMs: 15 * 60_000 });
