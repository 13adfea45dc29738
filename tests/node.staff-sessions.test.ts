import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PasswordHasher, StaffError } from '../node/services/staff/index.js';
import {
  type EnrolledUser,
  fastPasswordPool,
  openStaffFixture,
  type StaffFixture,
} from './_util/staff-fixture.js';

let hasher: PasswordHasher;
let fx: StaffFixture;
let agent: EnrolledUser;

beforeAll(async () => {
  hasher = await fastPasswordPool();
});
afterAll(() => hasher.close());
beforeEach(async () => {
  fx = await openStaffFixture(hasher);
  agent = await fx.enrolled('amina', ['agent']);
});
afterEach(() => fx.cleanup());

const MINUTE = 60_000;

describe('staff sessions', () => {
  it('ends a session left idle for 30 minutes, and keeps one in use alive', async () => {
    const { token } = await fx.loginAs(agent);
    fx.clock.advance(29 * MINUTE);
    expect(fx.staff.authenticate(token)).not.toBeNull();
    fx.clock.advance(29 * MINUTE);
    expect(fx.staff.authenticate(token)).not.toBeNull();
    fx.clock.advance(30 * MINUTE);
    expect(fx.staff.authenticate(token)).toBeNull();
    fx.clock.advance(-10 * MINUTE);
    expect(fx.staff.authenticate(token)).toBeNull();
  });

  it('ends a session 12 hours after login however active it is', async () => {
    const { token } = await fx.loginAs(agent);
    for (let elapsed = 0; elapsed < 11 * 60 + 40; elapsed += 20) {
      fx.clock.advance(20 * MINUTE);
      expect(fx.staff.authenticate(token)).not.toBeNull();
    }
    fx.clock.advance(20 * MINUTE);
    expect(fx.staff.authenticate(token)).toBeNull();
  });

  it('ends a session at logout, and only that one', async () => {
    const first = await fx.loginAs(agent);
    const second = await fx.loginAs(agent);
    expect(fx.staff.logout(first.token)).toBe(true);
    expect(fx.staff.authenticate(first.token)).toBeNull();
    expect(fx.staff.logout(first.token)).toBe(false);
    expect(fx.staff.authenticate(second.token)).not.toBeNull();
  });

  it('finds no session for an unknown, altered or malformed token', async () => {
    const { token } = await fx.loginAs(agent);
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    for (const candidate of [altered, '', 'not a token', `${token}AAAA`, token.toUpperCase()]) {
      expect(fx.staff.authenticate(candidate)).toBeNull();
    }
    expect(fx.staff.logout('garbage')).toBe(false);
  });

  it('gives each session its own CSRF secret, stable for the life of the session', async () => {
    const first = await fx.loginAs(agent);
    const second = await fx.loginAs(agent);
    expect(first.principal.csrfSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.principal.csrfSecret).not.toBe(second.principal.csrfSecret);
    expect(fx.staff.authenticate(first.token)?.csrfSecret).toBe(first.principal.csrfSecret);
  });

  it.each([
    ['a role change', (id: string) => fx.staff.setRoles(fx.admin, id, ['consul'])],
    ['a deactivation', (id: string) => fx.staff.deactivate(fx.admin, id)],
    ['a TOTP reset', (id: string) => fx.staff.resetTotp(fx.admin, id)],
    ['a password reset', (id: string) => fx.staff.resetPassword(fx.admin, id)],
    ['an explicit revocation', (id: string) => fx.staff.revokeSessions(fx.admin, id)],
  ])('ends every session of the user on %s', async (_name, change) => {
    const first = await fx.loginAs(agent);
    const second = await fx.loginAs(agent);
    await change(agent.id);
    expect(fx.staff.authenticate(first.token)).toBeNull();
    expect(fx.staff.authenticate(second.token)).toBeNull();
  });

  it('gives the new roles at the next login after a role change', async () => {
    fx.staff.setRoles(fx.admin, agent.id, ['consul', 'auditor']);
    const { principal } = await fx.loginAs(agent);
    expect(principal.roles).toEqual(['consul', 'auditor']);
  });

  it('ends the session of the user who changes their password, and hands back a new one', async () => {
    const { token } = await fx.loginAs(agent);
    const fresh = await fx.staff.changePassword(agent.id, {
      currentPassword: agent.password,
      newPassword: 'the second passphrase of amina',
    });
    expect(fx.staff.authenticate(token)).toBeNull();
    expect(fx.staff.authenticate(fresh.token)?.username).toBe('amina');
    const old = await fx.loginAs(agent).catch((e: unknown) => e);
    expect((old as StaffError).code).toBe('invalid_credentials');
  });

  it('keeps only a hash of the token in the database', async () => {
    const { token } = await fx.loginAs(agent);
    const rows = fx.temp.store.db.prepare('SELECT * FROM staff_sessions').all() as Record<string, unknown>[];
    const dump = JSON.stringify(rows, (_key, value: unknown) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('base64url') : value,
    );
    expect(dump).not.toContain(token);
  });
});
