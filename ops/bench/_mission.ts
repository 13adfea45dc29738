import { join } from 'node:path';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { openStore, type Store } from '../../node/db/store.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { initNode } from '../commands/node.js';

/** A mission created as `econsulat node init` creates it, for one benchmark. */
export interface BenchMission {
  readonly config: NodeConfig;
  /** The node.json that `econsulat node run --config` reads. */
  readonly configPath: string;
}

/** Keys, database and node.json of a Paris mission in `dir`, listening on a free port. */
export async function initBenchMission(dir: string): Promise<BenchMission> {
  const config = await initNode({
    mission: 'fr-paris',
    name: 'Ambassade de la République centrafricaine à Paris',
    dir,
    region: 'FR',
    currency: 'EUR',
    timeZone: 'Europe/Paris',
    port: '0',
  });
  return { config, configPath: join(config.dataDir, 'node.json') };
}

/** Opens the mission's store with its own data key. */
export async function openMissionStore(config: NodeConfig): Promise<Store> {
  const secrets = await loadNodeSecrets(config);
  return openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
}

/** The seed catalogue and the default calendars, as a new mission starts. */
export function seedMission(store: Store, config: NodeConfig): void {
  seedCatalogue(store, { hostCurrency: config.hostCurrency });
  seedCalendars(store);
}
