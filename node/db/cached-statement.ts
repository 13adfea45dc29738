import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

const cache = new WeakMap<Db, Map<string, Statement>>();

/**
 * The prepared statement of `sql` on `db`, compiled once per connection. better-sqlite3 compiles
 * anew at each `prepare`; for a statement run thousands of times in a row (a roll-call queueing
 * an SMS per phone) the compilation costs more than the write. Only for fixed SQL text: every
 * distinct text stays in the cache as long as the connection.
 */
export function cachedStatement(db: Db, sql: string): Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
