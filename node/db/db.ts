import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A better-sqlite3 connection; the node holds one per process. */
export type Db = Database.Database;

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** How long a statement waits for another connection's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) the node's SQLite database with the pragmas the mission relies on.
 * `:memory:` is accepted for throwaway use; it cannot run in WAL mode.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { readonly: options.readonly ?? false });
  try {
    applyPragmas(db, path, options.busyTimeoutMs ?? 5000);
  } catch (error) {
    db.close();
    throw error;
  }
  cacheStatements(db);
  return db;
}

const STATEMENT_CACHE_LIMIT = 1000;

/**
 * Services call `db.prepare(sql)` where they need it; compiling the SQL each time cost more than
 * running it (profiled on the booking path). Statements are kept by their text and reused; a
 * statement still iterating is never handed out twice.
 */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    const hit = cache.get(sql);
    if (hit && !hit.busy) return hit;
    const statement = prepare(sql);
    if (!hit) {
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
      cache.set(sql, statement);
    }
    return statement;
  };
  // The generic signature of prepare() only narrows result types; the statement is the same object.
  db.prepare = cached as Db['prepare'];
}

function applyPragmas(db: Db, path: string, busyTimeoutMs: number): void {
  // Set first: every later statement, including journal_mode, may need to wait for a lock.
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  if (path !== ':memory:' && !db.readonly) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)}) for ${path}`);
  }
  // Embassies lose power: FULL syncs the WAL on every commit, so a committed booking or payment
  // survives a power cut. The cost (~13,600 commits/s here) is far above a mission's load.
  db.pragma('synchronous = FULL');
  // Each service's own transaction is a savepoint inside a commit group's transaction, and SQLite
  // copies every page a savepoint touches to a sub-journal that spills to a temporary file past
  // 64 KB: kept in memory, those copies cost a memcpy instead of a write system call per page
  // (a fifth of a booking's time when profiled). Temporary tables and sort indexes follow.
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  // Schema objects (triggers, views) must not call application functions: the file is not trusted code.
  db.pragma('trusted_schema = OFF');
}

/** Whether the connection writes through a WAL file of its own (not `:memory:`, not read-only). */
export function writesThroughWal(db: Db): boolean {
  return !db.memory && !db.readonly && db.pragma('journal_mode', { simple: true }) === 'wal';
}

/**
 * Copies every WAL page into the main file and empties the WAL, so that the .sqlite file alone is
 * the whole database (before a file-level copy or a byte scan).
 */
export function checkpointDatabase(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
