import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT } from './lockout.js';

describe('the default lockout', () => {
  it('locks after five failures for fifteen minutes, and cannot be changed by a caller', () => {
    expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, lockMs: 15 * 60_000 });
    expect(() => {
      (DEFAULT_LOCKOUT as { maxFailures: number }).maxFailures = 50;
    }).toThrow(TypeError);
  });
});
