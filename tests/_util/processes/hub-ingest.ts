// The hub's ingest as its own process, so a test can kill -9 it mid-ingest: PostgreSQL in the
// test's schema (it survives the kill), the hub key from a file, the broker run by the test.
import { createPgDatabase } from '../../../hub/db/pg.js';
import { HubIngestLink } from '../../../hub/link/hub-link.js';
import { loadTrustStore } from '../../../hub/services/missions/trust-loader.js';
import { readKeyFile } from '../../../ops/keys/key-file.js';
import { ready } from '../../../protocol/index.js';
import { childConfig, exitCleanlyOnSignal, READY_LINE } from './child-protocol.js';
import { slowTransactions } from './slow-database.js';

/** What the hub child is told on its command line. */
export interface HubIngestChildConfig {
  readonly connectionString: string;
  readonly schema: string;
  readonly hubKeyFile: string;
  readonly brokerUrl: string;
  /** The same on every start: the broker keeps the persistent session's messages for it. */
  readonly clientId: string;
  /** Pause before each ingest transaction (see slowTransactions). */
  readonly pauseMs: number;
}

const config = childConfig<HubIngestChildConfig>();
await ready();
const hub = await readKeyFile(config.hubKeyFile);
const db = createPgDatabase({
  connectionString: config.connectionString,
  schema: config.schema,
  max: 5,
  onIdleError: (error) => console.error(`hub db: ${error.message}`),
});
const { trust } = await loadTrustStore(db, hub.toPublic());
const link = new HubIngestLink(slowTransactions(db, config.pauseMs), hub, trust, {
  url: config.brokerUrl,
  clientId: config.clientId,
  onError: (error) => console.error(`hub link: ${error.message}`),
});
await link.start();
exitCleanlyOnSignal(async () => {
  await link.stop();
  await db.close();
});
console.log(READY_LINE);
