import type { Database } from '../../../hub/db/database.js';

/**
 * The same database, with a pause before each transaction. A crash test needs the kill to land
 * while envelopes are still in flight; on loopback a few hundred envelopes are otherwise ingested
 * before a poll can see the first of them. Nothing is asserted on time.
 */
export function slowTransactions(db: Database, pauseMs: number): Database {
  if (pauseMs <= 0) return db;
  return {
    engine: db.engine,
    query: (text, params, options) => db.query(text, params, options),
    exec: (sql) => db.exec(sql),
    transaction: async (fn) => {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      return db.transaction(fn);
    },
    exclusive: (name, fn) => db.exclusive(name, fn),
    close: () => db.close(),
  };
}
