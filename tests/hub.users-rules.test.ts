import { afterAll, describe, expect, it } from 'vitest';
import {
  can,
  createPasswordHasher,
  MINISTRY_ROLES,
  PERMISSIONS,
  passwordPolicyViolation,
} from '../hub/services/users/index.js';
import { matchTotpStep, totpCodeAt } from '../hub/services/users/totp.js';

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

describe('ministry password policy', () => {
  it('refuses short, username-equal and common passwords', () => {
    expect(passwordPolicyViolation('short pass', 'alice')).toBe('too_short');
    expect(passwordPolicyViolation('x'.repeat(257), 'alice')).toBe('too_long');
    expect(passwordPolicyViolation('Directrice.Generale', 'directrice.generale')).toBe('equals_username');
    expect(passwordPolicyViolation('Password 1234', 'alice')).toBe('too_common');
    expect(passwordPolicyViolation('centrafrique', 'alice')).toBe('too_common');
    expect(passwordPolicyViolation('le fleuve oubangui au matin', 'alice')).toBeUndefined();
  });
});

describe('ministry TOTP', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const now = new Date('2026-03-02T08:00:00.000Z');

  it('matches RFC 6238 codes within one step either side, once each', () => {
    const step = Math.floor(now.getTime() / 30_000);
    expect(matchTotpStep(secret, totpCodeAt(secret, now), now, null)).toBe(step);
    expect(matchTotpStep(secret, totpCodeAt(secret, new Date(now.getTime() - 30_000)), now, null)).toBe(
      step - 1,
    );
    expect(
      matchTotpStep(secret, totpCodeAt(secret, new Date(now.getTime() + 60_000)), now, null),
    ).toBeUndefined();
    expect(matchTotpStep(secret, totpCodeAt(secret, now), now, step)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', now, null)).toBeUndefined();
  });
});

describe('argon2id password hasher', () => {
  const hasher = createPasswordHasher(1);
  afterAll(() => hasher.close());

  it('hashes in a worker while the event loop keeps turning', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const hash = await hasher.hash('le fleuve oubangui au matin');
    clearInterval(timer);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(ticks).toBeGreaterThan(2);
    expect(await hasher.verify(hash, 'le fleuve oubangui au matin')).toBe(true);
    expect(await hasher.verify(hash, 'le fleuve oubangui au soir')).toBe(false);
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
  });
});
