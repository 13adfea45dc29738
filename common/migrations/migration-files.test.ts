import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationErrorCode } from './errors.js';
import { loadMigrations, migrationChecksum } from './migration-files.js';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function folderWith(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
  folders.push(folder);
  for (const [name, sql] of Object.entries(files)) await writeFile(join(folder, name), sql);
  return folder;
}

const invalid = expect.objectContaining({ code: MigrationErrorCode.Invalid });

describe('loadMigrations', () => {
  it('reads NNN-name.sql files in order, with the SHA-256 of each', async () => {
    const folder = await folderWith({
      '002-second.sql': 'SELECT 2;',
      '001-first.sql': 'SELECT 1;',
      'README.md': 'not a migration',
    });
    expect(loadMigrations(folder)).toEqual([
      { version: 1, name: 'first', sql: 'SELECT 1;', checksum: migrationChecksum('SELECT 1;') },
      { version: 2, name: 'second', sql: 'SELECT 2;', checksum: migrationChecksum('SELECT 2;') },
    ]);
  });

  it('checksums the text as SHA-256 in hex, as the node has always recorded it', () => {
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads an empty folder as no migrations', async () => {
    expect(loadMigrations(await folderWith({}))).toEqual([]);
  });

  it('refuses a gap in the numbers', async () => {
    const folder = await folderWith({ '001-a.sql': 'SELECT 1;', '003-c.sql': 'SELECT 3;' });
    expect(() => loadMigrations(folder)).toThrow(invalid);
    expect(() => loadMigrations(folder)).toThrow(/expected migration 2, found 3-c/);
  });

  it('refuses numbers that do not start at 001', async () => {
    const folder = await folderWith({ '002-b.sql': 'SELECT 2;' });
    expect(() => loadMigrations(folder)).toThrow(/expected migration 1/);
  });

  it('refuses two migrations with the same number', async () => {
    const folder = await folderWith({ '001-a.sql': 'SELECT 1;', '001-b.sql': 'SELECT 1;' });
    expect(() => loadMigrations(folder)).toThrow(invalid);
    expect(() => loadMigrations(folder)).toThrow(/two migrations are numbered 1/);
  });

  it.each(['1-short.sql', '001_underscore.sql', '001-Upper.sql', '001-.sql', 'latest.sql'])(
    'refuses a .sql file not named NNN-name.sql: %s',
    async (file) => {
      const folder = await folderWith({ '001-a.sql': 'SELECT 1;', [file]: 'SELECT 2;' });
      expect(() => loadMigrations(folder)).toThrow(invalid);
    },
  );
});
