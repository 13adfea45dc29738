import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bwipjs from 'bwip-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEtdMrz,
  buildVisaMrz,
  createCscaCertificate,
  generateSealKeys,
  issueSignerCertificate,
  signEtdSeal,
  signVisaSeal,
  type TrustBundle,
} from '../common/vds/index.js';
import type { Csca } from '../common/vds/pki.js';
import type { CryptoKey, CryptoKeyPair } from '../common/vds/webcrypto.js';

import { runEconsulat } from './_util/processes/econsulat-cli.js';

// Seals, certificates and bundles made at run time: no private key is in the repository.

/** A CSCA of CAF made at run time: no private key is ever in the repository. */
async function testCsca(name = 'C=CF, CN=CSCA CAF test'): Promise<Csca> {
  const keys = await generateSealKeys();
  const certificate = await createCscaCertificate({
    keys,
    serialNumber: '0c5ca1',
    name,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2037-01-01T00:00:00Z'),
  });
  return { keys, certificate };
}

/** A mission's signer: its keys and the certificate the CSCA issued, valid 2026–2032. */
async function testSigner(csca: Csca, signerIdentifier: string, serialNumber: string) {
  const keys: CryptoKeyPair = await generateSealKeys();
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier,
    serialNumber,
    publicKey: keys.publicKey,
    notBefore: new Date('2026-06-01T00:00:00Z'),
    notAfter: new Date('2032-06-01T00:00:00Z'),
  });
  return { keys, certificate, signerIdentifier, serialNumber };
}

/** What a test visa varies. */
interface TestVisaOptions {
  signerIdentifier: string;
  certificateReference: string;
  number?: string;
  issued?: string;
  expiry?: string;
}

/** A signed visa seal for Awa Ndiaye, issued 2026-12-01, valid to 2027-03-01 unless told. */
function testVisaSeal(options: TestVisaOptions, privateKey: CryptoKey): Promise<Uint8Array> {
  const issued = options.issued ?? '2026-12-01';
  return signVisaSeal(
    {
      header: {
        signerIdentifier: options.signerIdentifier,
        certificateReference: options.certificateReference,
        documentIssueDate: issued,
        signatureCreationDate: issued,
      },
      mrz: buildVisaMrz({
        surname: 'Ndiaye',
        givenNames: 'Awa Marie',
        documentNumber: options.number ?? 'CF2600001',
        nationality: 'SEN',
        birthDate: '1988-07-14',
        sex: 'F',
        expiryDate: options.expiry ?? '2027-03-01',
      }),
      numberOfEntries: 1,
      durationOfStay: { days: 30, months: 0, years: 0 },
      passportNumber: 'A01234567',
    },
    privateKey,
  );
}

/** A signed laissez-passer seal for a national who lost their passport. */
function testEtdSeal(options: TestVisaOptions, privateKey: CryptoKey): Promise<Uint8Array> {
  const issued = options.issued ?? '2026-12-01';
  return signEtdSeal(
    {
      header: {
        signerIdentifier: options.signerIdentifier,
        certificateReference: options.certificateReference,
        documentIssueDate: issued,
        signatureCreationDate: issued,
      },
      mrz: buildEtdMrz({
        surname: 'Yakité',
        documentNumber: options.number ?? 'LP2600017',
        nationality: 'CAF',
        birthDate: '1985-04-12',
        sex: 'M',
        expiryDate: options.expiry ?? '2027-01-15',
      }),
    },
    privateKey,
  );
}

/** A bundle as the hub publishes it. */
function testBundle(
  csca: Csca,
  signers: { certificate: { toString(format: 'pem'): string } }[],
  revoked: Pick<TrustBundle, 'revokedSigners' | 'revokedDocuments'> = {
    revokedSigners: [],
    revokedDocuments: [],
  },
): TrustBundle {
  return {
    format: 'econsulat-vds-trust/1',
    issuedAt: '2026-12-05T12:00:00Z',
    cscaCertificates: [csca.certificate.toString('pem')],
    signerCertificates: signers.map((signer) => signer.certificate.toString('pem')),
    ...revoked,
  };
}

