import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type HubConfig, hubConfigSchema, hubPaths } from '../../hub/config/config.js';
import { hubConfigFromEnv } from '../../hub/config/env.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { createHub } from '../../hub/index.js';
import { enrolFromRequest } from '../../hub/services/missions/enrol-request.js';
import { revokeMission } from '../../hub/services/missions/revocations.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { Identity, ready } from '../../protocol/index.js';
import { writeKeyFile } from '../keys/key-file.js';
import { runUntilSignal } from '../process/run-until-signal.js';
import { registerBrokerConfigCommand } from './hub-broker-config.js';

/** `econsulat hub …`: set up and run the ministry's hub, enrol missions. */
export function registerHubCommands(program: Command): void {
  const hub = program
    .command('hub')
    .description('set up and run the ministry hub; enrol and revoke missions');
  registerBrokerConfigCommand(hub);

  hub
    .command('init')
    .description('create the hub: its identity key (mode 0600) and config file')
    .requiredOption('--dir <dir>', 'data directory to create')
    .option('--http-port <port>', 'HTTP port', '8080')
    .option('--mqtt-port <port>', 'embedded broker port', '1883')
    .option('--database-url <url>', 'PostgreSQL URL (default: embedded PGlite in the data directory)')
    .action(async (options: { dir: string; httpPort: string; mqttPort: string; databaseUrl?: string }) => {
      const config = await initHub(options);
      process.stdout.write(`hub created in ${config.dataDir}\n`);
    });

  hub
    .command('enrol')
    .description('enrol a mission from its enrolment request; writes the bundle the mission imports')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--request <file>', 'enrolment-request.json from `econsulat node init`')
    .requiredOption('--out <file>', 'enrolment bundle to write')
    .addHelpText(
      'after',
      '\nWith the embedded database, run it while the hub is stopped; the hub reloads missions at start.',
    )
    .action(async (options: { config: string; request: string; out: string }) => {
      const config = await readHubConfig(options.config);
      const identity = await loadHubIdentity(config);
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: hubPaths(config).pglite });
      try {
        const bundle = await enrolFromRequest(
          db,
          identity,
          JSON.parse(await readFile(options.request, 'utf8')),
          new Date(),
        );
        await writeFile(options.out, `${JSON.stringify(bundle, null, 2)}\n`);
        process.stdout.write(
          `enrolled ${bundle.certificate.subject.partyId}; bundle written to ${options.out}\n`,
        );
      } finally {
        await db.close();
      }
    });

  hub
    .command('revoke')
    .description('revoke a mission: its keys are refused and every other mission is told (signed list)')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--mission <id>', 'mission id')
    .option('--compromised', 'its key may be in other hands: refuse even what it signed before now')
    .addHelpText(
      'after',
      '\nOn a running hub use POST /api/v1/missions/:id/revoke instead: it also closes the mission’s connection.' +
        '\nRun here, the hub sends the new list to every mission when it next starts.',
    )
    .action(async (options: { config: string; mission: string; compromised?: boolean }) => {
      const config = await readHubConfig(options.config);
      const identity = await loadHubIdentity(config);
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: hubPaths(config).pglite });
      try {
        const { trust } = await loadTrustStore(db, identity.toPublic());
        const reason = options.compromised ? 'compromised' : 'retired';
        const { list } = await revokeMission(db, identity, trust, options.mission, reason, new Date());
        process.stdout.write(
          `revoked ${options.mission} (${reason}); revocation list serial ${list.serial}\n`,
        );
      } finally {
        await db.close();
      }
    });

  hub
    .command('run')
    .description('run the hub (config file, or HUB_* / DATABASE_URL / MQTT_URL environment variables)')
    .option('--config <file>', 'config file written by `econsulat hub init`')
    .action(async (options: { config?: string }) => {
      const config = options.config ? await readHubConfig(options.config) : hubConfigFromEnv();
      const running = await createHub(config, await loadHubIdentity(config));
      const url = await running.start();
      process.stdout.write(`hub listening on ${url}\n`);
      await runUntilSignal(() => running.close());
    });
}

/** Creates the hub's data directory, identity key and config file. */
export async function initHub(options: {
  dir: string;
  httpPort: string;
  mqttPort: string;
  databaseUrl?: string;
}): Promise<HubConfig> {
  await ready();
  const config = hubConfigSchema.parse({
    dataDir: resolve(options.dir),
    http: { port: Number(options.httpPort) },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    mqtt: { mode: 'embedded', port: Number(options.mqttPort) },
  });
  await writeKeyFile(hubPaths(config).identityKey, Identity.generate('hub'));
  await writeFile(join(config.dataDir, 'hub.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return config;
}

/** Reads and validates a hub config file. */
export async function readHubConfig(path: string): Promise<HubConfig> {
  return hubConfigSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}
