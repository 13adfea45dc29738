import { describe, expect, it } from 'vitest';
import { passwordPolicyViolation } from '../common/auth/index.js';
import {
  assertPasswordPolicy,
  can,
  PERMISSIONS,
  type Permission,
  STAFF_ROLES,
  StaffError,
  type StaffRole,
} from '../node/services/staff/index.js';

const as = (...roles: StaffRole[]) => ({ roles, pending: [] });

describe('permission table', () => {
  it('denies by default: no subject, no roles, an unknown permission', () => {
    expect(can(null, 'files.read')).toBe(false);
    expect(can(undefined, 'files.read')).toBe(false);
    expect(can(as(), 'files.read')).toBe(false);
    expect(can(as(...STAFF_ROLES), 'files.delete_everything' as Permission)).toBe(false);
    expect(can(as(...STAFF_ROLES), 'constructor' as Permission)).toBe(false);
    expect(can(as(...STAFF_ROLES), '__proto__' as Permission)).toBe(false);
  });

  it('denies every permission while an enrolment step is pending, even to an admin', () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(can({ roles: [...STAFF_ROLES], pending: ['enrol_totp'] }, permission)).toBe(false);
    }
  });

  it('lets an agent work the counter but not decide, acknowledge directives or manage staff', () => {
    const agent = as('agent');
    for (const granted of [
      'appointments.checkin',
      'files.transition',
      'files.documents',
      'payments.record',
      'payments.close_day',
    ] as const) {
      expect(can(agent, granted)).toBe(true);
    }
    for (const denied of [
      'files.decide',
      'directives.acknowledge',
      'staff.manage',
      'audit.read',
      'payments.refund',
    ] as const) {
      expect(can(agent, denied)).toBe(false);
    }
  });

  it('lets a consul acknowledge directives and read the audit, but not record cash payments', () => {
    const consul = as('consul');
    expect(can(consul, 'directives.acknowledge')).toBe(true);
    expect(can(consul, 'audit.read')).toBe(true);
    expect(can(consul, 'payments.close_day')).toBe(true);
    expect(can(consul, 'payments.record')).toBe(false);
    expect(can(consul, 'staff.manage')).toBe(false);
  });

  it('keeps the admin to staff accounts and the auditor to reading', () => {
    expect(can(as('admin'), 'staff.manage')).toBe(true);
    expect(can(as('admin'), 'files.transition')).toBe(false);
    expect(can(as('admin'), 'payments.record')).toBe(false);
    const auditor = as('auditor');
    expect(can(auditor, 'audit.read')).toBe(true);
    expect(can(auditor, 'payments.read')).toBe(true);
    expect(can(auditor, 'files.read')).toBe(true);
    expect(can(auditor, 'files.documents')).toBe(false);
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      const writes = !permission.endsWith('.read');
      if (writes) expect((roles as readonly StaffRole[]).includes('auditor')).toBe(false);
    }
  });

  it('adds up the permissions of several roles', () => {
    const both = as('agent', 'admin');
    expect(can(both, 'payments.record')).toBe(true);
    expect(can(both, 'staff.manage')).toBe(true);
  });

  it('names only known roles in the table', () => {
    for (const roles of Object.values(PERMISSIONS)) {
      for (const role of roles) expect(STAFF_ROLES).toContain(role);
    }
  });
});

// The rules themselves are common/auth's (common/auth/password-policy.test.ts); here, the staff
// service's answer to a password that breaks one.
describe('password policy of the staff service', () => {
  it.each([
    ['short', 'elevenchars', 'too_short'],
    ['the username in another case', 'Jean.Bokassa', 'equals_username'],
    ['a common password with spaces', 'Mot de passe 123', 'too_common'],
    ['over 256 characters', 'x'.repeat(257), 'too_long'],
  ])('refuses a password that is %s with weak_password and the rule', (_name, password, reason) => {
    expect(passwordPolicyViolation(password, 'jean.bokassa')).toBe(reason);
    expect(() => assertPasswordPolicy(password, 'jean.bokassa')).toThrow(StaffError);
    try {
      assertPasswordPolicy(password, 'jean.bokassa');
    } catch (error) {
      expect(error).toMatchObject({ code: 'weak_password', details: { reason } });
    }
  });

  it('accepts a long passphrase', () => {
    expect(() => assertPasswordPolicy('la pirogue du fleuve Oubangui', 'jean')).not.toThrow();
  });
});
