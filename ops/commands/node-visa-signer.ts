import type { Command } from 'commander';
import type { NodeConfig } from '../../node/config/config.js';
import { reportErrors } from './report-errors.js';

type ReadConfig = (path: string) => Promise<NodeConfig>;

/**
 * `econsulat node visa-signer …`: the mission's barcode signer, which signs the seals of its visas
 * and laissez-passers. The key is made here and never leaves; the ministry's CSCA certifies it.
 * Delivery is by file for now: the request goes to the ministry, the certificate comes back.
 * The work is loaded only when asked for: `econsulat node run` never loads the X.509 library.
 */
export function registerVisaSignerCommands(nodeCommand: Command, readConfig: ReadConfig): void {
  const signer = nodeCommand
    .command('visa-signer')
    .description('the mission’s barcode signer key and certificate, for visa and laissez-passer seals');
  const actions = () => import('./node-visa-signer-actions.js');

  signer
    .command('request')
    .description('make the signer’s P-256 key (keys/visa-signer.key, mode 0600) and a certificate request')
    .requiredOption('--config <file>', 'the node’s config file')
    .option('--out <file>', 'the request to write (default <data dir>/visa-signer-request.pem)')
    .addHelpText(
      'after',
      '\nSend the request to the ministry (`econsulat hub csca issue-signer --request`) and read it the key' +
        '\nfingerprint by phone. Run again, it writes the request again for the same key.',
    )
    .action((options: { config: string; out?: string }) =>
      reportErrors(async () =>
        (await actions()).requestSigner(await readConfig(options.config), options.out),
      ),
    );

  signer
    .command('import')
    .description('import the signer certificate the ministry issued, checked against the pinned CSCA')
    .argument('<cert>', 'the signer certificate (PEM) from `econsulat hub csca issue-signer`')
    .requiredOption('--config <file>', 'the node’s config file')
    .requiredOption('--csca <file>', 'the ministry’s CSCA certificate (PEM)')
    .requiredOption('--csca-fingerprint <hex>', 'the CSCA fingerprint the ministry read out (spaces allowed)')
    .action((cert: string, options: { config: string; csca: string; cscaFingerprint: string }) =>
      reportErrors(async () =>
        (await actions()).importSigner(
          await readConfig(options.config),
          cert,
          options.csca,
          options.cscaFingerprint,
        ),
      ),
    );
}
