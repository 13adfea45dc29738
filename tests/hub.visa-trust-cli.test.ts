import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildVisaMrz,
  certificateFingerprint,
  signVisaSeal,
  TrustBundleSchema,
  x509,
} from '../common/vds/index.js';
import { readSignerKeyFile, visaSignerPaths } from '../node/crypto/visa-signer-key.js';
import { econsulat, runEconsulat } from './_util/processes/econsulat-cli.js';

const execFileAsync = promisify(execFile);
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the CSCA and the missions’ signer certificates from the command line', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('csca init, node visa-signer request, csca issue-signer, node visa-signer import, revoke-signer, bundle, visa verify', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-csca-'));
    const mission = join(dir, 'mission');
    const hub = join(dir, 'hub');
    const usb = join(dir, 'usb');
    const hubConfig = join(hub, 'hub.json');
    const nodeConfig = join(mission, 'node.json');
    await econsulat(
      'node',
      'init',
      '--mission',
      'fr-paris',
      '--name',
      'Ambassade de la RCA à Paris',
      '--dir',
      mission,
      '--region',
      'FR',
      '--currency',
      'EUR',
      '--no-tls',
    );
    await econsulat('hub', 'init', '--dir', hub, '--embedded-database', 'pglite');
    await econsulat(
      'hub',
      'enrol',
      '--config',
      hubConfig,
      '--request',
      join(mission, 'enrolment-request.json'),
      '--out',
      join(dir, 'enrolment.json'),
    );

    // The CSCA's key stays off the hub: refused in its data directory.
    const inside = await runEconsulat([
      'hub',
      'csca',
      'init',
      '--out',
      join(hub, 'csca.key'),
      '--config',
      hubConfig,
    ]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('inside the hub’s data directory');

    const keyPath = join(usb, 'csca-caf.key');
    const init = await econsulat(
      'hub',
      'csca',
      'init',
      '--out',
      keyPath,
      '--config',
      hubConfig,
      '--officer',
      'Directrice',
    );
    expect(await mode(keyPath)).toBe(0o600);
    expect(await readFile(keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const cscaCertPath = join(usb, 'csca-caf.crt.pem');
    const csca = new x509.X509Certificate(await readFile(cscaCertPath, 'utf8'));
    const fingerprint = await certificateFingerprint(csca);
    expect(fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    expect(init).toContain(`fingerprint       ${fingerprint}`);
    expect(init).toContain('recorded at the hub');
    // Doc 9303-12: the CSCA's 5 years of key usage plus a signer certificate's 6.
    expect(csca.notAfter.getTime() - csca.notBefore.getTime()).toBe(11 * 365 * 86_400_000);

    const request = await econsulat('node', 'visa-signer', 'request', '--config', nodeConfig);
    const signerPaths = visaSignerPaths(mission);
    expect(await mode(signerPaths.key)).toBe(0o600);
    expect(request).toMatch(/key fingerprint\s+([0-9A-F]{4} ){15}[0-9A-F]{4}/);

    const certPath = join(dir, 'signer-fr-paris.crt.pem');
    const issued = await econsulat(
      'hub',
      'csca',
      'issue-signer',
      '--config',
      hubConfig,
      '--csca',
      keyPath,
      '--mission',
      'fr-paris',
      '--request',
      join(mission, 'visa-signer-request.pem'),
      '--out',
      certPath,
    );
    expect(issued).toMatch(/signer identifier\s+CFPA/);
    const serial = /serial number\s+([0-9A-F]+)/.exec(issued)?.[1] ?? '';
    expect(serial).toMatch(/^[0-9A-F]{16}$/);

    const wrongPin = await runEconsulat([
      'node',
      'visa-signer',
      'import',
      certPath,
      '--config',
      nodeConfig,
      '--csca',
      cscaCertPath,
      '--csca-fingerprint',
      'AB'.repeat(32),
    ]);
    expect(wrongPin.code).toBe(1);
    expect(wrongPin.stderr).toContain('visa_signer_certificate_refused');
    const imported = await econsulat(
      'node',
      'visa-signer',
      'import',
      certPath,
      '--config',
      nodeConfig,
      '--csca',
      cscaCertPath,
      '--csca-fingerprint',
      fingerprint.toLowerCase(),
    );
    expect(imported).toMatch(/certificate reference\s+/);
    expect(await readFile(signerPaths.certificate, 'utf8')).toBe(await readFile(certPath, 'utf8'));

    const bundlePath = join(dir, 'trust.json');
    await econsulat('hub', 'csca', 'bundle', '--config', hubConfig, '--out', bundlePath);
    const bundle = TrustBundleSchema.parse(JSON.parse(await readFile(bundlePath, 'utf8')));
    expect(bundle.signerCertificates).toHaveLength(1);
    expect(bundle.revokedSigners).toEqual([]);

    // The mission signs a visa with its key; a border post checks it against the bundle.
    const today = new Date().toISOString().slice(0, 10);
    const { privateKey } = await readSignerKeyFile(signerPaths.key);
    const seal = await signVisaSeal(
      {
        header: {
          signerIdentifier: 'CFPA',
          certificateReference: serial,
          documentIssueDate: today,
          signatureCreationDate: today,
        },
        mrz: buildVisaMrz({
          surname: 'Ndiaye',
          givenNames: 'Awa',
          documentNumber: 'CF2600001',
          nationality: 'SEN',
          birthDate: '1988-07-14',
          sex: 'F',
          expiryDate: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`.replace('-02-29', '-02-28'),
        }),
        numberOfEntries: 1,
        durationOfStay: { days: 30, months: 0, years: 0 },
        passportNumber: 'A01234567',
      },
      privateKey,
    );
    const payload = Buffer.from(seal).toString('hex');
    const valid = await runEconsulat([
      'visa',
      'verify',
      payload,
      '--bundle',
      bundlePath,
      '--csca-fingerprint',
      fingerprint,
    ]);
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);

    const revoked = await econsulat(
      'hub',
      'csca',
      'revoke-signer',
      '--config',
      hubConfig,
      '--serial',
      serial,
      '--reason',
      'keyCompromise',
      '--csca',
      keyPath,
    );
    expect(revoked).toContain(`revoked CFPA ${serial} of fr-paris (keyCompromise)`);
    expect(revoked).toMatch(/CRL 1 of the CSCA [0-9A-F]+ signed: .*next update due \d{4}-\d{2}-\d{2}/);
    await rm(bundlePath);
    await econsulat('hub', 'csca', 'bundle', '--config', hubConfig, '--out', bundlePath);
    const after = TrustBundleSchema.parse(JSON.parse(await readFile(bundlePath, 'utf8')));
    expect(after.revokedSigners).toEqual([{ serialNumber: serial, revokedAt: expect.any(String) }]);
    const refused = await runEconsulat(['visa', 'verify', payload, '--bundle', bundlePath]);
    expect(refused.code).toBe(5);
    // The CRL alone says so, and OpenSSL reads it as the CSCA's, listing the serial.
    expect(after.crls).toHaveLength(1);
    const crlOnly = join(dir, 'trust-crl-only.json');
    await writeFile(crlOnly, JSON.stringify({ ...after, revokedSigners: [] }));
    expect((await runEconsulat(['visa', 'verify', payload, '--bundle', crlOnly])).code).toBe(5);
    const crlPath = join(dir, 'csca.crl.pem');
    await writeFile(crlPath, after.crls?.[0] ?? '');
    const openssl = await execFileAsync('openssl', [
      'crl',
      '-in',
      crlPath,
      '-noout',
      '-text',
      '-CAfile',
      cscaCertPath,
    ]);
    expect(openssl.stderr).toContain('verify OK');
    expect(openssl.stdout).toContain(`Serial Number: ${serial}`);
    expect(openssl.stdout).toMatch(/X509v3 CRL Number:\s+1/);
    // A fresh CRL with the bundle, numbered 2.
    const renewed = await econsulat(
      'hub',
      'csca',
      'bundle',
      '--config',
      hubConfig,
      '--out',
      bundlePath,
      '--csca',
      keyPath,
    );
    expect(renewed).toContain('CRL 2 of the CSCA');
    const unknownSerial = await econsulat(
      'hub',
      'csca',
      'revoke-signer',
      '--config',
      hubConfig,
      '--serial',
      'FFFF',
      '--reason',
      'superseded',
      '--csca',
      keyPath,
    ).catch((error: Error) => error.message);
    expect(unknownSerial).toContain('signer_not_found');
  }, 240_000);
});
