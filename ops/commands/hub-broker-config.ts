import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildMosquittoFiles, writeMosquittoFiles } from '../../hub/broker/mosquitto-config.js';
import { type HubConfig, hubConfigSchema } from '../../hub/config/config.js';
import { hubConfigFromEnv } from '../../hub/config/env.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';

/** `econsulat hub broker-config`: the password file and ACL of an external Mosquitto. */
export function registerBrokerConfigCommand(hubCommand: Command): void {
  hubCommand
    .command('broker-config')
    .description('write a Mosquitto password file and ACL (mode 0600) for the enrolled missions')
    .option('--config <file>', 'the hub’s config file (default: HUB_* / DATABASE_URL environment variables)')
    .requiredOption('--out-dir <dir>', 'directory to write `passwords` and `acl` into')
    .addHelpText(
      'after',
      '\nRun it again after each enrolment or revocation, then reload Mosquitto (SIGHUP).\n' +
        'Mission nodes connect with MISSION_MQTT_CREDENTIALS=password (config: mqtt.credentials).',
    )
    .action(async (options: { config?: string; outDir: string }) => {
      const config = options.config ? await readConfig(options.config) : hubConfigFromEnv();
      process.stdout.write(await writeBrokerConfig(config, resolve(options.outDir)));
    });
}

/** Writes both files from the hub's database and returns what to tell the operator. */
export async function writeBrokerConfig(config: HubConfig, outDir: string): Promise<string> {
  const identity = await loadHubIdentity(config);
  const db = await openDatabase(storeConfigOf(config));
  try {
    const files = await buildMosquittoFiles(db, identity);
    const { passwordFile, aclFile } = await writeMosquittoFiles(outDir, files);
    const lines = [
      `wrote ${passwordFile} and ${aclFile}: the hub and ${files.missions.length} mission(s)`,
      ...files.skipped.map((entry) => `  left out ${entry.missionId}: ${entry.reason}`),
      '',
      'Add to mosquitto.conf:',
      `  password_file ${passwordFile}`,
      `  acl_file ${aclFile}`,
      '  allow_anonymous false',
      '',
      'Both files are mode 0600: let the broker’s user read them (e.g. chown mosquitto: on both).',
      'Run this command again after each enrolment or revocation, then reload Mosquitto',
      '(SIGHUP: systemctl reload mosquitto, or kill -HUP <pid>).',
    ];
    if (config.mqtt.mode === 'embedded') {
      lines.push(
        '',
        'Note: this hub runs its embedded broker; set MQTT_URL (or mqtt.mode "external") to use Mosquitto.',
      );
    }
    return `${lines.join('\n')}\n`;
  } finally {
    await db.close();
  }
}

async function readConfig(path: string): Promise<HubConfig> {
  return hubConfigSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}
