import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { hubSecretsKey } from '../../hub/services/missions/hub-secrets-key.js';
import { bootstrapUser } from '../../hub/services/users/bootstrap.js';
import { nodePaths } from '../../node/config/config.js';
import { loadNodeSecrets } from '../../node/config/secrets.js';
import { openStore } from '../../node/db/store.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { createDomain } from '../../node/services/domain.js';
import { initHub } from '../commands/hub.js';
import { importBundle, initNode } from '../commands/node.js';
import { DEMO_MISSIONS, demoLayout } from './demo-plan.js';
import { demoRecoveryKey } from './demo-recovery-key.js';
import { demoRegistrations, demoRegistryPersons } from './demo-registry.js';
import { setUpDemoVisaTrust } from './demo-visa-trust.js';
import { seedActivity } from './seed-activity.js';
import { seedHubRegistry, seedRegistrations } from './seed-registry.js';
import { type DemoAccount, seedStaff } from './seed-staff.js';
import { type DemoVisa, issueDemoVisas } from './seed-visas.js';

/** What the demo prints and writes to demo.json. */
export interface DemoSecrets {
  readonly hub: { readonly accounts: DemoAccount[] };
  readonly missions: Record<string, { readonly accounts: DemoAccount[]; readonly visas?: DemoVisa[] }>;
}

/**
 * First run: creates the hub and both missions, enrols the missions, seeds the catalogue,
 * calendars, staff and some activity, loads a synthetic national registry at the hub with
 * registrations at the missions to reconcile against it, creates a ministry account, and the seal
 * trust with a specimen visa and laissez-passer at fr-paris. Every
 * password and TOTP secret is generated now, and the ministry's recovery key for the off-site
 * backups; none is in the repository.
 */
export async function setUpDemo(dir: string, portBase: number): Promise<DemoSecrets> {
  const layout = demoLayout(dir, portBase);
  const hubConfig = await initHub({
    dir: layout.hubDir,
    httpPort: String(layout.hubHttpPort),
    mqttPort: String(layout.brokerPort),
    offsite: await demoRecoveryKey(layout.recoveryKeyFile),
  });
  const hub = await loadHubIdentity(hubConfig);
  const db = await openDatabase(storeConfigOf(hubConfig));
  const missions: Record<string, { accounts: DemoAccount[]; visas?: DemoVisa[] }> = {};
  const registry = demoRegistryPersons();
  const registrations = demoRegistrations(registry);
  try {
    await seedHubRegistry(db, registry);
    // One account that can do everything the ministry's web shows, the registry officer's queue too.
    const ministry = await bootstrapUser(db, {
      username: 'directeur.consulaire',
      displayName: 'Direction des affaires consulaires',
      roles: ['directorate', 'minister_office', 'registry_officer'],
      secretsKey: hubSecretsKey(hub),
    });
    const hubAccounts: DemoAccount[] = [
      {
        username: ministry.user.username,
        roles: ministry.user.roles,
        password: ministry.password,
        totpSecret: ministry.totpSecret,
      },
    ];
    for (const [index, mission] of DEMO_MISSIONS.entries()) {
      const config = await initNode({
        mission: mission.id,
        name: mission.name,
        dir: layout.missionDir(mission.id),
        region: mission.region,
        currency: mission.currency,
        timeZone: mission.timeZone,
        port: String(layout.missionPort(index)),
        mqttUrl: `mqtt://127.0.0.1:${layout.brokerPort}`,
      });
      const request = JSON.parse(await readFile(nodePaths(config).enrolmentRequest, 'utf8'));
      await importBundle(config, await enrolFromRequest(db, hub, request, new Date()));
      const demoConfig = { ...config, simulatedPayments: true };
      const store = await openStore({
        path: nodePaths(config).database,
        dataKey: (await loadNodeSecrets(config)).dataKey,
      });
      const domain = createDomain(store, demoConfig);
      try {
        seedCatalogue(store, { hostCurrency: mission.currency });
        seedCalendars(store);
        missions[mission.id] = { accounts: await seedStaff(store, domain, mission.city) };
        await seedActivity(store, domain, mission.phones);
        seedRegistrations(domain, registrations[mission.id] ?? [], mission.phones);
        // The specimens of issue 17 at fr-paris: its signer certified by the demo's CSCA, then one
        // visa and one laissez-passer issued the whole way.
        if (mission.id === 'fr-paris') {
          await setUpDemoVisaTrust(db, layout.cscaDir, { id: mission.id, dataDir: config.dataDir });
          const visas = await issueDemoVisas(domain, join(config.dataDir, 'specimens'));
          missions[mission.id] = { accounts: missions[mission.id]?.accounts ?? [], visas };
        }
      } finally {
        await domain.close();
        store.close();
      }
    }
    return { hub: { accounts: hubAccounts }, missions };
  } finally {
    await db.close();
  }
}

/** Path of a mission's node config file inside the demo directory. */
export function missionConfigFile(dir: string, missionId: string): string {
  return join(dir, missionId, 'node.json');
}