/**
 * The seal printed as a DataMatrix, as a PNG: bwip-js takes binary when each character of `text`
 * is one byte (latin1) and `binarytext` says not to UTF-8 encode it. A white background and a
 * quiet zone, as on the printed document.
 */
function dataMatrixPng(seal: Uint8Array): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'datamatrix',
    text: Buffer.from(seal).toString('latin1'),
    binarytext: true,
    scale: 4,
    paddingwidth: 8,
    paddingheight: 8,
    backgroundcolor: 'FFFFFF',
  });
}

const AT = '2026-12-06T09:00:00Z';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

describe('econsulat visa verify, offline against a trust bundle', () => {
  let dir: string;
  let bundlePath: string;
  let paris: Awaited<ReturnType<typeof testSigner>>;
  let yaounde: Awaited<ReturnType<typeof testSigner>>;
  let visa: Uint8Array;

  const verify = (input: string, ...extra: string[]) =>
    runEconsulat(['visa', 'verify', input, '--bundle', bundlePath, '--at', AT, ...extra]);
  const asFile = async (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };
  const parisVisa = (options: Partial<TestVisaOptions> = {}) =>
    testVisaSeal(
      { signerIdentifier: 'CFPA', certificateReference: paris.serialNumber, ...options },
      paris.keys.privateKey,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-visa-verify-'));
    const csca = await testCsca();
    paris = await testSigner(csca, 'CFPA', '1A2B3C4D5E6F7081');
    // Yaoundé's certificate was revoked: its key may be in other hands.
    yaounde = await testSigner(csca, 'CFYA', '2B3C4D5E6F708192');
    const bundle = testBundle(csca, [paris, yaounde], {
      revokedSigners: [{ serialNumber: yaounde.serialNumber, revokedAt: '2026-12-02T10:00:00Z' }],
      revokedDocuments: [
        { documentType: 'visa', documentNumber: 'CF2600666', revokedAt: '2026-12-03T10:00:00Z' },
      ],
    });
    bundlePath = await asFile('bundle.json', JSON.stringify(bundle));
    visa = await parisVisa();
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts a visa given as hex, exit 0, and prints its readable data', async () => {
    const result = await verify(hex(visa));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('VALIDE — sceau authentique / VALID — authentic seal');
    expect(result.stdout).toMatch(/number\s+CF2600001/);
    expect(result.stdout).toMatch(/name\s+NDIAYE, AWA MARIE/);
    expect(result.stdout).toMatch(/signer\s+CFPA 1A2B3C4D5E6F7081/);
    expect(result.stdout).toMatch(/valid until\s+2027-03-01/);
    expect(result.stdout).toMatch(/passport\s+A01234567/);
  }, 60_000);

  it('accepts the same visa from a PNG of its DataMatrix, decoded offline, and a laissez-passer from a hex file', async () => {
    const png = await asFile('visa.png', await dataMatrixPng(visa));
    // A border post has no network: any fetch would fail the run.
    const noNetwork = await asFile(
      'no-network.mjs',
      "globalThis.fetch = () => { throw new Error('network used'); };\n",
    );
    const fromImage = await runEconsulat(['visa', 'verify', png, '--bundle', bundlePath, '--at', AT], {
      NODE_OPTIONS: `--import ${noNetwork}`,
    });
    expect(fromImage.code, fromImage.stdout + fromImage.stderr).toBe(0);
    expect(fromImage.stdout).toMatch(/number\s+CF2600001/);
    const etd = await testEtdSeal(
      { signerIdentifier: 'CFPA', certificateReference: paris.serialNumber },
      paris.keys.privateKey,
    );
    const fromFile = await verify(await asFile('etd.hex', `${hex(etd).replace(/(.{32})/g, '$1\n')}\n`));
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(/document\s+laissez-passer/);
  }, 60_000);

  it('refuses an altered seal: exit 3', async () => {
    const altered = Uint8Array.from(visa);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 0x01;
    const result = await verify(hex(altered));
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('REFUSÉ — sceau altéré');
    expect(result.stdout).toContain('REFUSED — altered seal');
  }, 60_000);

  it('refuses a seal of a signer the bundle does not know: exit 4', async () => {
    const stranger = await testSigner(await testCsca('C=CF, CN=Fake CSCA'), 'CFPA', '1A2B3C4D5E6F7081');
    const seal = await testVisaSeal(
      { signerIdentifier: 'CFPA', certificateReference: '1A2B3C4D5E6F7081' },
      stranger.keys.privateKey,
    );
    // Same identifier and reference as Paris, another key: the signature does not hold.
    expect((await verify(hex(seal))).code).toBe(3);
    const unknown = await testVisaSeal(
      { signerIdentifier: 'CFZZ', certificateReference: '99' },
      stranger.keys.privateKey,
    );
    const result = await verify(hex(unknown));
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('REFUSÉ — signataire inconnu');
    expect(result.stdout).toContain('REFUSED — unknown signer');
  }, 60_000);

  it('refuses a seal of a revoked signer: exit 5', async () => {
    const seal = await testVisaSeal(
      { signerIdentifier: 'CFYA', certificateReference: yaounde.serialNumber },
      yaounde.keys.privateKey,
    );
    const result = await verify(hex(seal));
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('REFUSÉ — certificat du signataire révoqué');
    expect(result.stdout).toContain('REFUSED — the signer’s certificate was revoked');
  }, 60_000);

  it('refuses a revoked visa: exit 6', async () => {
    const result = await verify(hex(await parisVisa({ number: 'CF2600666' })));
    expect(result.code).toBe(6);
    expect(result.stdout).toContain('REFUSÉ — document révoqué');
    expect(result.stdout).toContain('REFUSED — the document was revoked');
  }, 60_000);

  it('refuses an expired visa: exit 7', async () => {
    const result = await verify(hex(await parisVisa({ issued: '2026-07-01', expiry: '2026-10-01' })));
    expect(result.code).toBe(7);
    expect(result.stdout).toContain('REFUSÉ — document expiré');
    expect(result.stdout).toContain('REFUSED — the document (or the signer’s certificate) has expired');
  }, 60_000);

  it('refuses a visa not yet valid: exit 8', async () => {
    const result = await verify(hex(await parisVisa({ issued: '2026-12-20' })));
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('REFUSÉ — pas encore valide');
    expect(result.stdout).toContain('REFUSED — not yet valid');
  }, 60_000);

  it('refuses bytes that are no seal: exit 2', async () => {
    const result = await verify('DC03664401020304');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('REFUSÉ — sceau illisible');
    expect(result.stdout).toContain('REFUSED — malformed seal');
  }, 60_000);

  it('says when an image has no DataMatrix (exit 9), and refuses a bundle whose CSCA is not the pinned one (exit 10)', async () => {
    const qr = await bwipjs.toBuffer({ bcid: 'qrcode', text: 'hello', scale: 4, backgroundcolor: 'FFFFFF' });
    const noBarcode = await verify(await asFile('qr.png', qr));
    expect(noBarcode.code).toBe(9);
    expect(noBarcode.stdout).toContain('UNREADABLE — no readable DataMatrix');
    const pinned = await verify(hex(visa), '--csca-fingerprint', '00'.repeat(32));
    expect(pinned.code).toBe(10);
    expect(pinned.stdout).toContain('ERROR — unusable trust bundle');
  }, 60_000);

  it('tells a mistyped argument from a refusal: exit 1', async () => {
    const result = await verify('not-a-seal');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('neither an image file');
  }, 60_000);
});
