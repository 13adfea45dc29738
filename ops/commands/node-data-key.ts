import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pathExists } from '../../common/fs/path-exists.js';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { askPassphrase, NEW_PASSPHRASE_FILE_ENV, PASSPHRASE_FILE_ENV } from '../../node/config/passphrase.js';
import { passphrasePrompt, promptingOpening } from '../../node/config/secrets.js';
import {
  credentialPath,
  DATA_KEY_PROTECTIONS,
  type DataKeyProtection,
  type KeyOpening,
  loadDataKey,
  locateDataKey,
  type ProtectWith,
  writeDataKey,
} from '../../node/crypto/key-file.js';
import { assertPassphraseStrength } from '../../node/crypto/passphrase-wrap.js';
import { sodium } from '../../protocol/index.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

/** The words of the `--data-key` and `--with` options. */
export const PROTECTION_HELP = `how the data key is kept at rest: ${DATA_KEY_PROTECTIONS.join(', ')}`;

/** Reads a protection named on the command line; a usage error names the choices. */
export function protectionOf(value: string): DataKeyProtection {
  const found = DATA_KEY_PROTECTIONS.find((name) => name === value);
  if (!found)
    throw new UsageError(`unknown data key protection "${value}": use ${DATA_KEY_PROTECTIONS.join(', ')}`);
  return found;
}

/**
 * What writing the key under a protection needs: for a passphrase, a new one typed twice. Asked
 * here, once, so a command that opens the key again afterwards does not ask a second time.
 */
export async function protectWith(protection: DataKeyProtection, missionId: string): Promise<ProtectWith> {
  if (protection !== 'passphrase') return { kind: protection };
  const passphrase = await askPassphrase(`Nouvelle ${passphrasePrompt(missionId).toLowerCase()}`, {
    confirm: true,
    // A script changing the passphrase names the new one apart; at init there is only one.
    fileVariables: [NEW_PASSPHRASE_FILE_ENV, PASSPHRASE_FILE_ENV],
  });
  // Before anything is written: a refused passphrase leaves no half-made mission behind.
  assertPassphraseStrength(passphrase);
  return { kind: 'passphrase', passphrase };
}

/** An opening that knows the passphrase just chosen, so it is not asked again. */
export function openingFor(protect: ProtectWith): KeyOpening | undefined {
  return protect.kind === 'passphrase' ? { askPassphrase: async () => protect.passphrase } : undefined;
}

/** `econsulat node data-key …`: see and change how the data key is kept at rest. */
export function registerNodeDataKeyCommands(
  nodeCommand: Command,
  readConfig: (path: string) => Promise<NodeConfig>,
) {
  const dataKey = nodeCommand
    .command('data-key')
    .description('see and change how the mission’s data key is kept at rest');

  dataKey
    .command('status')
    .description('say which file holds the data key and how it is protected')
    .requiredOption('--config <file>', 'the node’s config file')
    .action((options: { config: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const found = await locateDataKey(nodePaths(config).dataKey);
        process.stdout.write(`data key  ${found.path}\nprotection  ${found.protection}\n`);
      }),
    );

  dataKey
    .command('protect')
    .description('keep the data key under another protection (or change its passphrase)')
    .requiredOption('--config <file>', 'the node’s config file')
    .requiredOption('--with <protection>', PROTECTION_HELP)
    .addHelpText(
      'after',
      '\nThe key is written under the new protection and read back before the old form is removed.' +
        '\nStop the node first. With systemd-creds the key opens on this machine only: keep a copy' +
        '\nfor the vault with `econsulat node data-key copy --with passphrase --out <file>`.',
    )
    .action((options: { config: string; with: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const protection = protectionOf(options.with);
        const path = nodePaths(config).dataKey;
        const key = await loadDataKey(path, promptingOpening(config.missionId));
        try {
          await writeDataKey(path, key, await protectWith(protection, config.missionId));
        } finally {
          sodium.memzero(key);
        }
        const found = await locateDataKey(path);
        process.stdout.write(`data key now kept as ${found.protection} in ${found.path}\n`);
      }),
    );

  dataKey
    .command('copy')
    .description('write a copy of the data key for the vault (a USB stick kept apart)')
    .requiredOption('--config <file>', 'the node’s config file')
    .requiredOption('--out <file>', 'the copy to write (refused if it exists)')
    .option('--with <protection>', 'file or passphrase', 'passphrase')
    .action((options: { config: string; out: string; with: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const protection = protectionOf(options.with);
        if (protection === 'systemd-creds') {
          throw new UsageError('a copy sealed to this machine would not survive it: use passphrase or file');
        }
        const out = resolve(options.out);
        for (const taken of [out, credentialPath(out)]) {
          if (await pathExists(taken)) throw new UsageError(`${taken} exists: refusing to overwrite it`);
        }
        const key = await loadDataKey(nodePaths(config).dataKey, promptingOpening(config.missionId));
        try {
          await writeDataKey(out, key, await protectWith(protection, config.missionId));
        } finally {
          sodium.memzero(key);
        }
        process.stdout.write(`copy of the data key written to ${out} (${protection})\n`);
      }),
    );
}
