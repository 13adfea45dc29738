import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HubError, HubErrorCode } from '../errors.js';
import type { Database } from './database.js';

/** One numbered schema change, from hub/db/migrations/NNN-name.sql. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** What migrate() did. */
export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** Reads the migrations shipped with the code, in order; they must be numbered 1, 2, 3, … */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => FILE_NAME.test(name)).sort();
  const migrations: Migration[] = [];
  for (const [index, file] of names.entries()) {
    const [, number, name] = FILE_NAME.exec(file) as RegExpExecArray;
    if (Number(number) !== index + 1) {
      throw new HubError(HubErrorCode.MigrationsInvalid, `${file}: expected number ${index + 1}`);
    }
    migrations.push({
      version: index + 1,
      name: name ?? file,
      sql: await readFile(`${dir}/${file}`, 'utf8'),
    });
  }
  return migrations;
}

/**
 * Brings the schema up to date: each pending migration in its own transaction, recorded in
 * schema_migrations. Refuses a database that has a migration this code does not know, since an
 * older hub writing to a newer schema could corrupt it. Safe to call from several processes at once.
 */
export async function migrate(db: Database, migrations?: readonly Migration[]): Promise<MigrationReport> {
  const known = migrations ?? (await loadMigrations());
  return db.exclusive('econsulat-hub-migrations', async () => {
    await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    const done = new Set(rows.map((row) => row.version));
    refuseNewerSchema([...done], known.length);
    const applied: number[] = [];
    for (const migration of known.filter((m) => !done.has(m.version))) {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
      applied.push(migration.version);
    }
    return { applied, current: known.length };
  });
}

function refuseNewerSchema(done: readonly number[], latestKnown: number): void {
  const newest = Math.max(0, ...done);
  if (newest > latestKnown) {
    throw new HubError(
      HubErrorCode.SchemaTooNew,
      `the database is at migration ${newest}, this hub knows up to ${latestKnown}: upgrade the hub`,
    );
  }
}
