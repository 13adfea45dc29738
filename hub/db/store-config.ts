import { type HubConfig, hubPaths } from '../config/config.js';
import type { StoreConfig } from './open-database.js';

/** The store a hub's configuration names: its URL, else the embedded database it chose. */
export function storeConfigOf(config: HubConfig): StoreConfig {
  if (config.databaseUrl) return { databaseUrl: config.databaseUrl };
  const paths = hubPaths(config);
  if (config.embeddedDatabase === 'pglite') return { dataDir: paths.pglite };
  return {
    embeddedPostgres: { dataDir: paths.postgres, logFile: paths.postgresLog, pgliteDir: paths.pglite },
  };
}
