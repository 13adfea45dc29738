import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authenticate,
  type BootstrapResult,
  beginTotpEnrolment,
  bootstrapUser,
  confirmTotpEnrolment,
  createPasswordPool,
  createUser,
  login,
  logout,
  type PasswordHasher,
  setUserActive,
  sharedPasswordHasher,
  totpCodeAt,
} from '../hub/services/users/index.js';
import { randomBytes, ready, sodium } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

// The start of a 30 s step, so ±1-step arithmetic in the tests is exact.
const T0 = new Date('2026-03-02T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

describe.each(storeBackends('hub users'))('hub users on $name', (backend) => {
  let store: TestStore;
  let secretsKey: Uint8Array;
  let director: BootstrapResult;
  const credentials = (when: Date, overrides: Partial<{ password: string; totp: string }> = {}) => ({
    username: 'directrice',
    password: director.password,
    totp: totpCodeAt(director.totpSecret, when),
    ...overrides,
  });

  beforeEach(async () => {
    store = await migratedStore(backend);
    secretsKey = randomBytes(32);
    director = await bootstrapUser(store.db, {
      username: 'Directrice',
      displayName: 'Directrice des affaires consulaires',
      roles: ['directorate', 'auditor'],
      secretsKey,
      now: T0,
    });
  });
  afterEach(async () => {
    await store?.dispose();
  });

  it('logs a bootstrapped user in with password and TOTP, and the token authenticates', async () => {
    const result = await login(store.db, credentials(T0), T0, { secretsKey });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.expiresAt).toBe(at(12 * 60 * MINUTE).toISOString());
    expect(result.user).toMatchObject({ username: 'directrice', roles: ['directorate', 'auditor'] });
    const user = await authenticate(store.db, result.token, at(MINUTE));
    expect(user?.username).toBe('directrice');
  });

  it('stores only an argon2id hash, an encrypted TOTP secret and a hash of the token', async () => {
    const { token } = await login(store.db, credentials(T0), T0, { secretsKey });
    const [row] = await store.db.query<{ password_hash: string; totp_secret_enc: Uint8Array }>(
      'SELECT password_hash, totp_secret_enc FROM hub_users',
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    expect(Buffer.from(row?.totp_secret_enc ?? []).includes(director.totpSecret)).toBe(false);
    const sessions = await store.db.query<{ token_hash: Uint8Array }>('SELECT token_hash FROM hub_sessions');
    expect(sessions).toHaveLength(1);
    expect(Buffer.from(sessions[0]?.token_hash ?? []).toString('base64url')).not.toBe(token);
  });

  describe('a password hash made under older argon2id limits', () => {
    const INTERACTIVE_PREFIX = '$argon2id$v=19$m=65536,t=2,p=1$';
    let cheap: PasswordHasher;
    const storedHash = async () => {
      const [row] = await store.db.query<{ password_hash: string }>(
        "SELECT password_hash FROM hub_users WHERE username = 'directrice'",
      );
      return row?.password_hash;
    };

    beforeEach(async () => {
      await ready();
      cheap = createPasswordPool({
        size: 1,
        opsLimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
        memLimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
      });
      const old = await cheap.hash(director.password);
      await store.db.query("UPDATE hub_users SET password_hash = $1 WHERE username = 'directrice'", [old]);
    });
    afterEach(() => cheap.close());

    it('is upgraded to the current limits at the next login, and the password still opens', async () => {
      expect(await storedHash()).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
      await login(store.db, credentials(T0), T0, { secretsKey });
      const upgraded = await storedHash();
      expect(upgraded?.startsWith(INTERACTIVE_PREFIX)).toBe(true);
      await expect(
        login(store.db, credentials(at(30_000)), at(30_000), { secretsKey }),
      ).resolves.toHaveProperty('token');
      expect(await storedHash()).toBe(upgraded);
    });

    it('is left alone by a refused login', async () => {
      const old = await storedHash();
      await expect(
        login(store.db, credentials(T0, { password: 'not the right one!' }), T0, { secretsKey }),
      ).rejects.toMatchObject({ code: 'invalid_credentials' });
      await expect(
        login(store.db, credentials(T0, { totp: '000000' }), T0, { secretsKey }),
      ).rejects.toMatchObject({ code: 'invalid_credentials' });
      expect(await storedHash()).toBe(old);
    });

    it('never overwrites a password changed while the new hash was being made', async () => {
      const shared = sharedPasswordHasher();
      const racing: PasswordHasher = {
        verify: (hash, password) => shared.verify(hash, password),
        close: async () => {},
        hash: async (password) => {
          await store.db.query(
            "UPDATE hub_users SET password_hash = 'changed meanwhile' WHERE username = 'directrice'",
          );
          return shared.hash(password);
        },
      };
      await login(store.db, credentials(T0), T0, { secretsKey, hasher: racing });
      expect(await storedHash()).toBe('changed meanwhile');
    });
  });

  it('refuses a wrong password, a wrong code and an unknown user with the same answer', async () => {
    const refusal = { code: 'invalid_credentials', message: 'invalid username, password or code' };
    await expect(
      login(store.db, credentials(T0, { password: 'not the right one!' }), T0, { secretsKey }),
    ).rejects.toMatchObject(refusal);
    await expect(
      login(store.db, credentials(T0, { totp: '000000' }), T0, { secretsKey }),
    ).rejects.toMatchObject(refusal);
    const unknown = { ...credentials(T0), username: 'nobody' };
    await expect(login(store.db, unknown, T0, { secretsKey })).rejects.toMatchObject(refusal);
  });

  it('refuses a code replayed within its window, and an older code after a newer one', async () => {
    await login(store.db, credentials(at(30_000)), at(30_000), { secretsKey });
    await expect(login(store.db, credentials(at(30_000)), at(35_000), { secretsKey })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    // The code of the previous step is still inside ±1 step, but older than the one used.
    await expect(login(store.db, credentials(T0), at(40_000), { secretsKey })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(
      login(store.db, credentials(at(60_000)), at(60_000), { secretsKey }),
    ).resolves.toHaveProperty('token');
  });

  it('accepts codes one step either side of the clock, not two', async () => {
    await expect(login(store.db, credentials(at(-30_000)), T0, { secretsKey })).resolves.toHaveProperty(
      'token',
    );
    await expect(login(store.db, credentials(at(120_000)), at(60_000), { secretsKey })).rejects.toMatchObject(
      {
        code: 'invalid_credentials',
      },
    );
  });

  it('accepts each recovery code once', async () => {
    const [code] = director.recoveryCodes;
    expect(director.recoveryCodes).toHaveLength(10);
    await expect(
      login(store.db, credentials(T0, { totp: code?.toLowerCase() }), T0, { secretsKey }),
    ).resolves.toHaveProperty('token');
    await expect(
      login(store.db, credentials(T0, { totp: code }), at(MINUTE), { secretsKey }),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(
      login(store.db, credentials(T0, { totp: 'ABCDE-FGHJK' }), at(MINUTE), { secretsKey }),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
  });

  it('refuses login until TOTP enrolment is confirmed', async () => {
    const password = 'une phrase de passe longue';
    await createUser(
      store.db,
      { username: 'greffier', displayName: 'Greffier', roles: ['registry_officer'], password },
      { now: T0 },
    );
    const attempt = (totp: string, when: Date) =>
      login(store.db, { username: 'greffier', password, totp }, when, { secretsKey });
    await expect(attempt('123456', T0)).rejects.toMatchObject({ code: 'invalid_credentials' });
    const { secret } = await beginTotpEnrolment(store.db, 'greffier', secretsKey, T0);
    await expect(attempt(totpCodeAt(secret, T0), T0)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(confirmTotpEnrolment(store.db, 'greffier', '000000', secretsKey, T0)).rejects.toMatchObject({
      code: 'invalid_code',
    });
    const { recoveryCodes } = await confirmTotpEnrolment(
      store.db,
      'greffier',
      totpCodeAt(secret, T0),
      secretsKey,
      T0,
    );
    expect(recoveryCodes).toHaveLength(10);
    // The confirming code is spent: the next step's code opens the session.
    await expect(attempt(totpCodeAt(secret, T0), at(1_000))).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(attempt(totpCodeAt(secret, at(30_000)), at(30_000))).resolves.toHaveProperty('token');
  });

  it('locks a username after five failures for fifteen minutes, counted in the database', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(
        login(store.db, credentials(T0, { password: `wrong password ${i}` }), at(i * 1000), { secretsKey }),
      ).rejects.toMatchObject({ code: 'invalid_credentials' });
    }
    const [row] = await store.db.query<{ failures: number }>('SELECT failures FROM hub_login_attempts');
    expect(row?.failures).toBe(5);
    // The right credentials are not even checked while locked.
    await expect(
      login(store.db, credentials(at(10 * MINUTE)), at(10 * MINUTE), { secretsKey }),
    ).rejects.toMatchObject({
      code: 'locked',
      details: { lockedUntil: at(4_000 + 15 * MINUTE).toISOString() },
    });
    await expect(
      login(store.db, credentials(at(16 * MINUTE)), at(16 * MINUTE), { secretsKey }),
    ).resolves.toHaveProperty('token');
    expect(await store.db.query('SELECT * FROM hub_login_attempts')).toEqual([]);
  });

  it('counts each attempt before its hash runs: of ten wrong passwords sent at once, five are checked', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        login(store.db, credentials(T0, { password: `wrong password ${i}` }), at(1000), { secretsKey }),
      ),
    );
    const codes = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : 'accepted',
    );
    expect(codes.filter((code) => code === 'invalid_credentials')).toHaveLength(5);
    expect(codes.filter((code) => code === 'locked')).toHaveLength(5);
  });

  it('starts the count afresh after a quiet spell as long as a lock, as the node does', async () => {
    for (let i = 0; i < 4; i++) {
      await expect(
        login(store.db, credentials(T0, { password: `wrong password ${i}` }), at(i * 1000), { secretsKey }),
      ).rejects.toMatchObject({ code: 'invalid_credentials' });
    }
    await expect(
      login(store.db, credentials(T0, { password: 'wrong again' }), at(20 * MINUTE), { secretsKey }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    const [row] = await store.db.query<{ failures: number }>('SELECT failures FROM hub_login_attempts');
    expect(row?.failures).toBe(1);
  });

  it('counts only consecutive failures: a success starts the count afresh', async () => {
    const fail = (i: number) =>
      login(store.db, credentials(T0, { password: `wrong password ${i}` }), at(i * 1000), { secretsKey });
    for (let i = 0; i < 4; i++) await expect(fail(i)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await login(store.db, credentials(at(5_000)), at(5_000), { secretsKey });
    for (let i = 6; i < 10; i++) await expect(fail(i)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(
      login(store.db, credentials(at(60_000)), at(60_000), { secretsKey }),
    ).resolves.toHaveProperty('token');
  });

  it('locks an unknown username the same way, so a lock reveals nothing', async () => {
    const guess = (i: number) =>
      login(store.db, { username: 'ghost', password: 'whatever password', totp: '123456' }, at(i), {
        secretsKey,
      });
    for (let i = 0; i < 5; i++) await expect(guess(i)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(guess(10)).rejects.toMatchObject({ code: 'locked' });
  });

  it('ends a session after 30 minutes idle', async () => {
    const { token } = await login(store.db, credentials(T0), T0, { secretsKey });
    expect(await authenticate(store.db, token, at(29 * MINUTE))).not.toBeNull();
    expect(await authenticate(store.db, token, at(58 * MINUTE))).not.toBeNull();
    expect(await authenticate(store.db, token, at(88 * MINUTE))).toBeNull();
    // Once ended, it stays ended.
    expect(await authenticate(store.db, token, at(89 * MINUTE))).toBeNull();
  });

  it('ends a session 12 hours after login however active', async () => {
    const { token } = await login(store.db, credentials(T0), T0, { secretsKey });
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      expect(await authenticate(store.db, token, at(minutes * MINUTE))).not.toBeNull();
    }
    expect(await authenticate(store.db, token, at(12 * 60 * MINUTE))).toBeNull();
  });

  it('logs out: the token no longer authenticates', async () => {
    const { token } = await login(store.db, credentials(T0), T0, { secretsKey });
    expect(await logout(store.db, token, at(MINUTE))).toBe(true);
    expect(await authenticate(store.db, token, at(MINUTE))).toBeNull();
    expect(await logout(store.db, token, at(MINUTE))).toBe(false);
    expect(await authenticate(store.db, 'not-a-token', T0)).toBeNull();
  });

  it('deactivation ends the sessions and refuses login', async () => {
    const { token } = await login(store.db, credentials(T0), T0, { secretsKey });
    await setUserActive(store.db, 'directrice', false, at(MINUTE));
    expect(await authenticate(store.db, token, at(MINUTE))).toBeNull();
    await expect(login(store.db, credentials(at(60_000)), at(60_000), { secretsKey })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
  });

  it('refuses a second user with a taken username', async () => {
    await expect(
      bootstrapUser(store.db, { username: 'directrice', displayName: 'X', roles: ['auditor'], secretsKey }),
    ).rejects.toMatchObject({ code: 'user_exists' });
  });
});
