import { describe, expect, it } from 'vitest';
import { createUsedTokens } from './used-tokens.js';

describe('used broker tokens', () => {
  it('admits a nonce once while it could still be accepted, and forgets it after', () => {
    const used = createUsedTokens();
    expect(used.admit('a', 1_000, 0)).toBe(true);
    expect(used.admit('a', 1_000, 500)).toBe(false);
    expect(used.admit('b', 1_000, 500)).toBe(true);
    // Past its acceptable time the token is refused by its expiry anyway: the entry may go.
    expect(used.admit('a', 3_000, 2_000)).toBe(true);
  });

  it('refuses new tokens rather than forget used ones when full, and makes room from expired ones', () => {
    const used = createUsedTokens(2);
    expect(used.admit('a', 1_000, 0)).toBe(true);
    expect(used.admit('b', 5_000, 0)).toBe(true);
    expect(used.admit('c', 5_000, 10)).toBe(false);
    expect(used.admit('b', 5_000, 10)).toBe(false);
    expect(used.admit('c', 5_000, 2_000)).toBe(true);
    expect(used.size).toBe(2);
  });
});
