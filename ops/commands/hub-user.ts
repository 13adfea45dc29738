import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import type { HubConfig } from '../../hub/config/config.js';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
import { hubSecretsKey } from '../../hub/services/missions/hub-secrets-key.js';
import { type BootstrapResult, bootstrapUser, MINISTRY_ROLES } from '../../hub/services/users/index.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

/** What `hub create-user` takes. */
interface CreateUserOptions {
  config: string;
  username: string;
  name: string;
  roles: string;
  officer: string;
}

const officerSchema = z
  .string()
  .regex(/^[\p{L}\p{N}._' -]{1,80}$/u, '--officer is a name of at most 80 characters');

/**
 * `econsulat hub create-user`: the server's administrator creates an account ready to log in —
 * the first member of the directorate, who then administers the others from the web or the API.
 */
export function registerHubUserCommand(
  hubCommand: Command,
  readConfig: (path: string) => Promise<HubConfig>,
): void {
  hubCommand
    .command('create-user')
    .description(
      'create a ministry account ready to log in; its password, TOTP secret and recovery codes are printed once',
    )
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption(
      '--username <username>',
      'login name: a-z, 0-9, dot, dash, underscore; 3 to 64 characters',
    )
    .requiredOption('--name <name>', 'the person’s name and office, as the pages show it')
    .requiredOption('--roles <roles>', `comma-separated, among ${MINISTRY_ROLES.join(', ')}`)
    .option('--officer <name>', 'who creates it, for the audit log', userInfo().username)
    .addHelpText(
      'after',
      '\nWith the embedded database, run it while the hub is stopped. Hand the secrets over in person:' +
        '\nthey are stored only hashed or encrypted and are not shown again.',
    )
    .action((options: CreateUserOptions) =>
      reportErrors(async () => {
        const officer = officerSchema.safeParse(options.officer);
        if (!officer.success) throw new UsageError(officer.error.issues.map((i) => i.message).join('; '));
        const created = await createHubUser(await readConfig(options.config), {
          username: options.username,
          displayName: options.name,
          roles: options.roles.split(',').map((role) => role.trim()),
          officer: officer.data,
        });
        process.stdout.write(secretsSheet(created));
      }),
    );
}

/** Creates the account in the hub's store, audited as the officer at the console. */
export async function createHubUser(
  config: HubConfig,
  input: { username: string; displayName: string; roles: string[]; officer: string },
): Promise<BootstrapResult> {
  const identity = await loadHubIdentity(config);
  const db = await openDatabase(storeConfigOf(config));
  try {
    return await bootstrapUser(db, {
      username: input.username,
      displayName: input.displayName,
      roles: input.roles,
      secretsKey: hubSecretsKey(identity),
      auditActor: `officer:${input.officer}`,
    });
  } finally {
    await db.close();
  }
}

function secretsSheet(created: BootstrapResult): string {
  return [
    `created ${created.user.username} (${created.user.roles.join(', ')})`,
    `  password        ${created.password}`,
    `  TOTP secret     ${created.totpSecret}`,
    `  TOTP URI        ${created.totpUri}`,
    `  recovery codes  ${created.recoveryCodes.join(' ')}`,
    'Shown once: hand them over in person, never by e-mail or SMS.',
    '',
  ].join('\n');
}
