import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCrl } from '../common/vds/crl.js';
import { crlNumberOf } from '../common/vds/crl-number.js';
import {
  buildVisaMrz,
  createCscaCertificate,
  generateSealKeys,
  loadTrustStore,
  signVisaSeal,
  verifySeal,
  x509,
} from '../common/vds/index.js';
import type { Csca } from '../common/vds/pki.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import {
  createVisaTrustService,
  type VisaTrustService,
} from '../hub/services/visa-trust/visa-trust-service.js';
import { Identity, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { certify, enrolledHub } from './_util/hub-fixtures.js';

beforeAll(ready);

const NOW = new Date('2026-12-06T09:00:00.000Z');
const OFFICER = 'officer:directrice';

async function makeCsca(): Promise<Csca> {
  const keys = await generateSealKeys();
  const certificate = await createCscaCertificate({
    keys,
    serialNumber: '0a1b2c3d',
    name: 'C=CF, CN=CSCA CAF test',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2037-01-01T00:00:00Z'),
  });
  return { keys, certificate };
}

const visaFrom = (signer: { signerIdentifier: string; serialNumber: string }, number = 'CF2600001') => ({
  header: {
    signerIdentifier: signer.signerIdentifier,
    certificateReference: signer.serialNumber,
    documentIssueDate: '2026-12-01',
    signatureCreationDate: '2026-12-01',
  },
  mrz: buildVisaMrz({
    surname: 'Ndiaye',
    givenNames: 'Awa',
    documentNumber: number,
    nationality: 'SEN',
    birthDate: '1988-07-14',
    sex: 'F',
    expiryDate: '2027-03-01',
  }),
  numberOfEntries: 1,
  durationOfStay: { days: 30, months: 0, years: 0 },
  passportNumber: 'A01234567',
});

describe.each(storeBackends('hub visa trust'))('hub visa trust on $name', (backend) => {
  let store: TestStore;
  let trust: VisaTrustService;
  let csca: Csca;
  let hub: Identity;

  beforeEach(async () => {
    store = await migratedStore(backend);
    ({ hub } = await enrolledHub(store.db, 'fr-paris'));
    trust = createVisaTrustService({ db: store.db, now: () => NOW });
    csca = await makeCsca();
  });
  afterEach(async () => {
    await store?.dispose();
  });

  const issueParis = async () => {
    await trust.recordCsca(csca.certificate.toString('pem'), OFFICER);
    const keys = await generateSealKeys();
    const signer = await trust.issueSigner({
      csca,
      missionId: 'fr-paris',
      publicKey: keys.publicKey,
      actor: OFFICER,
    });
    return { keys, signer };
  };
  const auditActions = async () =>
    (await store.db.query<{ action: string }>('SELECT action FROM hub_audit_log ORDER BY seq')).map(
      (row) => row.action,
    );

  it('publishes no bundle before a CSCA is recorded', async () => {
    expect(await trust.bundle()).toBeNull();
    expect(await trust.cscaPem()).toBe('');
  });

  it('issues a signer certificate CFPA to fr-paris, listed in the bundle and signers.pem, audited', async () => {
    const { keys, signer } = await issueParis();
    expect(signer.signerIdentifier).toBe('CFPA');
    expect(signer.serialNumber).toMatch(/^[1-7][0-9A-F]{15}$/);
    const certificate = new x509.X509Certificate(signer.certificatePem);
    expect(certificate.subject).toBe('C=CF, CN=PA');
    // Doc 9303-12: key usage of a year plus the longest document it seals (5 years).
    expect(certificate.notAfter.getTime() - certificate.notBefore.getTime()).toBe(6 * 365 * 86_400_000);
    expect(await trust.signersPem()).toContain(certificate.toString('pem').split('\n')[1]);

    const published = await trust.bundle();
    expect(published?.bundle.signerCertificates).toHaveLength(1);
    expect(published?.bundle.cscaCertificates).toHaveLength(1);
    expect(published?.bundle.issuedAt).toBe(NOW.toISOString());
    expect(published?.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const store_ = await loadTrustStore(JSON.parse(published?.body ?? ''));
    const seal = await signVisaSeal(visaFrom(signer), keys.privateKey);
    expect((await verifySeal(seal, store_, { now: NOW })).valid).toBe(true);
    expect(await auditActions()).toEqual(['visa_trust.csca_recorded', 'visa_trust.signer_issued']);
  });

  it('keeps the mission’s identifier across certificates and refuses it to another mission', async () => {
    await issueParis();
    const publicKey = (await generateSealKeys()).publicKey;
    const again = await trust.issueSigner({ csca, missionId: 'fr-paris', publicKey, actor: OFFICER });
    expect(again.signerIdentifier).toBe('CFPA');
    await recordEnrolment(store.db, hub.toPublic(), await certify(hub, Identity.generate('fr-pau')));
    // fr-pau would be CFPA too: refused, then given another.
    await expect(
      trust.issueSigner({ csca, missionId: 'fr-pau', publicKey, actor: OFFICER }),
    ).rejects.toMatchObject({
      code: 'signer_identifier_taken',
    });
    const pau = await trust.issueSigner({
      csca,
      missionId: 'fr-pau',
      publicKey,
      signerIdentifier: 'CFPU',
      actor: OFFICER,
    });
    expect(pau.signerIdentifier).toBe('CFPU');
    expect(new x509.X509Certificate(pau.certificatePem).subject).toBe('C=CF, CN=PU');
  });

  it('refuses a mission the hub never enrolled and a CSCA it never recorded', async () => {
    const publicKey = (await generateSealKeys()).publicKey;
    await expect(
      trust.issueSigner({ csca, missionId: 'fr-paris', publicKey, actor: OFFICER }),
    ).rejects.toMatchObject({
      code: 'csca_not_recorded',
    });
    await trust.recordCsca(csca.certificate.toString('pem'), OFFICER);
    await expect(
      trust.issueSigner({ csca, missionId: 'de-berlin', publicKey, actor: OFFICER }),
    ).rejects.toMatchObject({
      code: 'mission_not_found',
    });
  });

  it('refuses to issue with a CSCA past its five years of key usage', async () => {
    await trust.recordCsca(csca.certificate.toString('pem'), OFFICER);
    const later = createVisaTrustService({ db: store.db, now: () => new Date('2031-06-01T00:00:00Z') });
    const publicKey = (await generateSealKeys()).publicKey;
    await expect(
      later.issueSigner({ csca, missionId: 'fr-paris', publicKey, actor: OFFICER }),
    ).rejects.toMatchObject({
      code: 'csca_invalid',
    });
  });

  it('a revoked signer and a revoked visa reach the bundle, and a border post refuses their seals', async () => {
    const { keys, signer } = await issueParis();
    const before = await trust.bundle();
    const seal = await signVisaSeal(visaFrom(signer, 'CF2600002'), keys.privateKey);

    const { alreadyRevoked } = await trust.revokeDocument(
      { documentType: 'visa', documentNumber: 'CF2600002', reason: 'fraude documentaire' },
      OFFICER,
    );
    expect(alreadyRevoked).toBe(false);
    expect(
      (
        await trust.revokeDocument(
          { documentType: 'visa', documentNumber: 'CF2600002', reason: 'encore' },
          OFFICER,
        )
      ).alreadyRevoked,
    ).toBe(true);
    const afterDocument = await trust.bundle();
    expect(afterDocument?.bundle.revokedDocuments).toEqual([
      { documentType: 'visa', documentNumber: 'CF2600002', revokedAt: NOW.toISOString() },
    ]);
    expect(afterDocument?.etag).not.toBe(before?.etag);
    const refused = await verifySeal(seal, await loadTrustStore(afterDocument?.bundle), { now: NOW });
    expect(refused).toMatchObject({ valid: false, reason: 'revoked_document' });

    await trust.revokeSigner(signer.serialNumber.toLowerCase(), 'keyCompromise', OFFICER);
    const afterSigner = await trust.bundle();
    expect(afterSigner?.bundle.revokedSigners).toEqual([
      { serialNumber: signer.serialNumber, revokedAt: NOW.toISOString() },
    ]);
    // Still listed: a verifier then says revoked_signer, not unknown_signer.
    expect(afterSigner?.bundle.signerCertificates).toHaveLength(1);
    const other = await signVisaSeal(visaFrom(signer, 'CF2600003'), keys.privateKey);
    expect(await verifySeal(other, await loadTrustStore(afterSigner?.bundle), { now: NOW })).toMatchObject({
      valid: false,
      reason: 'revoked_signer',
    });
    expect((await trust.signers())[0]).toMatchObject({ revocationReason: 'keyCompromise' });
    await expect(trust.revokeSigner('ABCDEF', 'superseded', OFFICER)).rejects.toMatchObject({
      code: 'signer_not_found',
    });
    expect(await auditActions()).toEqual([
      'visa_trust.csca_recorded',
      'visa_trust.signer_issued',
      'visa_trust.document_revoked',
      'visa_trust.signer_revoked',
    ]);
  });

  it('signs a CRL with the revocation, listing the signer, and the bundle carries it', async () => {
    const { keys, signer } = await issueParis();
    const kept = await trust.issueSigner({
      csca,
      missionId: 'fr-paris',
      publicKey: (await generateSealKeys()).publicKey,
      actor: OFFICER,
    });
    const revoked = await trust.revokeSigner(signer.serialNumber, 'keyCompromise', OFFICER, { csca });
    expect(revoked.crl).toMatchObject({ crlNumber: 1, cscaSerialNumber: 'A1B2C3D' });
    const crl = readCrl(revoked.crl?.der ?? new Uint8Array());
    expect(await crl.verify({ publicKey: csca.certificate.publicKey })).toBe(true);
    expect(crl.issuer).toBe(csca.certificate.subject);
    expect(crl.thisUpdate).toEqual(new Date('2026-12-06T09:00:00Z'));
    // Doc 9303-12: a CSCA issues a CRL at least every 90 days.
    expect(crl.nextUpdate).toEqual(new Date('2027-03-06T09:00:00Z'));
    expect(crlNumberOf(crl)).toBe(1);
    expect(crl.entries.map((entry) => [entry.serialNumber.toUpperCase(), entry.reason])).toEqual([
      [signer.serialNumber, x509.X509CrlReason.keyCompromise],
    ]);
    expect((await trust.crl())?.crlNumber).toBe(1);

    const published = await trust.bundle();
    expect(published?.bundle.crls).toHaveLength(1);
    expect(published?.bundle.crls?.[0]).toMatch(/^-----BEGIN X509 CRL-----/);
    // A border post reads the signer as revoked from the CRL alone.
    const fromCrlOnly = await loadTrustStore({ ...published?.bundle, revokedSigners: [] });
    const seal = await signVisaSeal(visaFrom(signer), keys.privateKey);
    expect(await verifySeal(seal, fromCrlOnly, { now: NOW })).toMatchObject({ reason: 'revoked_signer' });
    expect([...fromCrlOnly.revokedSerials]).toEqual([signer.serialNumber]);
    expect(fromCrlOnly.signers.size).toBe(2);
    expect(kept.revokedAt).toBeNull();

    // A fresh CRL: the next number, the same entries.
    const renewed = await trust.signCrl(csca, OFFICER);
    expect(renewed.crlNumber).toBe(2);
    expect(readCrl(renewed.der).entries).toHaveLength(1);
    expect(await auditActions()).toEqual([
      'visa_trust.csca_recorded',
      'visa_trust.signer_issued',
      'visa_trust.signer_issued',
      'visa_trust.signer_revoked',
      'visa_trust.crl_signed',
      'visa_trust.crl_signed',
    ]);
  });

  it('refuses to sign a CRL with a CSCA that did not issue the signer, or is not recorded, revoking nothing', async () => {
    const { signer } = await issueParis();
    // Another CSCA with the same serial number as the recorded one: matched by fingerprint, refused.
    const other = await makeCsca();
    expect(other.certificate.serialNumber).toBe(csca.certificate.serialNumber);
    await expect(
      trust.revokeSigner(signer.serialNumber, 'superseded', OFFICER, { csca: other }),
    ).rejects.toMatchObject({ code: 'csca_not_recorded' });
    await expect(
      trust.issueSigner({
        csca: other,
        missionId: 'fr-paris',
        publicKey: (await generateSealKeys()).publicKey,
        actor: OFFICER,
      }),
    ).rejects.toMatchObject({ code: 'csca_not_recorded' });
    // The key of another CSCA under this CSCA's certificate.
    await expect(
      trust.revokeSigner(signer.serialNumber, 'superseded', OFFICER, {
        csca: { certificate: csca.certificate, keys: other.keys },
      }),
    ).rejects.toMatchObject({ code: 'csca_invalid' });
    await expect(trust.revokeSigner('ABCDEF', 'superseded', OFFICER, { csca })).rejects.toMatchObject({
      code: 'signer_not_found',
    });
    expect((await trust.signers())[0]?.revokedAt).toBeNull();
    expect(await trust.crl()).toBeNull();
    expect((await trust.bundle())?.bundle.crls).toBeUndefined();
  });

  it('answers the same bytes and ETag while nothing changes', async () => {
    await issueParis();
    const first = await trust.bundle();
    const second = await trust.bundle();
    expect(second?.body).toBe(first?.body);
    expect(second?.etag).toBe(first?.etag);
  });
});
