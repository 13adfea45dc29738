import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ready } from '../../protocol/index.js';
import {
  generateRecoveryKey,
  recoveryPublicText,
  recoverySecretText,
  writeNewFile,
} from '../keys/recovery-key-file.js';
import { reportErrors } from './report-errors.js';

/**
 * `econsulat hub recovery-key create`: the ministry's recovery key for the missions' off-site
 * backups. Its secret half leaves the machine with the key custodian; the hub keeps the public half.
 */
export function registerRecoveryKeyCommand(hubCommand: Command): void {
  const recoveryKey = hubCommand
    .command('recovery-key')
    .description('the ministry’s recovery key, to which every off-site backup’s keys are sealed');
  recoveryKey
    .command('create')
    .description('make a recovery key pair: recovery.secret (mode 0600) and recovery.public')
    .requiredOption('--out <dir>', 'folder to write both files to (preferably a removable medium)')
    .action((options: { out: string }) =>
      reportErrors(async () => {
        await ready();
        const pair = generateRecoveryKey();
        const dir = resolve(options.out);
        const secretPath = join(dir, 'recovery.secret');
        const publicPath = join(dir, 'recovery.public');
        await writeNewFile(secretPath, recoverySecretText(pair), 0o600);
        await writeNewFile(publicPath, recoveryPublicText(pair), 0o644);
        const publicKey = JSON.parse(recoveryPublicText(pair)).publicKey as string;
        console.log(`Recovery key ${pair.id}`);
        console.log(`  public key: ${publicKey}`);
        console.log(`  secret:     ${secretPath} (mode 0600)`);
        console.log(`  public:     ${publicPath}`);
        console.log('');
        console.log('Next:');
        console.log(`  1. On the hub, set offsite.recoveryPublicKey to ${publicKey}`);
        console.log('     (or HUB_OFFSITE_RECOVERY_PUBLIC_KEY) and restart it: every mission receives it.');
        console.log('  2. The ministry’s key custodian prints recovery.secret (or copies it to a token),');
        console.log('     keeps two copies in separate safes, and checks the printout against the file.');
        console.log('  3. Delete recovery.secret from this machine (shred -u). The hub must never hold it:');
        console.log('     whoever has it and the hub’s data can read every mission’s backups.');
        console.log('  A restore (econsulat node restore --from-hub --recovery-key <file>) needs it.');
      }),
    );
}
