import { describe, expect, it } from 'vitest';
import {
  generateTotpSecret,
  looksLikeTotpCode,
  matchTotpStep,
  newTotpEnrolment,
  totpCodeAt,
  totpUri,
} from './totp.js';

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

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
// The start of a 30 s step, so ±1-step arithmetic is exact.
const NOW = new Date('2026-03-02T08:00:00.000Z');
const STEP = Math.floor(NOW.getTime() / 30_000);
const shifted = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('TOTP against RFC 6238', () => {
  it('computes the test vectors of the RFC', () => {
    for (const [seconds, code] of VECTORS) {
      expect(totpCodeAt(RFC_SECRET, new Date(seconds * 1000)), String(seconds)).toBe(code.slice(-6));
    }
  });

  it('accepts each vector at its time, once, and a step later, not two', () => {
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

describe('matching a typed code', () => {
  it('accepts the current code and one a step either side, with the step it matched', () => {
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, NOW), NOW, null)).toBe(STEP);
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(-30)), NOW, null)).toBe(STEP - 1);
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(30)), NOW, null)).toBe(STEP + 1);
  });

  it('accepts a code typed with the space apps show in the middle', () => {
    const code = totpCodeAt(SECRET, NOW);
    expect(matchTotpStep(SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, NOW, null)).toBe(STEP);
  });

  it('refuses a code two steps away on either side', () => {
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(-60)), NOW, null)).toBeUndefined();
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(60)), NOW, null)).toBeUndefined();
  });

  it('refuses a replay of the last accepted step, and an older code after a newer one', () => {
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, NOW), NOW, STEP)).toBeUndefined();
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(-30)), NOW, STEP)).toBeUndefined();
    expect(matchTotpStep(SECRET, totpCodeAt(SECRET, shifted(30)), NOW, STEP)).toBe(STEP + 1);
  });

  it.each([
    ['empty', ''],
    ['letters', 'abcdef'],
    ['five digits', '12345'],
    ['seven digits', '1234567'],
    ['eight digits of the right value', '94287082'],
    ['a sign', '-12345'],
    ['digits of another script', '١٢٣٤٥٦'],
  ])('refuses a code that is %s', (_name, code) => {
    expect(matchTotpStep(RFC_SECRET, code, new Date(59_000), null)).toBeUndefined();
  });

  it('refuses a wrong code of the right shape', () => {
    const right = totpCodeAt(SECRET, NOW);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotpStep(SECRET, wrong, NOW, null)).toBeUndefined();
  });

  it('throws on a secret that is not base32: a caller bug, never a silent match', () => {
    expect(() => matchTotpStep('not base32!', '123456', NOW, null)).toThrow(TypeError);
  });
});

describe('the shape of a TOTP code', () => {
  it('is six digits, spaces allowed', () => {
    expect(looksLikeTotpCode('123456')).toBe(true);
    expect(looksLikeTotpCode('123 456')).toBe(true);
  });

  it.each(['', '12345', '1234567', 'ABCDE-FGHJK', '12345a'])('is not %j', (text) => {
    expect(looksLikeTotpCode(text)).toBe(false);
  });
});

describe('enrolment secrets and URIs', () => {
  it('gives 160-bit secrets, fresh each time', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it('writes the otpauth:// URI the node and the hub have always shown', () => {
    expect(totpUri('JBSWY3DPEHPK3PXP', 'e-Consulat RCA (MAE)', 'directrice')).toBe(
      'otpauth://totp/e-Consulat%20RCA%20(MAE):directrice?issuer=e-Consulat%20RCA%20(MAE)&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
    );
    expect(totpUri('JBSWY3DPEHPK3PXP', 'e-Consulat RCA Paris', 'jean')).toBe(
      'otpauth://totp/e-Consulat%20RCA%20Paris:jean?issuer=e-Consulat%20RCA%20Paris&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('pairs a fresh secret with its URI', () => {
    const enrolment = newTotpEnrolment('e-Consulat RCA Paris', 'jean');
    expect(enrolment.uri).toBe(totpUri(enrolment.secret, 'e-Consulat RCA Paris', 'jean'));
  });
});
