import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PasswordHasher, StaffError, totpCodeAt } from '../node/services/staff/index.js';
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

async function refusal(promise: Promise<unknown>): Promise<StaffError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StaffError);
  return error as StaffError;
}

describe('staff login', () => {
  it('opens a session with password and TOTP code, and the session carries the roles', async () => {
    const result = await fx.staff.login({
      username: 'Amina ',
      password: agent.password,
      code: fx.code(agent.totpSecret),
    });
    expect(result.pending).toEqual([]);
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const principal = fx.staff.authenticate(result.token);
    expect(principal).toMatchObject({
      username: 'amina',
      roles: ['agent'],
      pending: [],
      displayName: 'Agent amina',
    });
  });

  it('refuses a wrong password, an unknown username and a wrong code with the same error', async () => {
    const wrongPassword = await refusal(
      fx.staff.login({
        username: 'amina',
        password: 'not the right one at all',
        code: fx.code(agent.totpSecret),
      }),
    );
    const unknown = await refusal(
      fx.staff.login({ username: 'nobody', password: agent.password, code: '123456' }),
    );
    const wrongCode = await refusal(
      fx.staff.login({ username: 'amina', password: agent.password, code: '000000' }),
    );
    for (const error of [wrongPassword, unknown, wrongCode]) {
      expect(error.code).toBe('invalid_credentials');
      expect(error.message).toBe(wrongPassword.message);
    }
  });

  it('refuses an enrolled account without a code', async () => {
    const error = await refusal(fx.staff.login({ username: 'amina', password: agent.password }));
    expect(error.code).toBe('invalid_credentials');
  });

  it('refuses a TOTP code replayed within its window', async () => {
    const code = fx.code(agent.totpSecret);
    await fx.staff.login({ username: 'amina', password: agent.password, code });
    fx.clock.advance(5_000);
    const error = await refusal(fx.staff.login({ username: 'amina', password: agent.password, code }));
    expect(error.code).toBe('invalid_credentials');
  });

  it('lets only one of two simultaneous logins with the same code through', async () => {
    const code = fx.code(agent.totpSecret);
    const form = { username: 'amina', password: agent.password, code };
    const results = await Promise.allSettled([fx.staff.login(form), fx.staff.login(form)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_credentials' });
  });

  it('accepts the code of the previous step but not one two steps old', async () => {
    fx.clock.advance(120_000);
    const previous = totpCodeAt(agent.totpSecret, new Date(fx.clock.now().getTime() - 30_000));
    await expect(
      fx.staff.login({ username: 'amina', password: agent.password, code: previous }),
    ).resolves.toBeDefined();
    fx.clock.advance(120_000);
    const stale = totpCodeAt(agent.totpSecret, new Date(fx.clock.now().getTime() - 60_000));
    const error = await refusal(fx.staff.login({ username: 'amina', password: agent.password, code: stale }));
    expect(error.code).toBe('invalid_credentials');
  });

  it('accepts a recovery code once, in any case and spacing, and refuses it the second time', async () => {
    const recovery = agent.recoveryCodes[0] ?? '';
    const typed = recovery.toLowerCase().replace('-', ' ');
    await expect(
      fx.staff.login({ username: 'amina', password: agent.password, code: typed }),
    ).resolves.toBeDefined();
    expect(fx.staff.recoveryCodesLeft(agent.id)).toBe(9);
    const error = await refusal(
      fx.staff.login({ username: 'amina', password: agent.password, code: recovery }),
    );
    expect(error.code).toBe('invalid_credentials');
  });

  it('does not burn a recovery code when the password is wrong', async () => {
    const recovery = agent.recoveryCodes[1] ?? '';
    await refusal(fx.staff.login({ username: 'amina', password: 'a wrong password here', code: recovery }));
    expect(fx.staff.recoveryCodesLeft(agent.id)).toBe(10);
    await expect(
      fx.staff.login({ username: 'amina', password: agent.password, code: recovery }),
    ).resolves.toBeDefined();
  });

  it('refuses a recovery code of another account', async () => {
    const other = await fx.enrolled('bruno', ['agent']);
    const error = await refusal(
      fx.staff.login({ username: 'amina', password: agent.password, code: other.recoveryCodes[0] ?? '' }),
    );
    expect(error.code).toBe('invalid_credentials');
  });

  it('refuses a deactivated account even with every factor right', async () => {
    fx.staff.deactivate(fx.admin, agent.id);
    const error = await refusal(
      fx.staff.login({ username: 'amina', password: agent.password, code: fx.code(agent.totpSecret) }),
    );
    expect(error.code).toBe('invalid_credentials');
  });

  it('refuses unknown fields in the login form', async () => {
    const form = { username: 'amina', password: agent.password, code: '123456', remember: true };
    const error = await refusal(fx.staff.login(form as never));
    expect(error.code).toBe('invalid_input');
  });
});

describe('staff lockout', () => {
  const fail = (username: string) =>
    refusal(fx.staff.login({ username, password: 'wrong password, again', code: '000000' }));

  it('locks after 5 consecutive failures, refusing even the right factors, and releases after 15 minutes', async () => {
    for (let i = 0; i < 4; i++) expect((await fail('amina')).code).toBe('invalid_credentials');
    expect((await fail('amina')).code).toBe('invalid_credentials');
    const locked = await refusal(
      fx.staff.login({ username: 'amina', password: agent.password, code: fx.code(agent.totpSecret) }),
    );
    expect(locked.code).toBe('account_locked');
    expect(locked.details.lockedUntil).toBeDefined();
    // Each fresh code moves the clock by one 30 s step: this attempt is at 14 minutes.
    fx.clock.advance(13 * 60_000);
    expect(
      (
        await refusal(
          fx.staff.login({ username: 'amina', password: agent.password, code: fx.code(agent.totpSecret) }),
        )
      ).code,
    ).toBe('account_locked');
    fx.clock.advance(30_000);
    await expect(
      fx.staff.login({ username: 'amina', password: agent.password, code: fx.code(agent.totpSecret) }),
    ).resolves.toBeDefined();
  });

  it('counts consecutive failures only: a success starts the count again', async () => {
    for (let i = 0; i < 4; i++) await fail('amina');
    await fx.loginAs(agent);
    for (let i = 0; i < 4; i++) await fail('amina');
    await expect(fx.loginAs(agent)).resolves.toBeDefined();
  });

  it('counts each attempt before its hash runs: of ten wrong passwords sent at once, five are checked', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => fail('amina')));
    const codes = outcomes.map((error) => error.code);
    expect(codes.filter((code) => code === 'invalid_credentials')).toHaveLength(5);
    expect(codes.filter((code) => code === 'account_locked')).toHaveLength(5);
    const locked = fx.temp.store.db
      .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'staff.locked'")
      .get();
    expect(locked).toEqual({ n: 1 });
  });

  it('locks an unknown username exactly like a real one', async () => {
    for (let i = 0; i < 5; i++) expect((await fail('ghost')).code).toBe('invalid_credentials');
    expect((await fail('ghost')).code).toBe('account_locked');
  });

  it('lets an admin lift a lockout early, and audits it', async () => {
    for (let i = 0; i < 5; i++) await fail('amina');
    fx.staff.unlock(fx.admin, agent.id);
    await expect(fx.loginAs(agent)).resolves.toBeDefined();
    const actions = fx.temp.store.db.prepare('SELECT action FROM audit_log').pluck().all();
    expect(actions).toContain('staff.locked');
    expect(actions).toContain('staff.unlocked');
  });
});
