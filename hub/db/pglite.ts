import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, SqlParam } from './database.js';
import { normaliseRows } from './normalise.js';
import { SerialQueue } from './serial-queue.js';

/** Where the embedded database lives. */
export interface PgliteDatabaseConfig {
  /** A directory for a durable database; in memory when absent. */
  readonly dataDir?: string;
  /** An instance made by the caller (tests load one from a dump to skip initdb). */
  readonly instance?: PGlite;
}

/** A {@link Database} over an embedded PGlite, every statement and transaction serialised. */
export async function createPgliteDatabase(config: PgliteDatabaseConfig = {}): Promise<Database> {
  const pglite = config.instance ?? (await PGlite.create(config.dataDir));
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
