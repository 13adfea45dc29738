import { beforeAll, describe, expect, it } from 'vitest';
import { crlToPem } from '../common/vds/crl.js';
import {
  buildEtdMrz,
  buildVisaMrz,
  createCscaCertificate,
  decodeSeal,
  generateSealKeys,
  hasValidSignature,
  issueSignerCertificate,
  loadTrustStore,
  signEtdSeal,
  signVisaSeal,
  type TrustBundle,
  type TrustStore,
  VdsInputError,
  type VerifyResult,
  verifySeal,
} from '../common/vds/index.js';
import { signRevocationList } from '../common/vds/pki.js';
import type { CryptoKeyPair } from '../common/vds/webcrypto.js';

// A CSCA for CAF and the barcode signer of fr-paris (CFPA, serial 1A2B), made at run time.
const NOW = new Date('2026-11-10T09:00:00Z');
const header = {
  signerIdentifier: 'CFPA',
  certificateReference: '1A2B',
  documentIssueDate: '2026-11-02',
  signatureCreationDate: '2026-11-02',
};
const visaMrz = buildVisaMrz({
  surname: 'Ndiaye',
  givenNames: 'Awa Marie',
  documentNumber: 'CF2600001',
  nationality: 'SEN',
  birthDate: '1988-07-14',
  sex: 'F',
  expiryDate: '2027-02-01',
});
const visa = {
  header,
  mrz: visaMrz,
  numberOfEntries: 1,
  durationOfStay: { days: 30, months: 0, years: 0 },
  passportNumber: 'A01234567',
};

let signerKeys: CryptoKeyPair;
let caf: Awaited<ReturnType<typeof makeCsca>>;
let bundle: TrustBundle;
let trust: TrustStore;
let visaSeal: Uint8Array;

async function makeCsca(name: string) {
  const keys = await generateSealKeys();
  const certificate = await createCscaCertificate({
    keys,
    serialNumber: '01',
    name,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'),
  });
  return { keys, certificate };
}

async function signer(csca: Awaited<ReturnType<typeof makeCsca>>, serialNumber: string, keys: CryptoKeyPair) {
  return issueSignerCertificate({
    csca,
    signerIdentifier: 'CFPA',
    serialNumber,
    publicKey: keys.publicKey,
    notBefore: new Date('2026-10-01T00:00:00Z'),
    notAfter: new Date('2028-01-01T00:00:00Z'),
  });
}

beforeAll(async () => {
  const csca = await makeCsca('C=CF, O=Ministere des Affaires etrangeres, CN=CSCA CAF');
  caf = csca;
  signerKeys = await generateSealKeys();
  const certificate = await signer(csca, '1A2B', signerKeys);
  bundle = {
    format: 'econsulat-vds-trust/1',
    issuedAt: '2026-11-09T00:00:00Z',
    cscaCertificates: [csca.certificate.toString('pem')],
    signerCertificates: [certificate.toString('pem')],
    revokedSigners: [],
    revokedDocuments: [],
  };
  trust = await loadTrustStore(bundle);
  visaSeal = await signVisaSeal(visa, signerKeys.privateKey);
});

const refusal = (result: VerifyResult) => (result.valid ? 'valid' : result.reason);

