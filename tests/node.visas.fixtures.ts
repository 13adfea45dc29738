import { writeFile } from 'node:fs/promises';
import bwipjs from 'bwip-js';
import {
  certificateReferenceOf,
  createCscaCertificate,
  exportPrivateKeyPem,
  generateSealKeys,
  issueSignerCertificate,
  type TrustBundle,
} from '../common/vds/index.js';
import type { Csca } from '../common/vds/pki.js';
import type { CryptoKeyPair } from '../common/vds/webcrypto.js';
import { visaSignerPaths, writeSignerKeyFile } from '../node/crypto/visa-signer-key.js';
import type { VisaFields } from '../node/services/visas/visa-schema.js';
import type { VisaSigner } from '../node/services/visas/visa-signer.js';

// What the visa tests share: a CSCA and a signer made at run time (no key in the repository), a
// real PNG and a minimal JPEG for photos, and a valid application.

/** A CSCA of CAF and the Paris mission's signer (CFPA), with the bundle a border post would hold. */
export async function testTrust(extractable = false): Promise<{
  csca: Csca;
  signer: VisaSigner;
  bundle: TrustBundle;
  keys: CryptoKeyPair;
  certificatePem: string;
}> {
  const cscaKeys = await generateSealKeys();
  const csca: Csca = {
    keys: cscaKeys,
    certificate: await createCscaCertificate({
      keys: cscaKeys,
      serialNumber: '0c5ca1',
      name: 'C=CF, CN=CSCA CAF test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2037-01-01T00:00:00Z'),
    }),
  };
  const keys = await generateSealKeys(extractable);
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier: 'CFPA',
    serialNumber: '1a2b',
    publicKey: keys.publicKey,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2032-06-01T00:00:00Z'),
  });
  return {
    csca,
    keys,
    certificatePem: certificate.toString('pem'),
    signer: {
      privateKey: keys.privateKey,
      signerIdentifier: 'CFPA',
      certificateReference: certificateReferenceOf(certificate),
    },
    bundle: {
      format: 'econsulat-vds-trust/1',
      issuedAt: '2026-12-05T12:00:00Z',
      cscaCertificates: [csca.certificate.toString('pem')],
      signerCertificates: [certificate.toString('pem')],
      revokedSigners: [],
      revokedDocuments: [],
    },
  };
}

/** A real PNG image (a QR code standing for a face). */
export async function photoPng(): Promise<Uint8Array> {
  return new Uint8Array(
    await bwipjs.toBuffer({ bcid: 'qrcode', text: 'photo', scale: 3, backgroundcolor: 'FFFFFF' }),
  );
}

/** A minimal baseline JPEG: SOI, APP0 (JFIF), a 16 × 16 greyscale frame header, EOI. */
export function photoJpeg(): Uint8Array {
  return Uint8Array.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00, 0xff,
    0xd9,
  ]);
}

/** A scanned bio page (a one-line PDF). */
export function bioPagePdf(): Uint8Array {
  return new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Title (bio page) >> endobj\n%%EOF\n');
}

/** The tests' clock: 2026-12-06, 09:00 UTC. */
export const NOW = new Date('2026-12-06T09:00:00Z');

/** A visa application of Awa Ndiaye (Senegal), passport A01234567 and its check digit. */
export function visaFields(overrides: Partial<VisaFields> = {}): VisaFields {
  return {
    kind: 'visa',
    lang: 'en',
    passportNumber: 'A01234567',
    passportCheckDigit: checkDigitOf('A01234567'),
    passportExpiry: '2030-05-01',
    nationality: 'SEN',
    familyName: 'Ndiaye',
    givenNames: 'Awa',
    birthDate: '1990-03-14',
    sex: 'F',
    arrivalDate: '2027-01-10',
    departureDate: '2027-01-30',
    purpose: 'Business meetings in Bangui',
    phone: '+33 6 12 34 56 78',
    ...overrides,
  };
}

/** A laissez-passer application of a national who lost his passport. */
export function laissezPasserFields(overrides: Partial<VisaFields> = {}): VisaFields {
  return visaFields({
    kind: 'laissez_passer',
    lang: 'sg',
    passportNumber: 'CF0012345',
    passportCheckDigit: checkDigitOf('CF0012345'),
    passportExpiry: '2025-01-01',
    nationality: 'CAF',
    familyName: 'Yakité',
    givenNames: 'Jean-Baptiste',
    birthDate: '1985-04-12',
    sex: 'M',
    purpose: 'Return to Bangui after the loss of my passport',
    ...overrides,
  });
}

/** Doc 9303-3 §4.9 check digit, written here again so the tests do not take it from the code tested. */
export function checkDigitOf(field: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  [...field.padEnd(9, '<')].forEach((char, index) => {
    const value = /\d/.test(char) ? Number(char) : char === '<' ? 0 : char.charCodeAt(0) - 55;
    sum += value * (weights[index % 3] as number);
  });
  return String(sum % 10);
}

/** Puts a signer in a node's keys directory, as `econsulat node visa-signer import` leaves it. */
export async function installSigner(dataDir: string): Promise<Awaited<ReturnType<typeof testTrust>>> {
  const trust = await testTrust(true);
  const paths = visaSignerPaths(dataDir);
  await writeSignerKeyFile(paths.key, await exportPrivateKeyPem(trust.keys.privateKey));
  await writeFile(paths.certificate, trust.certificatePem);
  return trust;
}
