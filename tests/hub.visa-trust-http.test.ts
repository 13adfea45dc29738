import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildVisaMrz,
  createCscaCertificate,
  generateSealKeys,
  loadTrustStore,
  signVisaSeal,
  TrustBundleSchema,
  verifySeal,
  x509,
} from '../common/vds/index.js';
import type { CryptoKeyPair } from '../common/vds/webcrypto.js';
import { buildHubApp } from '../hub/http/app.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { trustRoutes } from '../hub/http/trust-routes.js';
import { visaRevocationRoutes } from '../hub/http/visa-revocation-routes.js';
import { ready } from '../protocol/index.js';
import { type HubAdminApp, openHubAdminApp } from './_util/hub-admin-app.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { enrolledHub } from './_util/hub-fixtures.js';

beforeAll(ready);

const START = new Date('2026-12-06T08:00:00.000Z');

describe.each(storeBackends('hub visa trust API'))('hub visa trust API on $name', (backend) => {
  let store: TestStore;
  let admin: HubAdminApp;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = await migratedStore(backend);
    await enrolledHub(store.db, 'fr-paris');
    admin = await openHubAdminApp(store, START);
    app = await buildHubApp({ logLevel: 'silent' });
    const { visaTrust, auth } = admin.services;
    await app.register(trustRoutes, { visaTrust });
    await app.register(visaRevocationRoutes, {
      visaTrust,
      guard: (permission) => requirePermission(permission, { auth }),
    });
    await app.ready();
  });
  afterEach(async () => {
    await app?.close();
    await admin?.close();
    await store?.dispose();
  });

  let cscaKeys: CryptoKeyPair;
  const issueParis = async () => {
    const keys = await generateSealKeys();
    cscaKeys = keys;
    const certificate = await createCscaCertificate({
      keys,
      serialNumber: '1c5ca0',
      name: 'C=CF, CN=CSCA CAF test',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2037-01-01T00:00:00Z'),
    });
    const { visaTrust } = admin.services;
    await visaTrust.recordCsca(certificate.toString('pem'), 'officer:test');
    const signer = await visaTrust.issueSigner({
      csca: { keys, certificate },
      missionId: 'fr-paris',
      publicKey: (await generateSealKeys()).publicKey,
      actor: 'officer:test',
    });
    return { certificate, signer };
  };
  const revoke = (number: string, token?: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/visas/${number}/revoke`,
      payload: { reason: 'visa obtenu par fraude' },
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });

  it('answers 404 in the error shape while no CSCA is recorded', async () => {
    const response = await app.inject({ url: '/api/v1/trust/bundle' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await app.inject({ url: '/api/v1/trust/csca.pem' })).statusCode).toBe(404);
  });

  it('serves the CSCA, the signer certificates and the bundle without login', async () => {
    const { certificate, signer } = await issueParis();
    const csca = await app.inject({ url: '/api/v1/trust/csca.pem' });
    expect(csca.statusCode).toBe(200);
    expect(csca.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(csca.body.trim()).toBe(certificate.toString('pem').trim());
    const signers = await app.inject({ url: '/api/v1/trust/signers.pem' });
    expect(signers.statusCode).toBe(200);
    expect(signers.body.trim()).toBe(signer.certificatePem.trim());

    const bundle = await app.inject({ url: '/api/v1/trust/bundle' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^application\/json/);
    // Strong: the hash of the very bytes sent.
    expect(bundle.headers.etag).toBe(
      `"${createHash('sha256').update(bundle.rawPayload).digest('base64url')}"`,
    );
    expect(bundle.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    expect(bundle.headers['last-modified']).toBe(START.toUTCString());
    const parsed = TrustBundleSchema.parse(bundle.json());
    expect(parsed.signerCertificates).toEqual([signer.certificatePem.trim()]);
  });

  it('answers 304 with no body to a border post whose bundle is current, 200 once it changed', async () => {
    await issueParis();
    const first = await app.inject({ url: '/api/v1/trust/bundle' });
    const etag = String(first.headers.etag);
    const again = await app.inject({ url: '/api/v1/trust/bundle', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const director = await admin.user('directrice', ['directorate']);
    expect((await revoke('CF2600001', await admin.token(director))).statusCode).toBe(200);
    const changed = await app.inject({ url: '/api/v1/trust/bundle', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('refuses a visa revocation without login (401) and without visas.revoke (403)', async () => {
    await issueParis();
    const anonymous = await revoke('CF2600001');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const auditor = await admin.user('auditrice', ['auditor']);
    const forbidden = await revoke('CF2600001', await admin.token(auditor));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });
    const bundle = (await app.inject({ url: '/api/v1/trust/bundle' })).json();
    expect(bundle.revokedDocuments).toEqual([]);
  });

  it('revokes a visa for the directorate, audited, and the bundle lists it', async () => {
    await issueParis();
    const director = await admin.user('directrice', ['directorate']);
    const token = await admin.token(director);
    const response = await revoke('CF2600001', token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      documentType: 'visa',
      documentNumber: 'CF2600001',
      revokedAt: admin.now().toISOString(),
      revokedBy: 'officer:directrice',
      reason: 'visa obtenu par fraude',
      alreadyRevoked: false,
    });
    expect((await revoke('CF2600001', token)).json()).toMatchObject({ alreadyRevoked: true });
    expect((await revoke('cf-bad', token)).statusCode).toBe(400);
    const bundle = (await app.inject({ url: '/api/v1/trust/bundle' })).json();
    expect(bundle.revokedDocuments).toEqual([
      { documentType: 'visa', documentNumber: 'CF2600001', revokedAt: admin.now().toISOString() },
    ]);
    const audit = await store.db.query<{ actor: string; entity_id: string }>(
      "SELECT actor, entity_id FROM hub_audit_log WHERE action = 'visa_trust.document_revoked'",
    );
    expect(audit).toEqual([{ actor: 'officer:directrice', entity_id: 'CF2600001' }]);
  });

  it('reaches a border post: a visa the ministry revoked is refused by the bundle it then fetches', async () => {
    const { certificate } = await issueParis();
    const signerKeys = await generateSealKeys();
    const signer = await admin.services.visaTrust.issueSigner({
      csca: { keys: cscaKeys, certificate },
      missionId: 'fr-paris',
      publicKey: signerKeys.publicKey,
      actor: 'officer:test',
    });
    const seal = await signVisaSeal(
      {
        header: {
          signerIdentifier: signer.signerIdentifier,
          certificateReference: signer.serialNumber,
          documentIssueDate: '2026-12-01',
          signatureCreationDate: '2026-12-01',
        },
        mrz: buildVisaMrz({
          surname: 'Ndiaye',
          givenNames: 'Awa',
          documentNumber: 'CF2600007',
          nationality: 'SEN',
          birthDate: '1988-07-14',
          sex: 'F',
          expiryDate: '2027-03-01',
        }),
        numberOfEntries: 1,
        durationOfStay: { days: 30, months: 0, years: 0 },
        passportNumber: 'A01234567',
      },
      signerKeys.privateKey,
    );
    const fetchTrust = async () => loadTrustStore((await app.inject({ url: '/api/v1/trust/bundle' })).json());
    expect((await verifySeal(seal, await fetchTrust(), { now: START })).valid).toBe(true);
    const director = await admin.user('directrice', ['directorate']);
    expect((await revoke('CF2600007', await admin.token(director))).statusCode).toBe(200);
    expect(await verifySeal(seal, await fetchTrust(), { now: START })).toMatchObject({
      valid: false,
      reason: 'revoked_document',
      detail: 'CF2600007',
    });
  });

  it('serves the CSCA’s CRL as DER (application/pkix-crl) once one is signed, 404 before', async () => {
    const { certificate } = await issueParis();
    const none = await app.inject({ url: '/api/v1/trust/crl' });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: { code: 'not_found' } });
    const signer = (await admin.services.visaTrust.signers())[0];
    await admin.services.visaTrust.revokeSigner(signer?.serialNumber ?? '', 'keyCompromise', 'officer:test', {
      csca: { keys: cscaKeys, certificate },
    });
    const response = await app.inject({ url: '/api/v1/trust/crl' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pkix-crl');
    const crl = new x509.X509Crl(new Uint8Array(response.rawPayload));
    expect(await crl.verify({ publicKey: certificate.publicKey })).toBe(true);
    expect(crl.entries.map((entry) => entry.serialNumber.toUpperCase())).toEqual([signer?.serialNumber]);
    const bundle = TrustBundleSchema.parse((await app.inject({ url: '/api/v1/trust/bundle' })).json());
    expect(bundle.crls).toHaveLength(1);
  });
});
