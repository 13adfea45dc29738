import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/db.js';
import { DatabaseTooNewError, StoreError } from '../node/db/errors.js';
import { loadMigrations, migrate, schemaVersion } from '../node/db/migrate.js';
import { openStore } from '../node/db/store.js';
import { makeTempDir, openTempStore, type TempDir } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<TempDir> {
  const temp = await makeTempDir();
  cleanups.push(temp.cleanup);
  return temp;
}

async function writeMigrations(dir: string, files: Record<string, string>): Promise<string> {
  const folder = join(dir, 'migrations');
  await mkdir(folder, { recursive: true });
  for (const [name, sql] of Object.entries(files)) await writeFile(join(folder, name), sql);
  return folder;
}

describe('node store: database and migrations', () => {
  it('applies the release migrations at start and records each one', async () => {
    const { store, cleanup } = await openTempStore();
    cleanups.push(cleanup);
    const recorded = store.db.prepare('SELECT version, name, checksum FROM schema_migrations').all();
    expect(recorded).toEqual(
      loadMigrations().map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })),
    );
    const tables = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['people', 'audit_log', 'outbox', 'settings']));
    expect(migrate(store.db).applied).toEqual([]);
  });

  it('opens in WAL mode with foreign keys on and synchronous FULL', async () => {
    const { store, cleanup } = await openTempStore();
    cleanups.push(cleanup);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it('refuses to start on a database migrated by a newer release', async () => {
    const { path, dataKey, store, cleanup } = await openTempStore();
    cleanups.push(cleanup);
    const known = schemaVersion(store.db);
    store.db
      .prepare("INSERT INTO schema_migrations VALUES (?, 'from-the-future', 'x', 'now')")
      .run(known + 1);
    store.close();
    const opening = openStore({ path, dataKey });
    await expect(opening).rejects.toBeInstanceOf(DatabaseTooNewError);
    await expect(openStore({ path, dataKey })).rejects.toMatchObject({
      code: 'database_too_new',
      databaseVersion: known + 1,
      codeVersion: known,
    });
  });

  it('applies each migration in its own transaction: a failing one leaves the earlier ones applied', async () => {
    const { dir } = await tempDir();
    const folder = await writeMigrations(dir, {
      '001-first.sql': 'CREATE TABLE first (id INTEGER PRIMARY KEY);',
      '002-broken.sql': 'CREATE TABLE second (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);',
    });
    const db = openDatabase(join(dir, 'db.sqlite'));
    cleanups.push(async () => {
      db.close();
    });
    expect(() => migrate(db, loadMigrations(folder))).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toContain('first');
    expect(tables).not.toContain('second');
  });

  it('refuses a migration file that changed after it was applied', async () => {
    const { dir } = await tempDir();
    const folder = await writeMigrations(dir, { '001-first.sql': 'CREATE TABLE first (id INTEGER);' });
    const db = openDatabase(join(dir, 'db.sqlite'));
    cleanups.push(async () => {
      db.close();
    });
    migrate(db, loadMigrations(folder));
    await writeFile(join(folder, '001-first.sql'), 'CREATE TABLE first (id TEXT);');
    expect(() => migrate(db, loadMigrations(folder))).toThrow(
      expect.objectContaining({ code: 'migration_changed' }),
    );
  });

  it('refuses a migrations folder with a gap in its numbers', async () => {
    const { dir } = await tempDir();
    const folder = await writeMigrations(dir, { '001-a.sql': 'SELECT 1;', '003-c.sql': 'SELECT 1;' });
    expect(() => loadMigrations(folder)).toThrow(StoreError);
  });

  it('refuses a migrations folder with two files of the same number or a badly named file', async () => {
    const { dir } = await tempDir();
    const twice = await writeMigrations(join(dir, 'twice'), {
      '001-a.sql': 'SELECT 1;',
      '001-b.sql': 'SELECT 1;',
    });
    expect(() => loadMigrations(twice)).toThrow(expect.objectContaining({ code: 'migrations_invalid' }));
    const misnamed = await writeMigrations(join(dir, 'misnamed'), {
      '001-a.sql': 'SELECT 1;',
      '2-b.sql': 'SELECT 1;',
    });
    expect(() => loadMigrations(misnamed)).toThrow(expect.objectContaining({ code: 'migrations_invalid' }));
  });

  it('refuses to open a database with another data key', async () => {
    const { path, store, cleanup } = await openTempStore();
    cleanups.push(cleanup);
    store.close();
    const otherKey = new Uint8Array(32).fill(7);
    await expect(openStore({ path, dataKey: otherKey })).rejects.toMatchObject({ code: 'wrong_data_key' });
  });
});
