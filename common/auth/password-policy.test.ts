import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords.js';
import {
  foldPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PASSWORD_POLICY_MESSAGES,
  passwordPolicyViolation,
} from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['empty', '', 'too_short'],
    ['one character short', 'elevenchars', 'too_short'],
    ['short once accents count as one character each', 'éléphant', 'too_short'],
    ['one character too long', 'x'.repeat(MAX_PASSWORD_LENGTH + 1), 'too_long'],
    ['the username', 'jean.bokassa1', 'equals_username'],
    ['the username in another case', 'Jean.Bokassa1', 'equals_username'],
    ['the username with spaces in it', 'jean .bokassa 1', 'equals_username'],
    ['a common password', 'centrafrique', 'too_common'],
    ['a common password in capitals with spaces', 'Mot de passe 123', 'too_common'],
    ['a common password in full-width digits', 'password１２３４', 'too_common'],
    ['a common password of the ministry', 'Ministere 1234', 'too_common'],
    ['a common password of an embassy', 'Ambassade 1234', 'too_common'],
  ])('refuses a password that is %s', (_name, password, reason) => {
    expect(passwordPolicyViolation(password, 'jean.bokassa1')).toBe(reason);
  });

  it('accepts the shortest and the longest lengths, counted in code points', () => {
    expect(passwordPolicyViolation(`${'x'.repeat(MIN_PASSWORD_LENGTH - 1)}y`, 'jean')).toBeUndefined();
    expect(passwordPolicyViolation('xy'.repeat(MAX_PASSWORD_LENGTH / 2), 'jean')).toBeUndefined();
    expect(passwordPolicyViolation('éléphantéléph', 'jean')).toBeUndefined();
    // 12 code points that are 24 UTF-16 units: the length is what a person typed.
    expect(passwordPolicyViolation('🐘'.repeat(12), 'jean')).toBeUndefined();
  });

  it('accepts a long passphrase', () => {
    expect(passwordPolicyViolation('la pirogue du fleuve Oubangui', 'jean')).toBeUndefined();
  });

  it('throws a TypeError on a password or a username that is not a string', () => {
    expect(() => passwordPolicyViolation(undefined as unknown as string, 'jean')).toThrow(TypeError);
    expect(() => passwordPolicyViolation(123456789012 as unknown as string, 'jean')).toThrow(TypeError);
    expect(() => passwordPolicyViolation('a long passphrase', null as unknown as string)).toThrow(TypeError);
  });

  it('has a message for every rule', () => {
    for (const reason of ['too_short', 'too_long', 'equals_username', 'too_common'] as const) {
      expect(PASSWORD_POLICY_MESSAGES[reason]).toMatch(/\w/);
    }
  });
});

describe('the common-password list', () => {
  it('holds only entries the policy can reach: folded, and long enough to pass the length rule', () => {
    for (const entry of COMMON_PASSWORDS) {
      expect(foldPassword(entry), entry).toBe(entry);
      expect([...entry].length, entry).toBeGreaterThanOrEqual(MIN_PASSWORD_LENGTH);
      expect(passwordPolicyViolation(entry, 'someone'), entry).toBe('too_common');
    }
  });

  it('keeps what both earlier lists refused', () => {
    for (const entry of ['ministere1234', 'ambassade1234', 'consulat1234', 'azertyuiopqs', 'econsulat1234']) {
      expect(COMMON_PASSWORDS.has(entry), entry).toBe(true);
    }
  });
});
