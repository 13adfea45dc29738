import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError, MigrationErrorCode } from './errors.js';

/** One numbered schema change, read from `NNN-name.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Hex SHA-256 of the file's text, recorded so that a rewritten history is noticed. */
  readonly checksum: string;
}

const FILE_NAME = /^(\d{3})-([a-z0-9][a-z0-9-]*)\.sql$/;

/**
 * Reads the migrations of a folder, in order. Every `.sql` file must be named `NNN-name.sql` and the
 * numbers must run 001, 002, 003, … without a gap or a duplicate; other files are ignored.
 * Synchronous, so that the node can migrate inside its synchronous start-up; the folder is small.
 */
export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => readMigration(dir, file));
  migrations.forEach((migration, index) => {
    if (migration.version === migrations[index - 1]?.version) {
      throw invalid(`two migrations are numbered ${migration.version}`);
    }
    if (migration.version !== index + 1) {
      throw invalid(`expected migration ${index + 1}, found ${migration.version}-${migration.name}`);
    }
  });
  return migrations;
}

/** The checksum recorded for a migration: hex SHA-256 of its text as UTF-8. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

function readMigration(dir: string, file: string): Migration {
  const match = FILE_NAME.exec(file);
  if (!match) throw invalid(`${file} is not named NNN-name.sql (lower case, digits and hyphens)`);
  const sql = readFileSync(join(dir, file), 'utf8');
  return { version: Number(match[1]), name: match[2] ?? '', sql, checksum: migrationChecksum(sql) };
}

function invalid(message: string): MigrationError {
  return new MigrationError(MigrationErrorCode.Invalid, message);
}