describe('verifying a seal offline', () => {
  it('accepts a visa and a laissez-passer signed by a signer the CSCA issued', async () => {
    const result = await verifySeal(visaSeal, trust, { now: NOW });
    expect(result.valid).toBe(true);
    expect(result.valid && result.seal.content.kind).toBe('visa');
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
    expect(refusal(await verifySeal(etd, trust, { now: NOW }))).toBe('valid');
  });

  it('refuses bytes that are not a seal as malformed', async () => {
    const result = await verifySeal(Uint8Array.of(0xdc, 0x03, 0x66), trust, { now: NOW });
    expect(result).toEqual({ valid: false, reason: 'malformed', detail: 'truncated' });
  });

  it('refuses a seal whose content was changed as altered', async () => {
    const changed = visaSeal.slice();
    const durationAt = changed.indexOf(0x1e, 20); // the 30 days of the duration of stay
    changed[durationAt] = 0x5a;
    expect(refusal(await verifySeal(changed, trust, { now: NOW }))).toBe('altered');
  });

  it('refuses a seal naming a signer the bundle does not hold as unknown_signer', async () => {
    const seal = await signVisaSeal(
      { ...visa, header: { ...header, certificateReference: '1A2C' } },
      signerKeys.privateKey,
    );
    expect(refusal(await verifySeal(seal, trust, { now: NOW }))).toBe('unknown_signer');
  });

  it('leaves out a signer certificate another CSCA issued: its seals are unknown_signer', async () => {
    const rogue = await makeCsca('C=CF, O=Ministere des Affaires etrangeres, CN=CSCA CAF');
    const keys = await generateSealKeys();
    const forged = await signer(rogue, '1A2B', keys);
    const store = await loadTrustStore({ ...bundle, signerCertificates: [forged.toString('pem')] });
    expect(store.signers.size).toBe(0);
    const seal = await signVisaSeal(visa, keys.privateKey);
    expect(refusal(await verifySeal(seal, store, { now: NOW }))).toBe('unknown_signer');
  });

  it('refuses a seal of a revoked signer as revoked_signer', async () => {
    const store = await loadTrustStore({
      ...bundle,
      revokedSigners: [{ serialNumber: '1a2b', revokedAt: '2026-11-08T12:00:00Z' }],
    });
    expect(refusal(await verifySeal(visaSeal, store, { now: NOW }))).toBe('revoked_signer');
  });

  it('refuses a revoked visa as revoked_document', async () => {
    const store = await loadTrustStore({
      ...bundle,
      revokedDocuments: [
        { documentType: 'visa', documentNumber: 'CF2600001', revokedAt: '2026-11-08T12:00:00Z' },
      ],
    });
    expect(refusal(await verifySeal(visaSeal, store, { now: NOW }))).toBe('revoked_document');
    const other = await loadTrustStore({
      ...bundle,
      revokedDocuments: [
        {
          documentType: 'emergency_travel_document',
          documentNumber: 'CF2600001',
          revokedAt: '2026-11-08T12:00:00Z',
        },
      ],
    });
    expect(refusal(await verifySeal(visaSeal, other, { now: NOW }))).toBe('valid');
  });

  it('refuses a visa past its expiry date as expired', async () => {
    expect(refusal(await verifySeal(visaSeal, trust, { now: new Date('2027-02-01T23:59:00Z') }))).toBe(
      'valid',
    );
    expect(refusal(await verifySeal(visaSeal, trust, { now: new Date('2027-02-02T00:00:00Z') }))).toBe(
      'expired',
    );
  });

  it('refuses a seal before its issue date as not_yet_valid', async () => {
    expect(refusal(await verifySeal(visaSeal, trust, { now: new Date('2026-11-01T23:00:00Z') }))).toBe(
      'not_yet_valid',
    );
  });

  it('refuses a seal signed on a date still to come as not_yet_valid', async () => {
    const seal = await signVisaSeal(
      { ...visa, header: { ...header, signatureCreationDate: '2026-11-11' } },
      signerKeys.privateKey,
    );
    expect(refusal(await verifySeal(seal, trust, { now: NOW }))).toBe('not_yet_valid');
  });

  it('judges the signer certificate’s dates too', async () => {
    const csca = await makeCsca('C=CF, CN=CSCA CAF');
    const keys = await generateSealKeys();
    const shortLived = await issueSignerCertificate({
      csca,
      signerIdentifier: 'CFPA',
      serialNumber: '1A2B',
      publicKey: keys.publicKey,
      notBefore: new Date('2026-11-05T00:00:00Z'),
      notAfter: new Date('2026-12-01T00:00:00Z'),
    });
    const store = await loadTrustStore({
      ...bundle,
      cscaCertificates: [csca.certificate.toString('pem')],
      signerCertificates: [shortLived.toString('pem')],
    });
    const seal = await signVisaSeal(visa, keys.privateKey);
    expect(refusal(await verifySeal(seal, store, { now: new Date('2026-11-04T12:00:00Z') }))).toBe(
      'not_yet_valid',
    );
    expect(refusal(await verifySeal(seal, store, { now: NOW }))).toBe('valid');
    expect(refusal(await verifySeal(seal, store, { now: new Date('2026-12-01T00:00:01Z') }))).toBe('expired');
  });

  it('checks a signature against a signer certificate alone', async () => {
    const seal = decodeSeal(visaSeal);
    const [signerCertificate] = [...trust.signers.values()];
    expect(await hasValidSignature(seal, signerCertificate!.certificate)).toBe(true);
    const other = await generateSealKeys();
    expect(await hasValidSignature(seal, other.publicKey)).toBe(false);
  });

  it('refuses a published seal with a brainpool signature as malformed, not as altered', async () => {
    // tsenger/vdstools VdsRawBytesCommon.kt `visa_224bitSig`: a 56-byte signature, not P-256.
    const sample = Uint8Array.from(
      'DC03D9C56D32C8A72CB10F71347D00175D01022CDD52134A74DA1347C6FED95CB89F9FCE133C133C133C133C203833734AAF47F0C32F1A1E20EB2625393AFE310403A00000050633BE1FED20C6FF389FD029C66FB2E4BF361CDBFFD8F5931B6259F645B077702C617F453D0B898A55E6E7870974FFE7B3AC416ACDE6B03B3C3A8CB5A22B456816'
        .match(/../g)!
        .map((byte) => Number.parseInt(byte, 16)),
    );
    expect(await verifySeal(sample, trust, { now: NOW })).toEqual({
      valid: false,
      reason: 'malformed',
      detail: 'signature_size',
    });
  });

  it('refuses every one-byte change of a seal, as malformed or altered', async () => {
    const signerReference = { from: 4, to: 12 }; // CFPA041A2B: a change there names another signer
    for (let at = 0; at < visaSeal.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const changed = visaSeal.slice();
        changed[at] = changed[at]! ^ flip;
        const reason = refusal(await verifySeal(changed, trust, { now: NOW }));
        const allowed =
          at >= signerReference.from && at < signerReference.to
            ? ['malformed', 'altered', 'unknown_signer']
            : ['malformed', 'altered'];
        expect(allowed, `byte ${at} ^ ${flip}`).toContain(reason);
      }
    }
  });
});

