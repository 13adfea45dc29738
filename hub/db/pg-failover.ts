import pg from 'pg';
import { HubError, HubErrorCode } from '../errors.js';
import type { Database, Queryable } from './database.js';
import { createPgDatabase, type PgDatabaseConfig } from './pg.js';

/** Several PostgreSQL servers of one cluster (a primary and its streaming replicas). */
export interface FailoverPgConfig extends Omit<PgDatabaseConfig, 'connectionString'> {
  /** One URL per server, in the order they are tried (`serverUrlsOf`). */
  readonly servers: readonly string[];
  /** How long one server may take to answer before the next is tried. */
  readonly connectTimeoutMs?: number;
  /** Told each time the hub starts writing to a server: the first time, and after each failover. */
  readonly onServer?: (url: string) => void;
}

/**
 * A {@link Database} over whichever of several servers accepts writes. When the one in use goes
 * away (shut down, crashed, or demoted to a standby after a failover), the operation that met the
 * loss fails as it would with one server, and the next one looks for the new primary: the
 * replica that was promoted. What the hub committed before the loss is on the promoted replica
 * when replication is synchronous (the operator's runbook asks for it); an envelope whose
 * transaction failed was not acknowledged, and its mission sends it again.
 */
export function createFailoverPgDatabase(config: FailoverPgConfig): Database {
  let current: Promise<Database> | undefined;
  let active: Database | undefined;
  let closed = false;

  const connect = (): Promise<Database> => {
    if (closed) return Promise.reject(new Error('the database is closed'));
    current ??= openPrimary().catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    return current;
  };

  const openPrimary = async (): Promise<Database> => {
    const url = await findPrimary(config.servers, config.connectTimeoutMs ?? 3000);
    let db: Database | undefined;
    db = createPgDatabase({
      connectionString: url,
      ...(config.schema ? { schema: config.schema } : {}),
      ...(config.max ? { max: config.max } : {}),
      onIdleError: (error) => {
        if (db && isConnectionLoss(error)) dropped(db);
        config.onIdleError?.(error);
      },
    });
    active = db;
    config.onServer?.(url);
    return db;
  };

  const dropped = (db: Database): void => {
    if (active !== db) return;
    active = undefined;
    current = undefined;
    // Connections still checked out end with their own errors; the pool goes once they are back.
    db.close().catch(() => undefined);
  };

  const use = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await connect();
    try {
      return await fn(db);
    } catch (error) {
      if (isConnectionLoss(error)) dropped(db);
      throw error;
    }
  };

  return {
    engine: 'pg',
    query: (text, params, options) => use((db) => db.query(text, params, options)),
    exec: (sql) => use((db) => db.exec(sql)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => use((db) => db.transaction(fn)),
    exclusive: <T>(name: string, fn: () => Promise<T>) => use((db) => db.exclusive(name, fn)),
    async close() {
      closed = true;
      const db = active;
      active = undefined;
      current = undefined;
      await db?.close();
    },
  };
}

/** The first server, in order, that answers and is not a standby. */
async function findPrimary(servers: readonly string[], timeoutMs: number): Promise<string> {
  const seen: string[] = [];
  for (const url of servers) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      if (rows[0]?.standby === false) return url;
      seen.push(`${hostOf(url)}: standby`);
    } catch (error) {
      seen.push(`${hostOf(url)}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new HubError(
    HubErrorCode.DatabaseUnavailable,
    `no PostgreSQL server accepts writes (${seen.join('; ')}); after a failover, promote a replica`,
  );
}

function hostOf(url: string): string {
  return /^[a-z]+:\/\/(?:[^@/]*@)?([^/?]*)/.exec(url)?.[1] ?? url;
}

// Error codes of a server that is gone or cannot take writes (PostgreSQL's class 08, 57P0x, and
// 25006 from a server demoted to a standby) and of a socket that broke.
const LOST_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '25006',
]);

/** Whether an error means the server in use can no longer be written to. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connection error|terminating connection/i.test(error.message);
}
