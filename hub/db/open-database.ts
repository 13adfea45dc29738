import { existsSync } from 'node:fs';
import { HubError, HubErrorCode } from '../errors.js';
import type { Database } from './database.js';
import { createEmbeddedPostgresDatabase, type EmbeddedPostgresConfig } from './embedded/embedded-database.js';
import { migrate } from './migrate.js';
import { createPgDatabase } from './pg.js';
import { createFailoverPgDatabase } from './pg-failover.js';
import { serverUrlsOf } from './pg-hosts.js';
import { createPgliteDatabase } from './pglite.js';

/**
 * Which store the hub uses, first match wins: PostgreSQL at a URL; the hub's own PostgreSQL
 * server in its directory; PGlite (in memory when no directory is given).
 */
export interface StoreConfig {
  /** `DATABASE_URL`. */
  readonly databaseUrl?: string;
  /** The durable embedded default, and where an older hub kept its PGlite data, to refuse it. */
  readonly embeddedPostgres?: EmbeddedPostgresConfig & { readonly pgliteDir?: string };
  /** PGlite's data directory: tests and throwaway runs (PGlite never fsyncs); in memory when absent. */
  readonly dataDir?: string;
}

/** Opens the hub's store and applies pending migrations; closes it again if they fail. */
export async function openDatabase(config: StoreConfig): Promise<Database> {
  const db = await open(config);
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function open(config: StoreConfig): Promise<Database> {
  if (config.databaseUrl) {
    // Several hosts (libpq's `host1:port,host2:port`): a primary and its replicas, failed over to.
    const servers = serverUrlsOf(config.databaseUrl);
    return servers.length > 1
      ? createFailoverPgDatabase({ servers })
      : createPgDatabase({ connectionString: config.databaseUrl });
  }
  if (config.embeddedPostgres) {
    refusePgliteData(config.embeddedPostgres);
    return createEmbeddedPostgresDatabase(config.embeddedPostgres);
  }
  return createPgliteDatabase(config.dataDir ? { dataDir: config.dataDir } : {});
}

/**
 * A hub directory from before the embedded PostgreSQL holds its data in PGlite: starting an empty
 * PostgreSQL beside it would look like a hub that lost every mission. Say what to do instead.
 */
function refusePgliteData(config: { dataDir: string; pgliteDir?: string }): void {
  const pglite = config.pgliteDir;
  if (!pglite || !existsSync(`${pglite}/PG_VERSION`) || existsSync(`${config.dataDir}/PG_VERSION`)) return;
  throw new HubError(
    HubErrorCode.PgliteDataFound,
    `this hub's data is in PGlite (${pglite}), which an older version used by default and which does not ` +
      'survive a power cut. To keep using it, set "embeddedDatabase": "pglite" in hub.json ' +
      '(HUB_EMBEDDED_DATABASE=pglite); to move to the durable default, restore a dump of it into a ' +
      'PostgreSQL server and set DATABASE_URL, or create a new hub directory and enrol the missions again.',
  );
}
