import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import {
  certificateFingerprint,
  exportPrivateKeyPem,
  importPublicKeyPem,
  publicKeyFingerprint,
  readSignerRequest,
} from '../../common/vds/key-files.js';
import { type Csca, createCscaCertificate, generateSealKeys } from '../../common/vds/pki.js';
import type { CryptoKey } from '../../common/vds/webcrypto.js';
import { x509 } from '../../common/vds/x509.js';
import type { HubConfig } from '../../hub/config/config.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { storeConfigOf } from '../../hub/db/store-config.js';
import { addDays, CSCA_CERTIFICATE_DAYS } from '../../hub/services/visa-trust/validity.js';
import {
  createVisaTrustService,
  SIGNER_REVOCATION_REASONS,
  type VisaTrustService,
} from '../../hub/services/visa-trust/visa-trust-service.js';
import type { CrlRow } from '../../hub/services/visa-trust/visa-trust-store.js';
import { readSignerKeyFile, writeSignerKeyFile } from '../../node/crypto/visa-signer-key.js';
import { writeNewFile } from '../keys/recovery-key-file.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

type ReadConfig = (path: string) => Promise<HubConfig>;

const officerSchema = z
  .string()
  .regex(/^[\p{L}\p{N}._' -]{1,80}$/u, '--officer is a name of at most 80 characters');

/** The CSCA certificate's file beside its key file: `csca-caf.key` → `csca-caf.crt.pem`. */
export function cscaCertificatePath(keyPath: string): string {
  return `${keyPath.replace(/\.(key|pem)$/, '')}.crt.pem`;
}

/**
 * `econsulat hub csca …`: the ministry's country signing CA for the visible digital seals of
 * visas and laissez-passers (ICAO Doc 9303 parts 12 and 13), and the barcode signer certificates
 * it issues to the missions.
 */
export function registerCscaCommands(hubCommand: Command, readConfig: ReadConfig): void {
  const csca = hubCommand
    .command('csca')
    .description('the country signing CA of CAF: signer certificates of the missions’ visa seals');

  csca
    .command('init')
    .description('create the CSCA: its private key (mode 0600, to keep offline) and certificate')
    .requiredOption(
      '--out <file>',
      'the private key file to write, on a removable medium (e.g. csca-caf.key)',
    )
    .option('--config <file>', 'the hub’s config file: record the certificate at the hub too')
    .option('--name <dn>', 'the CSCA’s subject', 'C=CF, O=Republique Centrafricaine, OU=MAE, CN=CSCA CAF')
    .option('--officer <name>', 'who creates it, for the audit log', userInfo().username)
    .addHelpText(
      'after',
      '\nThe certificate is written beside the key (<name>.crt.pem). Keep the key file off the hub:' +
        '\nit is refused inside the hub’s data directory. With the embedded database, run with --config' +
        '\nwhile the hub is stopped, or record the certificate later with `hub csca record`.',
    )
    .action((options: { out: string; config?: string; name: string; officer: string }) =>
      reportErrors(async () => {
        const officer = checkOfficer(options.officer);
        const keyPath = resolve(options.out);
        const config = options.config ? await readConfig(options.config) : undefined;
        if (config && isInside(keyPath, config.dataDir))
          throw new UsageError(
            `--out is inside the hub’s data directory ${config.dataDir}: the CSCA key stays offline`,
          );
        const created = await createCsca(keyPath, options.name, new Date());
        const fingerprint = await certificateFingerprint(created.certificate);
        if (config) await withTrust(config, (trust) => trust.recordCsca(created.pem, officer));
        process.stdout.write(
          [
            `CSCA created: ${created.certificate.subject}`,
            `  serial number     ${created.certificate.serialNumber.toUpperCase()}`,
            `  valid             ${day(created.certificate.notBefore)} to ${day(created.certificate.notAfter)}`,
            `  fingerprint       ${fingerprint}`,
            `  private key       ${keyPath} (mode 0600)`,
            `  certificate       ${created.certificatePath}`,
            config ? '  recorded at the hub.' : '  not recorded at the hub yet: `econsulat hub csca record`.',
            'Keep the key file offline (two copies, two safes); give missions the fingerprint by phone.',
            '',
          ].join('\n'),
        );
      }),
    );

  csca
    .command('record')
    .description('record at the hub a CSCA certificate made with `hub csca init` on another machine')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--cert <file>', 'the CSCA certificate (PEM)')
    .option('--officer <name>', 'who records it, for the audit log', userInfo().username)
    .action((options: { config: string; cert: string; officer: string }) =>
      reportErrors(async () => {
        const officer = checkOfficer(options.officer);
        const pem = await readFile(options.cert, 'utf8');
        const recorded = await withTrust(await readConfig(options.config), (trust) =>
          trust.recordCsca(pem, officer),
        );
        process.stdout.write(`CSCA ${recorded.serialNumber} recorded; fingerprint ${recorded.fingerprint}\n`);
      }),
    );

  csca
    .command('issue-signer')
    .description('issue a mission’s barcode signer certificate (X.509, P-256), recorded at the hub')
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--csca <file>', 'the CSCA private key file (its certificate beside it, or --csca-cert)')
    .option('--csca-cert <file>', 'the CSCA certificate, when not beside the key')
    .requiredOption('--mission <id>', 'the enrolled mission, e.g. fr-paris')
    .addOption(
      new Option('--request <file>', 'the request of `econsulat node visa-signer request`').conflicts(
        'publicKey',
      ),
    )
    .option('--public-key <file>', 'or the mission’s P-256 public key (PEM), checked by phone')
    .option(
      '--signer-id <CFxx>',
      'the seal’s signer identifier at the first certificate (default CF + 2 of the mission id)',
    )
    .requiredOption('--out <file>', 'the certificate to write and send to the mission')
    .option('--officer <name>', 'who issues it, for the audit log', userInfo().username)
    .action((options: IssueOptions) => reportErrors(() => issueSignerCommand(options, readConfig)));

  csca
    .command('revoke-signer')
    .description(
      'revoke a barcode signer certificate: every seal it signed is refused once the bundle arrives',
    )
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--serial <hex>', 'the certificate’s serial number (the seals’ certificate reference)')
    .addOption(
      new Option('--reason <reason>', 'RFC 5280 reason')
        .choices(SIGNER_REVOCATION_REASONS)
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--csca <file>',
      'the CSCA private key file that issued it (its certificate beside it, or --csca-cert): signs the new CRL',
    )
    .option('--csca-cert <file>', 'the CSCA certificate, when not beside the key')
    .option('--officer <name>', 'who revokes it, for the audit log', userInfo().username)
    .action(
      (options: {
        config: string;
        serial: string;
        reason: (typeof SIGNER_REVOCATION_REASONS)[number];
        csca: string;
        cscaCert?: string;
        officer: string;
      }) =>
        reportErrors(async () => {
          const officer = checkOfficer(options.officer);
          if (!/^[0-9A-Fa-f]{1,40}$/.test(options.serial))
            throw new UsageError('--serial is a hexadecimal serial number');
          const csca = await readCsca(options.csca, options.cscaCert);
          const revoked = await withTrust(await readConfig(options.config), (trust) =>
            trust.revokeSigner(options.serial, options.reason, officer, { csca }),
          );
          process.stdout.write(
            `revoked ${revoked.signerIdentifier} ${revoked.serialNumber} of ${revoked.missionId} (${revoked.revocationReason}) at ${new Date(revoked.revokedAt ?? 0).toISOString()}\n${crlLine(revoked.crl)}`,
          );
        }),
    );

  csca
    .command('bundle')
    .description(
      'write the trust bundle border posts verify seals against (what GET /api/v1/trust/bundle serves)',
    )
    .requiredOption('--config <file>', 'the hub’s config file')
    .requiredOption('--out <file>', 'the bundle file to write')
    .option(
      '--csca <file>',
      'the CSCA private key file: sign a fresh CRL first (due every 90 days), recorded at the hub',
    )
    .option('--csca-cert <file>', 'the CSCA certificate, when not beside the key')
    .option('--officer <name>', 'who signs the CRL, for the audit log', userInfo().username)
    .action((options: { config: string; out: string; csca?: string; cscaCert?: string; officer: string }) =>
      reportErrors(async () => {
        const officer = checkOfficer(options.officer);
        const csca = options.csca ? await readCsca(options.csca, options.cscaCert) : undefined;
        const { published, crl } = await withTrust(await readConfig(options.config), async (trust) => {
          const signed = csca ? await trust.signCrl(csca, officer) : null;
          return { published: await trust.bundle(), crl: signed };
        });
        if (!published)
          throw new UsageError('no CSCA recorded at the hub yet: `econsulat hub csca init --config`');
        await writeFile(options.out, published.body);
        process.stdout.write(
          `${crl ? crlLine(crl) : ''}trust bundle of ${published.bundle.issuedAt} written to ${options.out}${published.bundle.crls ? '' : ' (no CRL signed yet: give --csca)'}\n`,
        );
      }),
    );
}

interface IssueOptions {
  config: string;
  csca: string;
  cscaCert?: string;
  mission: string;
  request?: string;
  publicKey?: string;
  signerId?: string;
  out: string;
  officer: string;
}

/** The CSCA from its key file and its certificate (beside the key unless given). */
async function readCsca(keyPath: string, certificatePath?: string): Promise<Csca> {
  const keys = await readSignerKeyFile(resolve(keyPath));
  const certificate = new x509.X509Certificate(
    await readFile(certificatePath ?? cscaCertificatePath(resolve(keyPath)), 'utf8'),
  );
  return { certificate, keys };
}

function crlLine(crl: CrlRow | null): string {
  if (!crl) return '';
  return `CRL ${crl.crlNumber} of the CSCA ${crl.cscaSerialNumber} signed: this update ${new Date(crl.thisUpdate).toISOString()}, next update due ${day(crl.nextUpdate)}\n`;
}

async function issueSignerCommand(options: IssueOptions, readConfig: ReadConfig): Promise<void> {
  const officer = checkOfficer(options.officer);
  if (!options.request && !options.publicKey)
    throw new UsageError('give --request <file> or --public-key <file>');
  if (options.signerId !== undefined && !/^CF[A-Z0-9]{2}$/.test(options.signerId))
    throw new UsageError('--signer-id is CF and 2 capital letters or digits, e.g. CFPA');
  const publicKey = await requestedKey(options);
  const csca = await readCsca(options.csca, options.cscaCert);
  const { certificate } = csca;
  const issued = await withTrust(await readConfig(options.config), (trust) =>
    trust.issueSigner({
      csca,
      missionId: options.mission,
      publicKey,
      ...(options.signerId ? { signerIdentifier: options.signerId } : {}),
      actor: officer,
    }),
  );
  await writeFile(options.out, `${issued.certificatePem.trim()}\n`);
  process.stdout.write(
    [
      `signer certificate issued to ${issued.missionId}, written to ${options.out}`,
      `  signer identifier   ${issued.signerIdentifier}`,
      `  serial number       ${issued.serialNumber}`,
      `  valid               ${day(issued.notBefore)} to ${day(issued.notAfter)}`,
      `  mission key         ${await publicKeyFingerprint(publicKey)}`,
      `  CSCA fingerprint    ${await certificateFingerprint(certificate)}`,
      'The mission imports it with `econsulat node visa-signer import`, giving the CSCA fingerprint.',
      '',
    ].join('\n'),
  );
}

async function requestedKey(options: IssueOptions): Promise<CryptoKey> {
  try {
    if (options.publicKey) return await importPublicKeyPem(await readFile(options.publicKey, 'utf8'));
    const request = await readSignerRequest(await readFile(options.request ?? '', 'utf8'));
    if (request.missionId !== options.mission)
      throw new UsageError(`the request is from ${request.missionId}, not ${options.mission}`);
    return request.publicKey;
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/** Makes the CSCA's keys and certificate and writes them: the key 0600, never over a file. */
export async function createCsca(keyPath: string, name: string, now: Date) {
  const keys = await generateSealKeys(true);
  const serial = randomBytes(8);
  serial[0] = 0x10 + ((serial[0] ?? 0) % 0x70);
  const certificate = await createCscaCertificate({
    keys,
    serialNumber: serial.toString('hex'),
    name,
    notBefore: now,
    notAfter: addDays(now, CSCA_CERTIFICATE_DAYS),
  });
  const pem = `${certificate.toString('pem')}\n`;
  const certificatePath = cscaCertificatePath(keyPath);
  await writeSignerKeyFile(keyPath, await exportPrivateKeyPem(keys.privateKey));
  await writeNewFile(certificatePath, pem, 0o644);
  return { certificate, pem, certificatePath };
}

async function withTrust<T>(config: HubConfig, run: (trust: VisaTrustService) => Promise<T>): Promise<T> {
  const db = await openDatabase(storeConfigOf(config));
  try {
    return await run(createVisaTrustService({ db, now: () => new Date() }));
  } finally {
    await db.close();
  }
}

function checkOfficer(value: string): string {
  const parsed = officerSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return `officer:${parsed.data}`;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}

function day(date: Date): string {
  return new Date(date).toISOString().slice(0, 10);
}
