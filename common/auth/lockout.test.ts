import { describe, expect, it } from 'vitest';
import { countFailure, DEFAULT_LOCKOUT, type FailureCount, lockEnd } from './lockout.js';

describe('the default lockout', () => {
  it('locks after five failures for fifteen minutes, and cannot be changed by a caller', () => {
    expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, lockMs: 15 * 60_000 });
    expect(() => {
      (DEFAULT_LOCKOUT as { maxFailures: number }).maxFailures = 50;
    }).toThrow(TypeError);
  });
});

describe('counting failed attempts', () => {
  const policy = DEFAULT_LOCKOUT;
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 8, minutes));

  it('locks on the attempt that reaches the limit, for the policy’s time', () => {
    let count: FailureCount | undefined;
    for (let n = 0; n < 4; n += 1) {
      count = countFailure(count, at(n), policy);
      expect(lockEnd(count, at(n))).toBeUndefined();
    }
    count = countFailure(count, at(4), policy);
    expect(count).toEqual({
      failures: 5,
      lastFailureAt: at(4).toISOString(),
      lockedUntil: at(19).toISOString(),
    });
    expect(lockEnd(count, at(18))).toBe(at(19).toISOString());
    expect(lockEnd(count, at(19))).toBeUndefined();
  });

  it('starts afresh after a lock has run out, and after a quiet spell as long as a lock', () => {
    const locked: FailureCount = {
      failures: 5,
      lastFailureAt: at(0).toISOString(),
      lockedUntil: at(15).toISOString(),
    };
    expect(countFailure(locked, at(16), policy)).toMatchObject({ failures: 1, lockedUntil: null });
    const four: FailureCount = { failures: 4, lastFailureAt: at(0).toISOString(), lockedUntil: null };
    expect(countFailure(four, at(14), policy)).toMatchObject({ failures: 5 });
    expect(countFailure(four, at(15), policy)).toMatchObject({ failures: 1, lockedUntil: null });
  });
});
