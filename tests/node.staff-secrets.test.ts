import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordPool, createStaffService, type PasswordHasher } from '../node/services/staff/index.js';
import { fastPasswordPool, openStaffFixture } from './_util/staff-fixture.js';

// The production limits: libsodium's INTERACTIVE argon2id (2 passes, 64 MiB).
const INTERACTIVE_PREFIX = '$argon2id$v=19$m=65536,t=2,p=1$';

let pool: PasswordHasher;

beforeAll(() => {
  pool = createPasswordPool({ size: 2 });
});
afterAll(() => pool.close());

// The pool itself is common/auth's (common/auth/password-pool.test.ts); here, the staff login's use of it.
describe('password hashes of staff accounts', () => {
  it('upgrades a hash made with weaker limits at the next successful login', async () => {
    const fast = await fastPasswordPool();
    const fx = await openStaffFixture(fast);
    try {
      const weak = fx.temp.store.db
        .prepare("SELECT password_hash FROM staff_users WHERE username = 'root'")
        .pluck()
        .get() as string;
      expect(weak.startsWith(INTERACTIVE_PREFIX)).toBe(false);
      expect((await pool.verify(weak, fx.adminSecrets.password)).needsRehash).toBe(true);
      const staff = createStaffService({ store: fx.temp.store, hasher: pool, now: fx.clock.now });
      await staff.login({
        username: 'root',
        password: fx.adminSecrets.password,
        code: fx.code(fx.adminSecrets.totpSecret),
      });
      const upgraded = fx.temp.store.db
        .prepare("SELECT password_hash FROM staff_users WHERE username = 'root'")
        .pluck()
        .get() as string;
      expect(upgraded.startsWith(INTERACTIVE_PREFIX)).toBe(true);
    } finally {
      await fx.cleanup();
      await fast.close();
    }
  });
});

describe('secrets at rest', () => {
  it('leaves no password, TOTP secret, recovery code, token or staff name in clear in the database file', async () => {
    const fx = await openStaffFixture(pool);
    const agent = await fx.enrolled('amina', ['agent']);
    const { token, principal } = await fx.loginAs(agent);
    const pending = await fx.staff.createStaff(fx.admin, {
      username: 'bruno',
      displayName: 'Bruno Yakite',
      roles: ['consul'],
    });
    const first = await fx.staff.login({ username: 'bruno', password: pending.temporaryPassword });
    const enrolling = fx.staff.beginTotpEnrolment(first.user.id);
    fx.temp.store.close();

    const files = await readdir(fx.temp.dir);
    const bytes = Buffer.concat(await Promise.all(files.map((file) => readFile(join(fx.temp.dir, file)))));
    // The scan does see the file's contents: usernames are stored in clear, by design.
    expect(bytes.includes(Buffer.from('bruno', 'utf8'))).toBe(true);
    const secrets = [
      agent.password,
      agent.totpSecret,
      fx.adminSecrets.password,
      fx.adminSecrets.totpSecret,
      pending.temporaryPassword,
      enrolling.secret,
      token,
      principal.csrfSecret,
      'Agent amina',
      'Bruno Yakite',
      'Chef de poste',
      ...agent.recoveryCodes,
      ...agent.recoveryCodes.map((code) => code.replace('-', '')),
    ];
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
    for (const secret of [agent.totpSecret, enrolling.secret]) {
      expect(bytes.includes(Buffer.from(Secret.fromBase32(secret).bytes))).toBe(false);
    }
    await fx.cleanup();
  });
});
