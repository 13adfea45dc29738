import pg from 'pg';
import type { Database, Queryable, QueryOptions, SqlParam } from './database.js';
import { normaliseRows } from './normalise.js';
import { serverUrlsOf } from './pg-hosts.js';

/** How to reach a PostgreSQL server. */
export interface PgDatabaseConfig {
  /** `DATABASE_URL`: postgres://user@host:port/database */
  readonly connectionString: string;
  /** A schema to work in instead of `public` (each test owns one); set on every pooled connection. */
  readonly schema?: string;
  /** Pool size; ingest workers each hold one connection for the length of a transaction. */
  readonly max?: number;
  /** Told about errors of idle pooled connections (the server restarted, the network dropped). */
  readonly onIdleError?: (error: Error) => void;
}

/** A {@link Database} over a `pg` pool. */
export function createPgDatabase(config: PgDatabaseConfig): Database {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.max ?? 10,
    // The startup parameter applies to every connection the pool opens, before any query runs.
    ...(config.schema ? { options: `-c search_path=${quoteIdentifier(config.schema)}` } : {}),
  });
  // Without a listener an idle connection's error would crash the process; the pool drops the
  // connection and the next query opens a fresh one.
  pool.on('error', (error) => config.onIdleError?.(error));
  return {
    engine: 'pg',
    query: (text, params, options) => runQuery(pool, text, params, options),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: (fn) => runTransaction(pool, fn),
    exclusive: (name, fn) => withAdvisoryLock(pool, name, fn),
    close: () => pool.end(),
  };
}

async function runQuery<T>(
  client: pg.Pool | pg.PoolClient,
  text: string,
  params?: readonly SqlParam[],
  options?: QueryOptions,
) {
  const values = params as unknown[] | undefined;
  const result = await client.query(
    options?.prepared ? { name: options.prepared, text, values } : { text, values },
  );
  return normaliseRows<T>(result.rows, result.fields);
}

function handleOf(client: pg.PoolClient): Queryable {
  return {
    query: (text, params, options) => runQuery(client, text, params, options),
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}

async function runTransaction<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const lost = (error: Error) => {
    broken = error;
  };
  // The pool listens for errors of idle connections only: a server gone while this one is checked
  // out would otherwise be an uncaught 'error' that ends the process. The query in flight fails.
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await fn(handleOf(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.removeListener('error', lost);
    client.release(broken);
  }
}

async function withAdvisoryLock<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // Keyed by schema too, so that tests working in separate schemas do not wait on one another.
  const key = 'hashtext($1 || current_schema())';
  let broken: Error | undefined;
  const lost = (error: Error) => {
    broken = error;
  };
  // Held for as long as `fn` runs: a server lost meanwhile must not end the process (see above).
  client.on('error', lost);
  try {
    await client.query(`SELECT pg_advisory_lock(${key})`, [`${name}:`]);
    return await fn();
  } finally {
    // Unlocking can only fail with the connection gone, and then the server has dropped the lock.
    await client.query(`SELECT pg_advisory_unlock(${key})`, [`${name}:`]).catch(() => undefined);
    client.removeListener('error', lost);
    client.release(broken);
  }
}

/** Quotes an SQL identifier (doubling embedded quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A `LISTEN` held open on a connection of its own. */
export interface PgListener {
  close(): Promise<void>;
}

/**
 * Listens to one PostgreSQL notification channel on a dedicated connection (a pooled one would
 * be handed to other queries), connecting again a second after the connection drops. Notifications
 * sent while it was down are lost: listeners must treat them as hints, never as data.
 */
export function listenOn(
  config: Pick<PgDatabaseConfig, 'connectionString' | 'schema' | 'onIdleError'>,
  channel: string,
  onPayload: (payload: string) => void,
): PgListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // A primary and its replicas (pg-hosts.ts): a standby refuses LISTEN, so a connection that
  // fails moves on to the next server, and after a failover the promoted one is found.
  const servers = serverUrlsOf(config.connectionString);
  let turn = 0;
  const connect = async () => {
    const fresh = new pg.Client({
      connectionString: servers[turn % servers.length],
      ...(config.schema ? { options: `-c search_path=${quoteIdentifier(config.schema)}` } : {}),
    });
    client = fresh;
    let dropped = false;
    const again = (error: Error) => {
      if (dropped || closed) return;
      dropped = true;
      config.onIdleError?.(error);
      fresh.removeAllListeners();
      fresh.on('error', () => undefined);
      void fresh.end().catch(() => undefined);
      turn += 1;
      if (!closed && client === fresh) retry = setTimeout(() => void connect(), 1000);
    };
    fresh.on('error', again);
    fresh.on('end', () => again(new Error('the LISTEN connection ended')));
    fresh.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    try {
      await fresh.connect();
      await fresh.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      again(error as Error);
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
