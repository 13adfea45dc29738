import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import { type NodeConfig, nodeConfigSchema, nodePaths } from '../../node/config/config.js';
import { nodeConfigFromEnv } from '../../node/config/env.js';
import { loadNodeSecrets, type NodeSecrets } from '../../node/config/secrets.js';
import { createDataKeyFile, type DataKeyProtection, type ProtectWith } from '../../node/crypto/key-file.js';
import { openStore } from '../../node/db/store.js';
import { importEnrolment } from '../../node/link/trust-material.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { bootstrapAdmin } from '../../node/services/staff/bootstrap.js';
import { createEnrolmentRequest, Identity, keyFingerprint, ready } from '../../protocol/index.js';
import { writeKeyFile } from '../keys/key-file.js';
import { randomToken } from '../keys/random-token.js';
import { runUntilSignal } from '../process/run-until-signal.js';
import type { ServerNames } from '../tls/server-names.js';
import { tlsPaths } from '../tls/tls-files.js';
import { readTlsSummary } from '../tls/tls-summary.js';
import { registerNodeCheckProvidersCommand } from './node-check-providers.js';
import {
  openingFor,
  PROTECTION_HELP,
  protectionOf,
  protectWith,
  registerNodeDataKeyCommands,
} from './node-data-key.js';
import { importBundleFile, readBundleFile, registerNodeKeyCommands } from './node-keys.js';
import {
  namesFromOptions,
  registerNodeTlsCommands,
  type TlsNameOptions,
  tlsLines,
  withTlsNameOptions,
} from './node-tls.js';
import { reportErrors } from './report-errors.js';
import { ussdCallbackUrl } from './ussd-callback-url.js';

interface InitOptions {
  mission: string;
  name: string;
  dir: string;
  region: string;
  currency: string;
  timeZone: string;
  port: string;
  mqttUrl?: string;
  /** The names and addresses of the node's HTTPS certificate; absent, the node serves plain HTTP. */
  tls?: ServerNames;
  /** Where it listens (default: every address with TLS, the loopback without). */
  host?: string;
  /** With TLS, the plain port that redirects to HTTPS: a number or `off` (default 8080). */
  redirectPort?: string;
  /** How the data key is kept at rest (default: a 0600 file). */
  dataKeyProtection?: ProtectWith;
}

/** What `node init` takes besides the mission: who administers it, where the gateway calls. */
interface InitCommandOptions extends Omit<InitOptions, 'tls' | 'dataKeyProtection'>, TlsNameOptions {
  admin: string;
  dataKey: string;
  publicUrl?: string;
  /** `--no-tls` makes it false. */
  tls: boolean;
}

