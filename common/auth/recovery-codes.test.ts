import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../protocol/index.js';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  type RecoveryCodeScheme,
  recoveryCodeKey,
} from './recovery-codes.js';

// The schemes node/ and hub/ hash with; their stored hashes depend on these exact strings.
const NODE: RecoveryCodeScheme = { kdfContext: 'staffrc1', label: 'econsulat/staff-recovery' };
const HUB: RecoveryCodeScheme = { kdfContext: 'hubrcode', label: 'econsulat/hub-recovery' };
const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

beforeAll(() => ready());

describe('recovery codes', () => {
  it('hands out ten distinct codes of ten Crockford symbols', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('reads a code back as typed from paper: any case, no dash, spaces, look-alike letters', () => {
    expect(normaliseRecoveryCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normaliseRecoveryCode(' 0l1o2 - i3456 ')).toBe('0110213456');
    expect(looksLikeRecoveryCode('abcde fghjk')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['nine symbols', 'ABCDE-FGHJ'],
    ['eleven symbols', 'ABCDE-FGHJKM'],
    ['punctuation', 'ABCDE.FGHJK'],
    ['a TOTP code', '123456'],
    ['accented letters', 'ÉBCDE-FGHJK'],
  ])('does not take %s for a recovery code', (_name, text) => {
    expect(looksLikeRecoveryCode(text)).toBe(false);
  });
});

describe('recovery code hashes', () => {
  it('are the ones the node and the hub have stored all along', () => {
    expect(hex(hashRecoveryCode(recoveryCodeKey(ROOT, NODE), NODE, 'user-1', 'abcde-fghjk'))).toBe(
      'cdee0a58a02abc8acad4190f9581c17c95b383a7df17811e295fe2f66c93cfc3',
    );
    expect(hex(hashRecoveryCode(recoveryCodeKey(ROOT, HUB), HUB, 'user-1', 'abcde-fghjk'))).toBe(
      '56675a8d8938ad4d52e766233e66c5ed0dd0879633db698597a5cbf5e463d6a2',
    );
  });

  it('match however the code is typed, and only for its own user and key', () => {
    const key = recoveryCodeKey(ROOT, NODE);
    const stored = hex(hashRecoveryCode(key, NODE, 'user-1', 'ABCDE-FGHJK'));
    expect(hex(hashRecoveryCode(key, NODE, 'user-1', 'abcdefghjk'))).toBe(stored);
    expect(hex(hashRecoveryCode(key, NODE, 'user-2', 'ABCDE-FGHJK'))).not.toBe(stored);
    expect(hex(hashRecoveryCode(key, NODE, 'user-1', 'ABCDE-FGHJM'))).not.toBe(stored);
    const otherRoot = Uint8Array.from(ROOT, (byte) => byte ^ 1);
    expect(hex(hashRecoveryCode(recoveryCodeKey(otherRoot, NODE), NODE, 'user-1', 'ABCDE-FGHJK'))).not.toBe(
      stored,
    );
  });

  it('refuse a root key that is not 32 bytes, or a KDF context that is not 8 bytes', () => {
    expect(() => recoveryCodeKey(new Uint8Array(31), NODE)).toThrow(TypeError);
    expect(() => recoveryCodeKey(new Uint8Array(33), NODE)).toThrow(TypeError);
    expect(() => recoveryCodeKey('0'.repeat(32) as unknown as Uint8Array, NODE)).toThrow(TypeError);
    expect(() => recoveryCodeKey(ROOT, { ...NODE, kdfContext: 'staffrc' })).toThrow(TypeError);
    expect(() => recoveryCodeKey(ROOT, { ...NODE, kdfContext: 'staffrc12' })).toThrow(TypeError);
  });
});
