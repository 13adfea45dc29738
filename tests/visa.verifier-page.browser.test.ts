import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crlToPem } from '../common/vds/crl.js';
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
import { type Csca, signRevocationList } from '../common/vds/pki.js';
import type { VerifierPageVariant } from '../common/vds/verifier/build-verifier-page.js';
import { OUTCOME_TEXTS } from '../common/vds/verifier/verifier-texts.js';
import type { CryptoKeyPair } from '../common/vds/webcrypto.js';
import { dataMatrixPng } from '../node/services/visas/visa-datamatrix.js';
import { blockingViolations } from './_util/axe.js';
import { describeWithChromium, launchChromiumBrowser } from './_util/browser.js';
import {
  loadBundleFile,
  type OfflineVerifier,
  openVerifierOffline,
  verifyHexOnPage,
  verifyImageOnPage,
  writeVerifierPages,
} from './_util/verifier-page.js';
import { photoPng } from './node.visas.fixtures.js';

// The cases of tests/common.vds-verify.test.ts, answered by the page instead of the library: a CSCA
// for CAF and fr-paris's signer (CFPA, serial 1A2B) made at run time, a visa signed 2026-11-02 and
// valid until 2027-02-01, checked on 2026-11-10 (the page's clock is fixed to it).
const NOW = new Date('2026-11-10T09:00:00Z');
const header = {
  signerIdentifier: 'CFPA',
  certificateReference: '1A2B',
  documentIssueDate: '2026-11-02',
  signatureCreationDate: '2026-11-02',
};
const visa = {
  header,
  mrz: buildVisaMrz({
    surname: 'Ndiaye',
    givenNames: 'Awa Marie',
    documentNumber: 'CF2600001',
    nationality: 'SEN',
    birthDate: '1988-07-14',
    sex: 'F',
    expiryDate: '2027-02-01',
  }),
  numberOfEntries: 1,
  durationOfStay: { days: 30, months: 0, years: 0 },
  passportNumber: 'A01234567',
  visaType: '01',
};

let dir: string;
let pages: Record<VerifierPageVariant, string>;
let browser: Browser;
let csca: Csca;
let signerKeys: CryptoKeyPair;
let bundle: TrustBundle;
let visaSeal: Uint8Array;
const opened: OfflineVerifier[] = [];

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'econsulat-verifier-'));
  pages = await writeVerifierPages(dir);
  const cscaKeys = await generateSealKeys();
  csca = {
    keys: cscaKeys,
    certificate: await createCscaCertificate({
      keys: cscaKeys,
      serialNumber: '01',
      name: 'C=CF, O=Ministere des Affaires etrangeres, CN=CSCA CAF',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
    }),
  };
  signerKeys = await generateSealKeys();
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier: 'CFPA',
    serialNumber: '1A2B',
    publicKey: signerKeys.publicKey,
    notBefore: new Date('2026-10-01T00:00:00Z'),
    notAfter: new Date('2028-01-01T00:00:00Z'),
  });
  bundle = {
    format: 'econsulat-vds-trust/1',
    issuedAt: '2026-11-09T00:00:00Z',
    cscaCertificates: [csca.certificate.toString('pem')],
    signerCertificates: [certificate.toString('pem')],
    revokedSigners: [],
    revokedDocuments: [],
  };
  visaSeal = await signVisaSeal(visa, signerKeys.privateKey);
  browser = await launchChromiumBrowser();
});

