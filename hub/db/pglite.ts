import { PGlite, type Transaction } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Database, Queryable, SqlParam } from './database.js';
import { normaliseRows } from './normalise.js';
import { SerialQueue } from './serial-queue.js';

/** Where the embedded database lives. */
export interface PgliteDatabaseConfig {
  /** A directory for a durable database; in memory when absent. */
  readonly dataDir?: string;
  /** An instance made by the caller (tests load one from a dump to skip initdb), with {@link PGLITE_EXTENSIONS}. */
  readonly instance?: PGlite;
}

/**
 * The contrib extensions the hub's migrations create (024: registry candidate search). PGlite
 * loads an extension only when its constructor is given it: every PGlite the hub migrates, the
 * tests' included, is made with these.
 */
export const PGLITE_EXTENSIONS = { pg_trgm, fuzzystrmatch } as const;

/** A {@link Database} over an embedded PGlite, every statement and transaction serialised. */
export async function createPgliteDatabase(config: PgliteDatabaseConfig = {}): Promise<Database> {
  const pglite = config.instance ?? (await PGlite.create(config.dataDir, { extensions: PGLITE_EXTENSIONS }));
  const queue = new SerialQueue();
  const direct = handleOf(pglite);
  return {
    engine: 'pglite',
    query: (text, params) => queue.run(() => direct.query(text, params)),
    exec: (sql) => queue.run(() => direct.exec(sql)),
    transaction: (fn) => queue.run(() => pglite.transaction((tx) => fn(handleOf(tx)))),
    // One process owns a PGlite data directory: the queue is exclusion enough.
    exclusive: (_name, fn) => fn(),
    close: () => queue.run(() => pglite.close()),
  };
}

function handleOf(target: PGlite | Transaction): Queryable {
  return {
    query: async <T>(text: string, params?: readonly SqlParam[]) => {
      const result = await target.query(text, params as unknown[] | undefined);
      return normaliseRows<T>(result.rows, result.fields);
    },
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  };
}
