import { fileURLToPath } from 'node:url';
import {
  type AppliedMigration,
  loadMigrations as loadMigrationFiles,
  type Migration,
  MigrationError,
  MigrationErrorCode,
  planMigrations,
  SchemaTooNewError,
} from '../../common/migrations/index.js';
import type { Db } from './db.js';
import { DatabaseTooNewError, StoreError, StoreErrorCode } from './errors.js';
import { immediateTransaction } from './transaction.js';

export type { Migration } from '../../common/migrations/index.js';

/** The folder of this release's migrations. */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** What {@link migrate} did. */
export interface MigrateResult {
  readonly applied: readonly number[];
  readonly version: number;
}

/** Reads the migrations of a folder, numbered 001, 002, … without gaps or duplicates. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return asStoreError(() => loadMigrationFiles(dir));
}

/**
 * Brings the database up to the code's schema, one transaction per migration, and records each in
 * `schema_migrations` with its checksum. Throws {@link DatabaseTooNewError} before touching anything
 * when the database knows a migration the code does not: running old code on a newer schema
 * corrupts data; and `migration_changed` when an applied migration's file was rewritten.
 */
export function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const applied: number[] = [];
  // Planned again inside each transaction: a second process may be migrating at the same time.
  for (;;) {
    const next = asStoreError(() => immediateTransaction(db, () => applyNext(db, migrations)));
    if (next === undefined) return { applied, version: migrations.length };
    applied.push(next.version);
  }
}

/** The highest migration recorded in the database, 0 for a new one. */
export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

function applyNext(db: Db, migrations: readonly Migration[]): Migration | undefined {
  const recorded = db.prepare('SELECT version, checksum FROM schema_migrations').all() as AppliedMigration[];
  const migration = planMigrations(migrations, recorded).pending[0];
  if (migration === undefined) return undefined;
  db.exec(migration.sql);
  db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
    migration.version,
    migration.name,
    migration.checksum,
    new Date().toISOString(),
  );
  return migration;
}

/** Runs `work`, rethrowing the runner's refusals under the store's codes (node/db/errors.ts). */
function asStoreError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SchemaTooNewError) {
      throw new DatabaseTooNewError(error.databaseVersion, error.codeVersion);
    }
    if (error instanceof MigrationError) {
      const code =
        error.code === MigrationErrorCode.Changed
          ? StoreErrorCode.MigrationChanged
          : StoreErrorCode.MigrationsInvalid;
      throw new StoreError(code, error.message, { cause: error });
    }
    throw error;
  }
}