/** `econsulat node …`: set up, enrol and run a mission node. */
export function registerNodeCommands(program: Command): Command {
  const node = program.command('node').description('set up, enrol and run a mission node');

  withTlsNameOptions(
    node
      .command('init')
      .description(
        'create a mission: keys (mode 0600), encrypted database, config file and enrolment request',
      )
      .requiredOption('--mission <id>', 'mission id, e.g. fr-paris')
      .requiredOption('--name <name>', 'the mission’s name, e.g. "Ambassade de la RCA à Paris"')
      .requiredOption('--dir <dir>', 'data directory to create')
      .requiredOption('--region <CC>', 'host country, ISO 3166 alpha-2 (phone numbers)')
      .requiredOption('--currency <CUR>', 'host currency, ISO 4217')
      .option('--time-zone <tz>', 'IANA time zone of the mission', 'UTC')
      .option('--port <port>', 'HTTPS port (HTTP with --no-tls)', '8081')
      .option('--host <address>', 'address to listen on (default: all with TLS, 127.0.0.1 with --no-tls)')
      .option('--redirect-port <port>', 'plain HTTP port that only redirects to HTTPS, or off', '8080')
      .option('--no-tls', 'serve plain HTTP (a lab, or behind a TLS proxy on this machine): no certificate'),
  )
    .option('--mqtt-url <url>', 'the hub’s broker, e.g. mqtts://hub.example:8883')
    .option('--admin <username>', 'username of the first administrator', 'admin')
    .option(
      '--public-url <url>',
      'the address the USSD gateway reaches the node at (its TLS proxy), for the callback URL printed',
    )
    .option('--data-key <protection>', PROTECTION_HELP, 'file')
    .action((options: InitCommandOptions) =>
      reportErrors(async () => {
        const protection = protectionOf(options.dataKey);
        const dataKeyProtection = await protectWith(protection, options.mission);
        const { config, secrets } = await initMission({
          ...options,
          tls: options.tls ? namesFromOptions(options) : undefined,
          dataKeyProtection,
        });
        const admin = await prepareNewMission(config, options.admin, secrets);
        const { identity } = secrets;
        process.stdout.write(
          [
            `mission ${config.missionId} created in ${config.dataDir}`,
            `send ${nodePaths(config).enrolmentRequest} to the ministry for enrolment`,
            `  mission key id           ${identity.keyId}`,
            `  mission key fingerprint  ${keyFingerprint(identity)}`,
            'The ministry reads this fingerprint back to you by phone when it enrols the mission.',
            '',
            'First administrator (shown once: write it down, keep it safe):',
            `  username        ${admin.user.username}`,
            `  password        ${admin.password}`,
            `  TOTP secret     ${admin.totpSecret}`,
            `  authenticator   ${admin.totpUri}`,
            `  recovery codes  ${admin.recoveryCodes.join(' ')}`,
            '',
            ...gatewayLines(config, options.publicUrl),
            ...(config.http.tls
              ? tlsLines(await readTlsSummary(config.dataDir), join(config.dataDir, 'node.json'))
              : []),
            ...dataKeyLines(protection, join(config.dataDir, 'node.json')),
          ].join('\n'),
        );
      }),
    );

  node
    .command('import-enrolment')
    .description('import the hub’s enrolment bundle (certificate and hub keys to pin)')
    .requiredOption('--config <file>', 'the node’s config file')
    .requiredOption('--bundle <file>', 'enrolment bundle from `econsulat hub enrol`')
    .option('--expect-hub <fingerprint>', 'the hub key fingerprint the ministry read to you by phone')
    .action((options: { config: string; bundle: string; expectHub?: string }) =>
      reportErrors(async () => {
        const config = await readNodeConfig(options.config);
        const imported = await importBundleFile(config, await readBundleFile(options.bundle), options);
        process.stdout.write(
          [
            `mission ${config.missionId} ${imported.rotated ? 'enrolled with its new key' : 'enrolled'}`,
            `  mission key fingerprint  ${keyFingerprint(imported.mission)}`,
            `  hub key fingerprint      ${imported.hubFingerprint}`,
            options.expectHub
              ? '  hub key fingerprint checked'
              : '  compare the hub fingerprint with the ministry’s, by phone',
            '',
          ].join('\n'),
        );
      }),
    );

  registerNodeKeyCommands(node, readNodeConfig);
  registerNodeDataKeyCommands(node, readNodeConfig);
  registerNodeTlsCommands(node, readNodeConfig);
  registerNodeCheckProvidersCommand(node, readNodeConfig);

  node
    .command('run')
    .description('run the mission node (config file, or MISSION_* environment variables)')
    .option('--config <file>', 'config file written by `econsulat node init`')
    .action(async (options: { config?: string }) => {
      const config = options.config ? await readNodeConfig(options.config) : nodeConfigFromEnv();
      // The server's modules (fastify, every service) are loaded here only: the node's other
      // commands (keys, data key, backups) start in a fraction of the time without them.
      const { createNode } = await import('../../node/index.js');
      const running = await createNode(config, await loadNodeSecrets(config));
      const url = await running.start();
      // Signals are taken before the line a supervisor waits for is printed.
      const stopped = runUntilSignal(() => running.close());
      process.stdout.write(`mission ${config.missionId} listening on ${url}\n`);
      await stopped;
    });
  return node;
}

/** Creates the data directory, keys, database, config file and enrolment request of a mission. */
export async function initNode(options: InitOptions): Promise<NodeConfig> {
  return (await initMission(options)).config;
}

/**
 * {@link initNode}, keeping the secrets it made: a key wrapped by a passphrase costs a second of
 * Argon2id each time it is opened, so init opens it once.
 */
async function initMission(options: InitOptions): Promise<{ config: NodeConfig; secrets: NodeSecrets }> {
  await ready();
  const dataDir = resolve(options.dir);
  const config = nodeConfigSchema.parse({
    missionId: options.mission,
    missionName: options.name,
    dataDir,
    http: { port: Number(options.port), ...httpsFields(dataDir, options) },
    ...(options.mqttUrl ? { mqtt: { url: options.mqttUrl } } : {}),
    timeZone: options.timeZone,
    region: options.region,
    hostCurrency: options.currency,
    // Generated here, never shipped: the USSD route refuses every callback without its token.
    ussd: { token: randomToken() },
    metrics: { token: randomToken() },
  });
  const paths = nodePaths(config);
  const identity = Identity.generate(config.missionId);
  await writeKeyFile(paths.identityKey, identity);
  await createDataKeyFile(paths.dataKey, options.dataKeyProtection);
  const secrets = await loadNodeSecrets(
    config,
    options.dataKeyProtection && openingFor(options.dataKeyProtection),
  );
  const store = await openStore({ path: paths.database, dataKey: secrets.dataKey });
  store.close();
  if (options.tls) {
    // Loaded here: the certificate library and its polyfill stay out of `node run`'s process.
    const { createMissionTls } = await import('../tls/mission-tls.js');
    await createMissionTls(config.dataDir, config, options.tls);
  }
  const request = createEnrolmentRequest(identity, config.missionName, new Date());
  await writeFile(paths.enrolmentRequest, `${JSON.stringify(request, null, 2)}\n`);
  // Durably: a demo's setup record vouches for it once written (ops/demo/setup-record.ts).
  await writeFileDurably(join(config.dataDir, 'node.json'), `${JSON.stringify(config, null, 2)}\n`);
  return { config, secrets };
}

