import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pathExists } from '../../common/fs/path-exists.js';
import {
  createSignerRequest,
  exportPrivateKeyPem,
  publicKeyFingerprint,
} from '../../common/vds/key-files.js';
import { generateSealKeys } from '../../common/vds/pki.js';
import type { NodeConfig } from '../../node/config/config.js';
import {
  checkSignerCertificate,
  readSignerKeyFile,
  saveSignerCertificates,
  visaSignerPaths,
  writeSignerKeyFile,
} from '../../node/crypto/visa-signer-key.js';
import { writeNewFile } from '../keys/recovery-key-file.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

type ReadConfig = (path: string) => Promise<NodeConfig>;

/**
 * `econsulat node visa-signer …`: the mission's barcode signer, which signs the seals of its visas
 * and laissez-passers. The key is made here and never leaves; the ministry's CSCA certifies it.
 * Delivery is by file for now: the request goes to the ministry, the certificate comes back.
 */
export function registerVisaSignerCommands(nodeCommand: Command, readConfig: ReadConfig): void {
  const signer = nodeCommand
    .command('visa-signer')
    .description('the mission’s barcode signer key and certificate, for visa and laissez-passer seals');

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
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const paths = visaSignerPaths(config.dataDir);
        const existing = await pathExists(paths.key);
        if (!existing) {
          const made = await generateSealKeys(true);
          await writeSignerKeyFile(paths.key, await exportPrivateKeyPem(made.privateKey));
        }
        const keys = await readSignerKeyFile(paths.key);
        const out = options.out ?? join(config.dataDir, 'visa-signer-request.pem');
        if (await pathExists(out)) throw new UsageError(`${out} exists: remove it or give another --out`);
        await writeNewFile(out, await createSignerRequest(keys, config.missionId), 0o644);
        process.stdout.write(
          [
            `${existing ? 'existing' : 'new'} signer key ${paths.key} (mode 0600)`,
            `  key fingerprint   ${await publicKeyFingerprint(keys.publicKey)}`,
            `request for ${config.missionId} written to ${out}`,
            '',
          ].join('\n'),
        );
      }),
    );

  signer
    .command('import')
    .description('import the signer certificate the ministry issued, checked against the pinned CSCA')
    .argument('<cert>', 'the signer certificate (PEM) from `econsulat hub csca issue-signer`')
    .requiredOption('--config <file>', 'the node’s config file')
    .requiredOption('--csca <file>', 'the ministry’s CSCA certificate (PEM)')
    .requiredOption('--csca-fingerprint <hex>', 'the CSCA fingerprint the ministry read out (spaces allowed)')
    .action((cert: string, options: { config: string; csca: string; cscaFingerprint: string }) =>
      reportErrors(async () => {
        const config = await readConfig(options.config);
        const paths = visaSignerPaths(config.dataDir);
        const keys = await readSignerKeyFile(paths.key);
        const certificatePem = await readFile(cert, 'utf8');
        const cscaPem = await readFile(options.csca, 'utf8');
        const checked = await checkSignerCertificate({
          certificatePem,
          cscaPem,
          pinnedCscaFingerprint: options.cscaFingerprint,
          publicKey: keys.publicKey,
          now: new Date(),
        });
        await saveSignerCertificates(config.dataDir, certificatePem, cscaPem);
        process.stdout.write(
          [
            `signer certificate imported for ${config.missionId}`,
            `  signer identifier      ${checked.signerIdentifier}`,
            `  certificate reference  ${checked.certificateReference}`,
            `  valid until            ${checked.certificate.notAfter.toISOString().slice(0, 10)}`,
            `  CSCA fingerprint       ${checked.cscaFingerprint}`,
            '',
          ].join('\n'),
        );
      }),
    );
}
