import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { DatabaseTooNewError, StoreError, StoreErrorCode } from './errors.js';
import { immediateTransaction } from './transaction.js';

/** The folder of this release's migrations. */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One numbered schema change, read from `NNN-name.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Hex SHA-256 of the file, recorded so that a rewritten history is noticed. */
  readonly checksum: string;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  readonly applied: readonly number[];
  readonly version: number;
}

const FILE_NAME = /^(\d{3})-([a-z0-9][a-z0-9-]*)\.sql$/;

/** Reads the migrations of a folder, numbered 001, 002, … without gaps or duplicates. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(file);
    if (!match) throw invalid(`${file} is not named NNN-name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version: Number(match[1]), name: match[2] ?? '', sql, checksum });
  }
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw invalid(`expected migration ${index + 1}, found ${migration.version}`);
  });
  return migrations;
}

/**
 * Brings the database up to the code's schema, one transaction per migration, and records each in
 * `schema_migrations`. Throws {@link DatabaseTooNewError} before touching anything when the
 * database knows a migration the code does not: running old code on a newer schema corrupts data.
 */
export function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const codeVersion = migrations.length;
  assertNotNewer(db, codeVersion);
  const applied: number[] = [];
  // Checked again inside each transaction: a second process may be migrating at the same time.
  for (const migration of migrations) {
    const didApply = immediateTransaction(db, () => applyOne(db, migration, codeVersion));
    if (didApply) applied.push(migration.version);
  }
  return { applied, version: codeVersion };
}

/** The highest migration recorded in the database, 0 for a new one. */
export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function applyOne(db: Db, migration: Migration, codeVersion: number): boolean {
  assertNotNewer(db, codeVersion);
  const recorded = db
    .prepare('SELECT checksum FROM schema_migrations WHERE version = ?')
    .get(migration.version) as { checksum: string } | undefined;
  if (recorded) {
    if (recorded.checksum !== migration.checksum) {
      throw new StoreError(
        StoreErrorCode.MigrationChanged,
        `migration ${migration.version}-${migration.name} differs from the one applied to this database`,
      );
    }
    return false;
  }
  db.exec(migration.sql);
  db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
    migration.version,
    migration.name,
    migration.checksum,
    new Date().toISOString(),
  );
  return true;
}

function assertNotNewer(db: Db, codeVersion: number): void {
  const databaseVersion = schemaVersion(db);
  if (databaseVersion > codeVersion) throw new DatabaseTooNewError(databaseVersion, codeVersion);
}

function invalid(message: string): StoreError {
  return new StoreError(StoreErrorCode.MigrationsInvalid, message);
}