/**
 * With TLS the node listens on the LAN itself (its certificate names the LAN's addresses); without,
 * on the loopback, for a proxy on the same machine, unless told otherwise.
 */
function httpsFields(dataDir: string, options: InitOptions) {
  if (!options.tls) return options.host === undefined ? {} : { host: options.host };
  const paths = tlsPaths(dataDir);
  const redirect = options.redirectPort ?? '8080';
  return {
    host: options.host ?? '0.0.0.0',
    tls: { certFile: paths.serverCert, keyFile: paths.serverKey },
    redirectPort: redirect === 'off' ? false : Number(redirect),
  };
}

/** What the data key's protection asks of the IT referent, said once at init. */
function dataKeyLines(protection: DataKeyProtection, configFile: string): string[] {
  const copy = `econsulat node data-key copy --config ${configFile} --with passphrase --out <usb>/data.key`;
  const lines = {
    file: [
      'Data key: keys/data.key in clear (mode 0600). This disk must be fully encrypted (LUKS);',
      `  or protect it: econsulat node data-key protect --config ${configFile} --with passphrase`,
    ],
    passphrase: [
      'Data key: wrapped by the passphrase just typed; the node asks for it at each start',
      '  (terminal, systemd-ask-password, or the file named in ECONSULAT_DATA_KEY_PASSPHRASE_FILE).',
    ],
    'systemd-creds': [
      'Data key: sealed to this machine (keys/data.key.cred); the service unit opens it with',
      '  LoadCredentialEncrypted=econsulat-data-key:<data dir>/keys/data.key.cred. It dies with',
      `  this machine: write a copy for the vault now: ${copy}`,
    ],
  } satisfies Record<DataKeyProtection, string[]>;
  return [...lines[protection], ''];
}

/** What the IT referent hands the USSD gateway's operator and the monitoring, once. */
function gatewayLines(config: NodeConfig, publicUrl: string | undefined): string[] {
  // Listening on every address (TLS on the LAN), the node is reached on the machine at 127.0.0.1.
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const base = publicUrl ?? `${config.http.tls ? 'https' : 'http'}://${host}:${config.http.port}`;
  return [
    'USSD gateway callback URL, for the gateway operator (token: node.json ussd.token):',
    `  ${config.ussd.token ? ussdCallbackUrl(base, config.ussd.token) : '(no token: USSD disabled)'}`,
    ...(publicUrl ? [] : ['  behind the TLS proxy, give its https address instead (--public-url)']),
    'Metrics: GET /metrics with Authorization: Bearer <node.json metrics.token>',
    `  metrics token   ${config.metrics.token ?? '(none: /metrics answers 404)'}`,
    '',
  ];
}

/**
 * Gives a new mission what it needs on its first day: the catalogue and opening hours to start
 * from (the ministry's catalogue replaces the former when it arrives) and the first administrator.
 */
export async function prepareNewMission(config: NodeConfig, adminUsername: string, secrets: NodeSecrets) {
  const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
  try {
    seedCatalogue(store, { hostCurrency: config.hostCurrency });
    seedCalendars(store);
    return await bootstrapAdmin(store, adminUsername, {
      displayName: `Administrateur ${config.missionName}`,
    });
  } finally {
    store.close();
  }
}

/** Checks and stores an enrolment bundle in the node's database. */
export async function importBundle(config: NodeConfig, bundle: unknown): Promise<void> {
  const secrets = await loadNodeSecrets(config);
  const store = await openStore({ path: nodePaths(config).database, dataKey: secrets.dataKey });
  try {
    importEnrolment(store, secrets.identity, bundle);
  } finally {
    store.close();
  }
}

/** Reads and validates a node config file. */
export async function readNodeConfig(path: string): Promise<NodeConfig> {
  return nodeConfigSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}
