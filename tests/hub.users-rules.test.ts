import { describe, expect, it } from 'vitest';
import {
  assertPasswordPolicy,
  can,
  MINISTRY_ROLES,
  PERMISSIONS,
  passwordPolicyViolation,
  UserError,
} from '../hub/services/users/index.js';

describe('ministry permissions', () => {
  const user = (...roles: string[]) => ({ roles });

  it('denies by default: no user, no role, an unknown permission, a deactivated user', () => {
    expect(can(null, 'directives.read')).toBe(false);
    expect(can(undefined, 'directives.read')).toBe(false);
    expect(can(user(), 'directives.read')).toBe(false);
    expect(can(user(...MINISTRY_ROLES), 'directives.delete_everything')).toBe(false);
    expect(can(user('toString'), 'directives.read')).toBe(false);
    expect(can(user(...MINISTRY_ROLES), 'constructor')).toBe(false);
    expect(can({ roles: ['directorate'], active: false }, 'directives.write')).toBe(false);
  });

  it('lets only the minister’s office and the directorate write directives', () => {
    expect(can(user('minister_office'), 'directives.write')).toBe(true);
    expect(can(user('directorate'), 'directives.write')).toBe(true);
    expect(can(user('registry_officer'), 'directives.write')).toBe(false);
    expect(can(user('auditor'), 'directives.write')).toBe(false);
  });

  it('lets every ministry role read directives, missions and the dashboard', () => {
    for (const role of MINISTRY_ROLES) {
      for (const permission of ['directives.read', 'missions.read', 'dashboard.read']) {
        expect(can(user(role), permission)).toBe(true);
      }
    }
  });

  it('keeps registry review, audit and user management to their roles', () => {
    expect(can(user('registry_officer'), 'registry.review')).toBe(true);
    expect(can(user('directorate'), 'registry.review')).toBe(false);
    expect(can(user('auditor'), 'audit.read')).toBe(true);
    expect(can(user('directorate'), 'audit.read')).toBe(true);
    expect(can(user('minister_office'), 'audit.read')).toBe(false);
    expect(can(user('directorate'), 'users.manage')).toBe(true);
    expect(can(user('auditor', 'registry_officer', 'minister_office'), 'users.manage')).toBe(false);
  });

  it('grants the union of several roles', () => {
    expect(can(user('auditor', 'registry_officer'), 'registry.review')).toBe(true);
    expect(can(user('auditor', 'registry_officer'), 'audit.read')).toBe(true);
    expect(Object.keys(PERMISSIONS).length).toBeGreaterThan(5);
  });
});

// The rules themselves are common/auth's (common/auth/password-policy.test.ts); here, the users
// service's answer to a password that breaks one.
describe('ministry password policy', () => {
  it.each([
    ['short', 'short pass', 'too_short'],
    ['too long', 'x'.repeat(257), 'too_long'],
    ['the username', 'Directrice.Generale', 'equals_username'],
    ['common', 'Password 1234', 'too_common'],
    ['common at the ministry', 'ministere 1234', 'too_common'],
  ])('refuses a password that is %s with weak_password and the rule', (_name, password, reason) => {
    expect(passwordPolicyViolation(password, 'directrice.generale')).toBe(reason);
    try {
      assertPasswordPolicy(password, 'directrice.generale');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'weak_password', details: { reason } });
    }
  });

  it('accepts a long passphrase', () => {
    expect(() => assertPasswordPolicy('le fleuve oubangui au matin', 'alice')).not.toThrow();
  });
});
