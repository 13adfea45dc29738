import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  can,
  type PasswordHasher,
  PERMISSIONS,
  type Permission,
  StaffError,
  totpCodeAt,
} from '../node/services/staff/index.js';
import { fastPasswordPool, openStaffFixture, type StaffFixture } from './_util/staff-fixture.js';

let hasher: PasswordHasher;
let fx: StaffFixture;

beforeAll(async () => {
  hasher = await fastPasswordPool();
});
afterAll(() => hasher.close());
beforeEach(async () => {
  fx = await openStaffFixture(hasher);
});
afterEach(() => fx.cleanup());

function caught(run: () => unknown): StaffError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StaffError);
    return error as StaffError;
  }
  throw new Error('expected a refusal');
}

async function newAccount(username = 'cedric') {
  const created = await fx.staff.createStaff(fx.admin, {
    username,
    displayName: 'Cédric',
    roles: ['agent', 'consul'],
  });
  const first = await fx.staff.login({ username, password: created.temporaryPassword });
  return { ...created, first };
}

describe('first login and enrolment', () => {
  it('gives a new account a session that is denied every permission until enrolment is done', async () => {
    const { first } = await newAccount();
    expect(first.pending).toEqual(['change_password', 'enrol_totp']);
    const principal = fx.staff.authenticate(first.token);
    expect(principal?.roles).toEqual(['agent', 'consul']);
    for (const permission of Object.keys(PERMISSIONS) as Permission[])
      expect(can(principal, permission)).toBe(false);
  });

  it('keeps the account restricted after the password change alone, and grants its roles once TOTP is confirmed', async () => {
    const { first, temporaryPassword } = await newAccount();
    const afterPassword = await fx.staff.changePassword(first.user.id, {
      currentPassword: temporaryPassword,
      newPassword: 'a brand new passphrase for cedric',
    });
    expect(fx.staff.authenticate(first.token)).toBeNull();
    const restricted = fx.staff.authenticate(afterPassword.token);
    expect(restricted?.pending).toEqual(['enrol_totp']);
    expect(can(restricted, 'files.transition')).toBe(false);

    const { secret, uri } = fx.staff.beginTotpEnrolment(first.user.id);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(uri).toContain('cedric');
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
    const enrolled = fx.staff.confirmTotpEnrolment(first.user.id, fx.code(secret));
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
    expect(fx.staff.authenticate(afterPassword.token)).toBeNull();
    const full = fx.staff.authenticate(enrolled.session.token);
    expect(full?.pending).toEqual([]);
    expect(can(full, 'files.transition')).toBe(true);
    expect(can(full, 'directives.acknowledge')).toBe(true);
  });

  it('refuses a wrong confirmation code and keeps the account unenrolled', async () => {
    const { first } = await newAccount();
    const { secret } = fx.staff.beginTotpEnrolment(first.user.id);
    const wrong = totpCodeAt(secret, new Date(fx.clock.now().getTime() + 10 * 60_000));
    expect(caught(() => fx.staff.confirmTotpEnrolment(first.user.id, wrong)).code).toBe('invalid_code');
    expect(fx.staff.authenticate(first.token)?.pending).toContain('enrol_totp');
  });

  it('refuses to confirm before enrolment starts, and to start again once enrolled', async () => {
    const { first } = await newAccount();
    expect(caught(() => fx.staff.confirmTotpEnrolment(first.user.id, '123456')).code).toBe(
      'totp_not_pending',
    );
    const { secret } = fx.staff.beginTotpEnrolment(first.user.id);
    fx.staff.confirmTotpEnrolment(first.user.id, fx.code(secret));
    expect(caught(() => fx.staff.beginTotpEnrolment(first.user.id)).code).toBe('totp_already_enrolled');
  });

  it('does not accept the confirmation code again at login', async () => {
    const { first, temporaryPassword } = await newAccount();
    const password = 'another long passphrase here';
    await fx.staff.changePassword(first.user.id, {
      currentPassword: temporaryPassword,
      newPassword: password,
    });
    const { secret } = fx.staff.beginTotpEnrolment(first.user.id);
    const code = fx.code(secret);
    fx.staff.confirmTotpEnrolment(first.user.id, code);
    const error = await fx.staff.login({ username: 'cedric', password, code }).catch((e: unknown) => e);
    expect((error as StaffError).code).toBe('invalid_credentials');
  });

  it('refuses a password change with a wrong current password, and counts it towards the lockout', async () => {
    const { first } = await newAccount();
    for (let i = 0; i < 5; i++) {
      const error = await fx.staff
        .changePassword(first.user.id, {
          currentPassword: 'wrong current password',
          newPassword: 'a fine new passphrase',
        })
        .catch((e: unknown) => e);
      expect((error as StaffError).code).toBe('invalid_credentials');
    }
    const locked = await fx.staff
      .changePassword(first.user.id, {
        currentPassword: 'wrong current password',
        newPassword: 'a fine new passphrase',
      })
      .catch((e: unknown) => e);
    expect((locked as StaffError).code).toBe('account_locked');
  });

  it.each([
    ['too_short', 'short pw'],
    ['equals_username', 'CedricCedric'],
    ['too_common', 'Password 1234'],
  ])('refuses a new password that is %s', async (reason, newPassword) => {
    const { first, temporaryPassword } = await newAccount('cedriccedric');
    const error = await fx.staff
      .changePassword(first.user.id, { currentPassword: temporaryPassword, newPassword })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'weak_password', details: { reason } });
    expect(fx.staff.authenticate(first.token)?.pending).toContain('change_password');
  });

  it('refuses a new password equal to the current one', async () => {
    const { first, temporaryPassword } = await newAccount();
    const error = await fx.staff
      .changePassword(first.user.id, { currentPassword: temporaryPassword, newPassword: temporaryPassword })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'weak_password', details: { reason: 'unchanged' } });
  });
});
