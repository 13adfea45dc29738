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
import { HubError, HubErrorCode } from '../errors.js';
import type { Database, Queryable } from './database.js';

export type { Migration } from '../../common/migrations/index.js';

/** What migrate() did. */
export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reads the migrations shipped with the code, in order; they must be numbered 1, 2, 3, … */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  return asHubError(async () => loadMigrationFiles(dir));
}

/**
 * Brings the schema up to date: each pending migration in its own transaction, recorded in
 * schema_migrations with its checksum. Refuses a database that has a migration this code does not
 * know, since an older hub writing to a newer schema could corrupt it, and one whose applied
 * migrations no longer match their files. Safe to call from several processes at once.
 */
export async function migrate(db: Database, migrations?: readonly Migration[]): Promise<MigrationReport> {
  const known = migrations ?? (await loadMigrations());
  return db.exclusive('econsulat-hub-migrations', () =>
    asHubError(async () => {
      await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const plan = planMigrations(known, await readApplied(db));
      for (const migration of plan.pending) {
        await db.transaction(async (tx) => {
          await tx.exec(migration.sql);
          await record(tx, migration);
        });
      }
      await db.transaction((tx) => recordMissingChecksums(tx, known));
      return { applied: plan.pending.map((m) => m.version), current: plan.codeVersion };
    }),
  );
}

// Migration 015 adds the checksum column: until it has run, rows are read and written without it.
async function hasChecksumColumn(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'schema_migrations'::regclass
       AND attname = 'checksum' AND NOT attisdropped) AS present`,
  );
  return row?.present === true;
}

async function readApplied(q: Queryable): Promise<AppliedMigration[]> {
  const checksum = (await hasChecksumColumn(q)) ? 'checksum' : 'NULL::text AS checksum';
  return q.query<AppliedMigration>(`SELECT version, ${checksum} FROM schema_migrations ORDER BY version`);
}

async function record(tx: Queryable, migration: Migration): Promise<void> {
  if (await hasChecksumColumn(tx)) {
    await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
  } else {
    await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
}

/**
 * Rows written before migration 015 have no checksum. They take the checksum of today's files:
 * trust on first run, since nothing recorded what those files were when they ran. From then on
 * they are checked like every other row.
 */
async function recordMissingChecksums(tx: Queryable, known: readonly Migration[]): Promise<void> {
  if (!(await hasChecksumColumn(tx))) return;
  const { unrecorded } = planMigrations(known, await readApplied(tx));
  for (const migration of unrecorded) {
    await tx.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1 AND checksum IS NULL', [
      migration.version,
      migration.checksum,
    ]);
  }
}

/** Runs `work`, rethrowing the runner's refusals under the hub's codes (hub/errors.ts). */
async function asHubError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SchemaTooNewError) {
      throw new HubError(
        HubErrorCode.SchemaTooNew,
        `the database is at migration ${error.databaseVersion}, this hub knows up to ${error.codeVersion}: upgrade the hub`,
        { cause: error },
      );
    }
    if (error instanceof MigrationError) {
      const code =
        error.code === MigrationErrorCode.Changed
          ? HubErrorCode.MigrationChanged
          : HubErrorCode.MigrationsInvalid;
      throw new HubError(code, error.message, { cause: error });
    }
    throw error;
  }
}