/** A CRL of `csca` listing `serials`, as PEM. */
async function crlOf(csca: Awaited<ReturnType<typeof makeCsca>>, serials: string[], crlNumber = 1) {
  const crl = await signRevocationList({
    csca,
    crlNumber,
    thisUpdate: new Date('2026-11-08T12:00:00Z'),
    nextUpdate: new Date('2027-02-06T12:00:00Z'),
    revoked: serials.map((serialNumber) => ({
      serialNumber,
      revokedAt: new Date('2026-11-08T12:00:00Z'),
      reason: 'keyCompromise' as const,
    })),
  });
  return crlToPem(crl);
}

describe('the CSCA’s CRL in the trust bundle', () => {
  it('refuses a seal of a signer the CRL lists as revoked_signer, the bundle’s own list empty', async () => {
    const store = await loadTrustStore({ ...bundle, crls: [await crlOf(caf, ['1A2B'])] });
    expect(store.revocationLists).toEqual([
      {
        issuer: caf.certificate.subject,
        thisUpdate: new Date('2026-11-08T12:00:00Z'),
        nextUpdate: new Date('2027-02-06T12:00:00Z'),
        revokedSerials: ['1A2B'],
      },
    ]);
    expect(refusal(await verifySeal(visaSeal, store, { now: NOW }))).toBe('revoked_signer');
  });

  it('accepts a seal whose signer the CRL does not list', async () => {
    const store = await loadTrustStore({ ...bundle, crls: [await crlOf(caf, ['77EE'])] });
    expect(refusal(await verifySeal(visaSeal, store, { now: NOW }))).toBe('valid');
    const empty = await loadTrustStore({ ...bundle, crls: [await crlOf(caf, [])] });
    expect(refusal(await verifySeal(visaSeal, empty, { now: NOW }))).toBe('valid');
  });

  it('refuses a bundle whose CRL another key signed under the CSCA’s name', async () => {
    const rogue = await makeCsca('C=CF, O=Ministere des Affaires etrangeres, CN=CSCA CAF');
    // A forger's CRL that would revoke nothing: a bundle that accepted it could also drop revocations.
    await expect(loadTrustStore({ ...bundle, crls: [await crlOf(rogue, [])] })).rejects.toMatchObject({
      code: 'vds_invalid_input',
      message: `the CRL of ${caf.certificate.subject} is not signed by a CSCA of the trust bundle`,
    });
  });

  it('refuses a bundle whose CRL was altered after signing, or is not a CRL', async () => {
    const pem = await crlOf(caf, ['1A2B']);
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // The last byte of the serial number 1A2B: the CRL then revokes another certificate.
    const at = der.indexOf(Buffer.from([0x02, 0x02, 0x1a, 0x2b])) + 3;
    expect(at).toBeGreaterThan(3);
    der[at] = 0x2c;
    const altered = `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----`;
    await expect(loadTrustStore({ ...bundle, crls: [altered] })).rejects.toThrow(/not signed by a CSCA/);
    await expect(
      loadTrustStore({ ...bundle, crls: ['-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----'] }),
    ).rejects.toThrow(/cannot be read/);
  });
});

describe('the trust bundle', () => {
  it('refuses a bundle of the wrong shape with a coded error', async () => {
    await expect(loadTrustStore({ ...bundle, cscaCertificates: [] })).rejects.toThrow(VdsInputError);
    await expect(loadTrustStore({ ...bundle, format: 'other' })).rejects.toMatchObject({
      code: 'vds_invalid_input',
    });
  });

  it('refuses a CSCA certificate that is not self-signed', async () => {
    await expect(loadTrustStore({ ...bundle, cscaCertificates: bundle.signerCertificates })).rejects.toThrow(
      /not self-signed/,
    );
  });
});