afterAll(async () => {
  for (const verifier of opened.splice(0)) await verifier.close();
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(variant: VerifierPageVariant, now = NOW): Promise<OfflineVerifier> {
  const verifier = await openVerifierOffline(browser, pages[variant], now);
  opened.push(verifier);
  return verifier;
}

/** The page's answer for a seal in hex under a bundle, checked on `now`. */
async function outcomeOf(seal: Uint8Array, trust: TrustBundle = bundle, now = NOW): Promise<string> {
  const { page } = await open('hex', now);
  await loadBundleFile(page, trust);
  return (await verifyHexOnPage(page, hex(seal))).outcome;
}

describeWithChromium('the offline verifier page, opened from disk with the network cut', () => {
  it('says a visa is valid, with its holder, passport, type, entries, stay and dates, in French and English', async () => {
    const { page, requests } = await open('hex');
    await loadBundleFile(page, bundle);
    expect(await page.textContent('#trust-status')).toContain('Paquet de confiance du 2026-11-09 00:00');
    expect(await page.textContent('#trust-status')).toContain('Trust bundle of 2026-11-09 00:00');
    const answer = await verifyHexOnPage(page, hex(visaSeal).replace(/(.{32})/g, '$1\n'));
    expect(answer.outcome).toBe('valid');
    expect(answer.verdict).toContain(OUTCOME_TEXTS.valid.fr);
    expect(answer.verdict).toContain(OUTCOME_TEXTS.valid.en);
    for (const shown of [
      'NDIAYE',
      'AWA MARIE',
      'CF2600001',
      'A01234567',
      'Type de visa',
      'Visa type01',
      'Entrées',
      'Durée du séjour',
      '30 jour(s)30 day(s)',
      '2026-11-02',
      '2027-02-01',
      'CFPA 1A2B',
    ]) {
      expect(answer.data).toContain(shown);
    }
    expect(requests[0]).toMatch(/^file:\/\/.*verifier-hex\.html$/);
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it('says a laissez-passer is valid', async () => {
    const etd = await signEtdSeal(
      {
        header,
        mrz: buildEtdMrz({
          surname: 'Yakité',
          documentNumber: 'LP2600017',
          nationality: 'CAF',
          birthDate: '1985-04-12',
          sex: 'M',
          expiryDate: '2026-12-02',
        }),
      },
      signerKeys.privateKey,
    );
    const { page } = await open('hex');
    await loadBundleFile(page, bundle);
    const answer = await verifyHexOnPage(page, hex(etd));
    expect(answer.outcome).toBe('valid');
    expect(answer.data).toContain('Laissez-passer');
    expect(answer.data).toContain('YAKITE');
  });

  it('refuses bytes that are not a seal as malformed, and text that is not hex as such', async () => {
    const { page } = await open('hex');
    await loadBundleFile(page, bundle);
    const malformed = await verifyHexOnPage(page, 'DC0366');
    expect(malformed.outcome).toBe('malformed');
    expect(malformed.verdict).toContain(OUTCOME_TEXTS.malformed.fr);
    expect(malformed.verdict).toContain(OUTCOME_TEXTS.malformed.en);
    expect(await page.textContent('#verdict-detail')).toContain('malformed: truncated');
    expect((await verifyHexOnPage(page, 'not a seal')).outcome).toBe('not_hex');
    expect((await verifyHexOnPage(page, 'DC0')).outcome).toBe('not_hex');
  });

  it('refuses a seal whose content was changed as altered, and shows none of its data', async () => {
    const changed = visaSeal.slice();
    changed[changed.indexOf(0x1e, 20)] = 0x5a; // the 30 days of the duration of stay become 90
    const { page } = await open('hex');
    await loadBundleFile(page, bundle);
    const answer = await verifyHexOnPage(page, hex(changed));
    expect(answer.outcome).toBe('altered');
    expect(answer.verdict).toContain(OUTCOME_TEXTS.altered.en);
    expect(answer.data).toBe('');
  });

  it('refuses a seal naming a signer the bundle does not hold as unknown_signer', async () => {
    const seal = await signVisaSeal(
      { ...visa, header: { ...header, certificateReference: '1A2C' } },
      signerKeys.privateKey,
    );
    expect(await outcomeOf(seal)).toBe('unknown_signer');
  });

  it('refuses a seal of a revoked signer as revoked_signer', async () => {
    const revoked = {
      ...bundle,
      issuedAt: '2026-11-09T12:00:00Z',
      revokedSigners: [{ serialNumber: '1a2b', revokedAt: '2026-11-08T12:00:00Z' }],
    };
    expect(await outcomeOf(visaSeal, revoked)).toBe('revoked_signer');
  });

  it('refuses a seal of a signer the CSCA’s CRL in the bundle revokes as revoked_signer', async () => {
    const crl = await signRevocationList({
      csca,
      crlNumber: 1,
      thisUpdate: new Date('2026-11-08T12:00:00Z'),
      nextUpdate: new Date('2027-02-06T12:00:00Z'),
      revoked: [
        { serialNumber: '1A2B', revokedAt: new Date('2026-11-08T12:00:00Z'), reason: 'keyCompromise' },
      ],
    });
    const revoked = { ...bundle, issuedAt: '2026-11-09T14:00:00Z', crls: [crlToPem(crl)] };
    expect(await outcomeOf(visaSeal, revoked)).toBe('revoked_signer');
  });

  it('refuses a revoked visa as revoked_document, showing whose it is under a refusal caption', async () => {
    const revoked = {
      ...bundle,
      issuedAt: '2026-11-09T13:00:00Z',
      revokedDocuments: [
        { documentType: 'visa' as const, documentNumber: 'CF2600001', revokedAt: '2026-11-08T12:00:00Z' },
      ],
    };
    const { page } = await open('hex');
    await loadBundleFile(page, revoked);
    const answer = await verifyHexOnPage(page, hex(visaSeal));
    expect(answer.outcome).toBe('revoked_document');
    expect(answer.verdict).toContain(OUTCOME_TEXTS.revoked_document.fr);
    expect(answer.data).toContain('NDIAYE');
    expect(await page.textContent('#data-caption')).toContain(
      'authentic signature, but the document is refused',
    );
  });

  it('refuses a visa past its expiry date as expired', async () => {
    expect(await outcomeOf(visaSeal, bundle, new Date('2027-02-01T23:59:00Z'))).toBe('valid');
    expect(await outcomeOf(visaSeal, bundle, new Date('2027-02-02T00:00:00Z'))).toBe('expired');
  });

  it('refuses a seal signed on a date still to come as not_yet_valid', async () => {
    const seal = await signVisaSeal(
      { ...visa, header: { ...header, signatureCreationDate: '2026-11-11' } },
      signerKeys.privateKey,
    );
    expect(await outcomeOf(seal)).toBe('not_yet_valid');
  });

  it('asks for a bundle first, keeps the last one across visits with its date, and keeps it when a bad one is given', async () => {
    const { page } = await open('hex');
    expect(await page.textContent('#trust-status')).toContain('Aucun paquet de confiance chargé.');
    expect((await verifyHexOnPage(page, hex(visaSeal))).outcome).toBe('no_bundle');
    await loadBundleFile(page, bundle);
    await page.reload();
    await page.waitForSelector('#trust-status[data-state="loaded"]', { state: 'attached' });
    expect(await page.textContent('#trust-status')).toContain('chargé le 2026-11-10 09:00');
    expect((await verifyHexOnPage(page, hex(visaSeal))).outcome).toBe('valid');

    await page.setInputFiles('#bundle-file', {
      name: 'not-a-bundle.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...bundle, cscaCertificates: [] })),
    });
    await page.waitForSelector('#trust-warning[data-state="refused"]', { state: 'visible' });
    expect(await page.textContent('#trust-warning')).toContain('Paquet refusé, l’ancien est gardé');
    expect((await verifyHexOnPage(page, hex(visaSeal))).outcome).toBe('valid');
  });

  it('warns that a bundle a month old may miss revocations', async () => {
    const { page } = await open('hex', new Date('2026-12-20T09:00:00Z'));
    await loadBundleFile(page, bundle);
    expect(await page.textContent('#trust-warning')).toContain('This bundle is 41 days old');
  });

  it('reads a photo of the DataMatrix in the page, with no network, and says which image holds none', async () => {
    const { page, requests } = await open('reader');
    expect(await page.isVisible('#seal-photo')).toBe(true);
    expect(await page.getAttribute('#seal-photo', 'capture')).toBe('environment');
    await loadBundleFile(page, bundle);
    const answer = await verifyImageOnPage(page, new Uint8Array(await dataMatrixPng(visaSeal)));
    expect(answer.outcome).toBe('valid');
    expect(answer.data).toContain('NDIAYE');
    expect(await page.inputValue('#seal-hex')).toBe(hex(visaSeal));
    const none = await verifyImageOnPage(page, await photoPng(), '#seal-photo');
    expect(none.outcome).toBe('no_barcode');
    expect(none.verdict).toContain(OUTCOME_TEXTS.no_barcode.fr);
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it('has no serious or critical accessibility finding, empty or showing a verdict (WCAG 2.1 AA)', async () => {
    const { page } = await open('reader');
    expect(await blockingViolations(page)).toEqual([]);
    await loadBundleFile(page, bundle);
    await verifyHexOnPage(page, hex(visaSeal));
    expect(await blockingViolations(page)).toEqual([]);
  });

  it('without its image decoder, takes hex only and says so', async () => {
    const { page } = await open('hex');
    expect(await page.isVisible('#seal-image')).toBe(false);
    expect(await page.isVisible('#no-image-note')).toBe(true);
  });
});
