import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprintMatches, keyFingerprint, normaliseFingerprint } from './fingerprint.js';
import { ready } from './sodium.js';
import { testIdentity } from './test-fixtures.js';

beforeAll(async () => {
  await ready();
});

describe('key fingerprints', () => {
  it('reads as eight groups of four base32 characters', () => {
    const fingerprint = keyFingerprint(testIdentity('fr-paris'));
    expect(fingerprint).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/);
  });

  it('is the same for the same keys and differs for other keys', () => {
    const paris = testIdentity('fr-paris');
    expect(keyFingerprint(paris.toPublic())).toBe(keyFingerprint(paris));
    expect(keyFingerprint(testIdentity('fr-paris', 1))).not.toBe(keyFingerprint(paris));
  });

  it('depends on the encryption key too, not only the signing key', () => {
    const paris = testIdentity('fr-paris');
    const other = testIdentity('fr-paris', 1);
    const mixed = { signPublicKey: paris.signPublicKey, boxPublicKey: other.boxPublicKey };
    expect(keyFingerprint(mixed)).not.toBe(keyFingerprint(paris));
  });

  it('matches what a person types, whatever the spacing, dashes and case', () => {
    const paris = testIdentity('fr-paris');
    const typed = keyFingerprint(paris).toLowerCase().replaceAll(' ', '-');
    expect(fingerprintMatches(typed, paris)).toBe(true);
    expect(fingerprintMatches(keyFingerprint(testIdentity('cm-yaounde')), paris)).toBe(false);
  });

  it('refuses text that is not a fingerprint', () => {
    expect(normaliseFingerprint('ABCD')).toBeNull();
    expect(normaliseFingerprint('0000 1111 0000 1111 0000 1111 0000 1111')).toBeNull();
    expect(fingerprintMatches('', testIdentity('fr-paris'))).toBe(false);
  });
});
