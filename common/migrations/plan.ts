import { MigrationError, MigrationErrorCode, SchemaTooNewError } from './errors.js';
import type { Migration } from './migration-files.js';

/** A row of the database's record of applied migrations. */
export interface AppliedMigration {
  readonly version: number;
  /** `null` for a row written before its side recorded checksums (the hub until its migration 015). */
  readonly checksum: string | null;
}

/** What a database needs, from {@link planMigrations}. */
export interface MigrationPlan {
  /** Migrations not applied yet, in order. */
  readonly pending: readonly Migration[];
  /** Applied migrations recorded without a checksum: the caller records the file's. */
  readonly unrecorded: readonly Migration[];
  /** The version the database is at once the pending ones are applied. */
  readonly codeVersion: number;
}

/**
 * Compares the code's migrations with those a database records, without touching either. Throws
 * {@link SchemaTooNewError} when the database knows a migration the code does not, and a
 * `migration_changed` {@link MigrationError} when an applied migration's file no longer matches
 * the checksum recorded for it. Each side calls it with its engine's rows, then applies the plan.
 */
export function planMigrations(
  known: readonly Migration[],
  applied: readonly AppliedMigration[],
): MigrationPlan {
  const codeVersion = known.length;
  const databaseVersion = Math.max(0, ...applied.map((row) => row.version));
  if (databaseVersion > codeVersion) throw new SchemaTooNewError(databaseVersion, codeVersion);
  const recorded = new Map(applied.map((row) => [row.version, row.checksum]));
  const pending: Migration[] = [];
  const unrecorded: Migration[] = [];
  for (const migration of known) {
    const checksum = recorded.get(migration.version);
    if (checksum === undefined) pending.push(migration);
    else if (checksum === null) unrecorded.push(migration);
    else if (checksum !== migration.checksum) throw changed(migration);
  }
  return { pending, unrecorded, codeVersion };
}

function changed(migration: Migration): MigrationError {
  return new MigrationError(
    MigrationErrorCode.Changed,
    `migration ${migration.version}-${migration.name} differs from the one applied to this database`,
  );
}
