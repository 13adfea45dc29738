import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready, sodium } from '../../protocol/index.js';
import { createPasswordPool, type PasswordHasher } from './password-pool.js';

// The production limits: libsodium's INTERACTIVE argon2id (2 passes, 64 MiB).
const INTERACTIVE_PREFIX = '$argon2id$v=19$m=65536,t=2,p=1$';
// A hash made at libsodium's minimum limits, as an older or cheaper setting left it in a database.
const MIN_LIMITS_HASH =
  '$argon2id$v=19$m=8,t=1,p=1$9Giyb93qZLp6tFAPGiVaJQ$9E2o0lNhNyLSTC/5qxUDKQuEpwPU5+YFfFgIJ4ZuoWA';
const MIN_LIMITS_PASSWORD = 'le fleuve oubangui au matin';

let pool: PasswordHasher;

beforeAll(() => {
  pool = createPasswordPool({ size: 2 });
});
afterAll(() => pool.close());

describe('argon2id password pool', () => {
  it('hashes at the interactive limits while the event loop keeps turning', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const hash = await pool.hash('a passphrase long enough');
      expect(hash.startsWith(INTERACTIVE_PREFIX)).toBe(true);
      expect(ticks).toBeGreaterThan(0);
      await expect(pool.verify(hash, 'a passphrase long enough')).resolves.toEqual({
        valid: true,
        needsRehash: false,
      });
    } finally {
      clearInterval(timer);
    }
  });

  it('verifies several passwords at once, each against its own hash', async () => {
    const passwords = ['first passphrase', 'second passphrase', 'third passphrase', 'fourth passphrase'];
    const hashes = await Promise.all(passwords.map((password) => pool.hash(password)));
    expect(new Set(hashes).size).toBe(4);
    const swapped = await Promise.all(
      hashes.map((hash, i) => pool.verify(hash, passwords[(i + 1) % 4] ?? '')),
    );
    expect(swapped.every((check) => !check.valid)).toBe(true);
    const matches = await Promise.all(hashes.map((hash, i) => pool.verify(hash, passwords[i] ?? '')));
    expect(matches.every((check) => check.valid)).toBe(true);
  });

  it('still verifies a hash stored under older limits, and says it is due an upgrade', async () => {
    await expect(pool.verify(MIN_LIMITS_HASH, MIN_LIMITS_PASSWORD)).resolves.toEqual({
      valid: true,
      needsRehash: true,
    });
  });

  it('never asks to upgrade a hash whose password did not match', async () => {
    await expect(pool.verify(MIN_LIMITS_HASH, 'le fleuve oubangui au soir')).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it.each([
    ['empty', ''],
    ['not a hash', 'not a hash'],
    ['truncated', MIN_LIMITS_HASH.slice(0, 40)],
    ['of another algorithm', '$2b$10$abcdefghijklmnopqrstuuJ9f6b3Yt8vGq9Xc0bq5Q0e5b5b5b5b5'],
  ])('treats a stored hash that is %s as a mismatch', async (_name, hash) => {
    await expect(pool.verify(hash, MIN_LIMITS_PASSWORD)).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it('hashes at the limits it was given', async () => {
    await ready();
    const cheap = createPasswordPool({
      size: 1,
      opsLimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
      memLimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
    });
    try {
      const hash = await cheap.hash(MIN_LIMITS_PASSWORD);
      expect(hash.startsWith('$argon2id$v=19$m=8,t=1,p=1$')).toBe(true);
      await expect(cheap.verify(MIN_LIMITS_HASH, MIN_LIMITS_PASSWORD)).resolves.toEqual({
        valid: true,
        needsRehash: false,
      });
      expect((await pool.verify(hash, MIN_LIMITS_PASSWORD)).needsRehash).toBe(true);
    } finally {
      await cheap.close();
    }
  });

  it('refuses to hash a password that is not a string', async () => {
    await expect(pool.hash(undefined as unknown as string)).rejects.toThrow();
  });

  it('never holds a process open, even a pool nobody closes (the hub shares one for its life)', () => {
    const pool = fileURLToPath(new URL('./password-pool.ts', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'econsulat-pool-'));
    const script = join(dir, 'hash-and-leave.mts');
    writeFileSync(
      script,
      `import { createPasswordPool } from ${JSON.stringify(pool)};
       const hasher = createPasswordPool({ size: 2 });
       await hasher.hash('un mot de passe assez long');
       console.log('hashed');\n`,
    );
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stdout, run.stderr).toContain('hashed');
      // Held open, the process would be killed by the timeout: a signal and no status.
      expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses work once closed', async () => {
    const closing = createPasswordPool({ size: 1 });
    await closing.close();
    await expect(closing.hash('too late for this')).rejects.toThrow(/closed/);
    await expect(closing.verify(MIN_LIMITS_HASH, MIN_LIMITS_PASSWORD)).rejects.toThrow(/closed/);
  });

  it.each([
    ['a size of 0', { size: 0 }],
    ['a negative size', { size: -1 }],
    ['a fractional size', { size: 1.5 }],
    ['an opsLimit of 0', { opsLimit: 0 }],
    ['a memLimit that is not a number', { memLimit: Number.NaN }],
  ])('throws a TypeError on %s', (_name, options) => {
    expect(() => createPasswordPool(options)).toThrow(TypeError);
  });
});
