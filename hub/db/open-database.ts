import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { createPgDatabase } from './pg.js';
import { createPgliteDatabase } from './pglite.js';

/** Which store the hub uses: PostgreSQL when a URL is given, PGlite embedded otherwise. */
export interface StoreConfig {
  /** `DATABASE_URL`. */
  readonly databaseUrl?: string;
  /** PGlite's data directory; in memory when absent. */
  readonly dataDir?: string;
}

/** Opens the hub's store and applies pending migrations; closes it again if they fail. */
export async function openDatabase(config: StoreConfig): Promise<Database> {
  const db = config.databaseUrl
    ? createPgDatabase({ connectionString: config.databaseUrl })
    : await createPgliteDatabase(config.dataDir ? { dataDir: config.dataDir } : {});
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
