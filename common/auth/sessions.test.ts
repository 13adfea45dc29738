import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../protocol/index.js';
import { DEFAULT_SESSION_POLICY, newSessionToken, sessionTokenHash, sessionVerdict } from './sessions.js';

describe('sessions', () => {
  beforeAll(ready);

  it('makes 256-bit tokens whose stored hash differs from the token and refuses anything else', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(token);
    expect(sessionTokenHash(token)).toHaveLength(32);
    expect(sessionTokenHash(token)).toEqual(sessionTokenHash(token));
    for (const bad of ['', 'short', `${token}x`, 'é'.repeat(43)])
      expect(sessionTokenHash(bad)).toBeUndefined();
  });

  it('ends a session idle for 30 minutes or 12 hours after login, and touches it at most every 15 s', () => {
    const login = new Date('2026-03-02T08:00:00.000Z');
    const expiresAt = new Date(login.getTime() + DEFAULT_SESSION_POLICY.absoluteMs);
    const verdict = (lastSeenMs: number, nowMs: number) =>
      sessionVerdict(
        { lastSeenAt: new Date(login.getTime() + lastSeenMs), expiresAt },
        new Date(login.getTime() + nowMs),
        DEFAULT_SESSION_POLICY,
      );
    expect(verdict(0, 10_000)).toBe('live');
    expect(verdict(0, 15_000)).toBe('live_touch');
    expect(verdict(0, 30 * 60_000 - 1)).toBe('live_touch');
    expect(verdict(0, 30 * 60_000)).toBe('idle');
    expect(verdict(12 * 3_600_000 - 1_000, 12 * 3_600_000)).toBe('expired');
  });
});
