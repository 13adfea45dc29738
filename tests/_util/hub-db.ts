import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from '../../hub/db/database.js';
import { migrate } from '../../hub/db/migrate.js';
import { createPgDatabase, quoteIdentifier } from '../../hub/db/pg.js';
import { createPgliteDatabase, PGLITE_EXTENSIONS } from '../../hub/db/pglite.js';
import { announceSkip, testDatabaseUrl } from './services.js';

/** One database a test owns, and how to get rid of it. */
export interface TestStore {
  readonly db: Database;
  /** Another handle on the same database, as a second hub process would hold (PostgreSQL only). */
  readonly reopen?: () => Database;
  dispose(): Promise<void>;
}

/** A swappable hub store backend: every store and ingest suite runs against each. */
export interface StoreBackend {
  readonly name: 'pglite' | 'pg';
  /** A fresh, empty database. */
  create(): Promise<TestStore>;
}

let pgliteTemplate: Promise<Blob> | undefined;

/** initdb costs seconds: it runs once per file, and each test loads a copy of the blank cluster. */
function blankPglite(): Promise<PGlite> {
  pgliteTemplate ??= PGlite.create().then(async (template) => {
    const dump = await template.dumpDataDir('none');
    await template.close();
    return dump;
  });
  return pgliteTemplate.then((dump) => PGlite.create({ loadDataDir: dump, extensions: PGLITE_EXTENSIONS }));
}

const pgliteBackend: StoreBackend = {
  name: 'pglite',
  async create() {
    const db = await createPgliteDatabase({ instance: await blankPglite() });
    return { db, dispose: () => db.close() };
  },
};

function pgBackend(connectionString: string): StoreBackend {
  return {
    name: 'pg',
    async create() {
      const schema = `hub_test_${randomBytes(6).toString('hex')}`;
      await admin(connectionString, `CREATE SCHEMA ${quoteIdentifier(schema)}`);
      const handles: Database[] = [];
      const reopen = () => {
        const db = createPgDatabase({ connectionString, schema, max: 5 });
        handles.push(db);
        return db;
      };
      const dispose = async () => {
        await Promise.all(handles.map((db) => db.close()));
        await admin(connectionString, `DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
      };
      return { db: reopen(), reopen, dispose };
    },
  };
}

/** Runs one statement on its own connection (creating and dropping schemas). */
export async function admin(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (it is in CI). */
export function storeBackends(suite: string): StoreBackend[] {
  if (!testDatabaseUrl) {
    announceSkip(`${suite} on PostgreSQL`, 'TEST_DATABASE_URL');
    return [pgliteBackend];
  }
  return [pgliteBackend, pgBackend(testDatabaseUrl)];
}

/** A fresh database with every migration applied. */
export async function migratedStore(backend: StoreBackend): Promise<TestStore> {
  const store = await backend.create();
  await migrate(store.db);
  return store;
}
