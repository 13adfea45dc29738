import { describe, expect, it } from 'vitest';
import { matchTotpStep, totpCodeAt } from '../node/services/staff/totp.js';

// RFC 6238, Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// The appendix's 8-digit SHA-1 codes; a 6-digit code is the same value modulo 10^6, its last 6 digits.
const VECTORS: ReadonlyArray<[unixSeconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

describe('staff TOTP against RFC 6238', () => {
  it('computes the test vectors of the RFC', () => {
    for (const [seconds, code] of VECTORS) {
      expect(totpCodeAt(RFC_SECRET, new Date(seconds * 1000)), String(seconds)).toBe(code.slice(-6));
    }
  });

  it('accepts each vector at its time, once, and a code a step away, not two', () => {
    for (const [seconds, code] of VECTORS) {
      const at = new Date(seconds * 1000);
      const step = Math.floor(seconds / 30);
      expect(matchTotpStep(RFC_SECRET, code.slice(-6), at, null)).toBe(step);
      expect(matchTotpStep(RFC_SECRET, code.slice(-6), at, step)).toBeUndefined();
      expect(matchTotpStep(RFC_SECRET, code.slice(-6), new Date((seconds + 30) * 1000), null)).toBe(step);
      expect(
        matchTotpStep(RFC_SECRET, code.slice(-6), new Date((seconds + 60) * 1000), null),
      ).toBeUndefined();
    }
  });
});
