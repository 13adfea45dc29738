import { certificateFingerprint, isSamePublicKey } from '../../../common/vds/key-files.js';
import { type CrlReason, type Csca, signRevocationList } from '../../../common/vds/pki.js';
import type { CryptoKey } from '../../../common/vds/webcrypto.js';
import { ECDSA_P256, normaliseSerial } from '../../../common/vds/x509.js';
import type { Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { addDays } from './validity.js';
import { VisaTrustError } from './visa-trust-errors.js';
import { type CrlRow, cscasInForce, insertCrl, nextCrlNumber, revokedSignersOf } from './visa-trust-store.js';

/**
 * How long a CRL is current: Doc 9303-12 §7.1.4 has a CSCA issue a CRL at least every 90 days, so
 * `nextUpdate` is 90 days on. A border post holding a CRL past it still checks seals with it.
 */
export const CRL_VALIDITY_DAYS = 90;

const REASONS = new Set<string>([
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
]);

/**
 * The CSCA's key file and certificate belong together and the certificate is recorded at the hub
 * in force: what signing anything in the CSCA's name asks first. Its serial number.
 */
export async function checkCscaInForce(tx: Queryable, csca: Csca): Promise<string> {
  const certified = (await csca.certificate.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey;
  if (!(await isSamePublicKey(csca.keys.publicKey, certified)))
    throw new VisaTrustError('csca_invalid', 'the CSCA key file and certificate do not belong together');
  const serial = normaliseSerial(csca.certificate.serialNumber);
  // By fingerprint, not serial: another CSCA may carry the same serial number.
  const fingerprint = (await certificateFingerprint(csca.certificate)).replace(/ /g, '');
  const recorded = (await cscasInForce(tx)).find((row) => row.serialNumber === serial);
  if (recorded?.fingerprint !== fingerprint)
    throw new VisaTrustError(
      'csca_not_recorded',
      `the CSCA ${serial} given is not the one recorded at the hub`,
    );
  return serial;
}

/**
 * Signs the CSCA's next CRL over every signer certificate it issued and the hub holds revoked,
 * keeps it (the hub serves it; it never holds the key) and audits it. Call it inside the
 * transaction of the revocation it follows, so the CRL and the revocation commit together.
 */
export async function signCrl(tx: Queryable, csca: Csca, actor: string, at: Date): Promise<CrlRow> {
  const cscaSerialNumber = await checkCscaInForce(tx, csca);
  const revoked = await revokedSignersOf(tx, cscaSerialNumber);
  const crlNumber = await nextCrlNumber(tx, cscaSerialNumber);
  const nextUpdate = addDays(at, CRL_VALIDITY_DAYS);
  const crl = await signRevocationList({
    csca,
    crlNumber,
    thisUpdate: at,
    nextUpdate,
    revoked: revoked.map((signer) => ({
      serialNumber: signer.serialNumber,
      revokedAt: new Date(signer.revokedAt ?? at),
      ...(signer.revocationReason && REASONS.has(signer.revocationReason)
        ? { reason: signer.revocationReason as CrlReason }
        : {}),
    })),
  });
  // What the generator wrote, read back: the stored dates are the CRL's own (UTCTime, whole seconds).
  const row: CrlRow = {
    cscaSerialNumber,
    crlNumber,
    der: new Uint8Array(crl.rawData),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate ?? nextUpdate,
  };
  await insertCrl(tx, { ...row, signedBy: actor });
  await appendAudit(tx, {
    at,
    actor,
    action: 'visa_trust.crl_signed',
    entity: 'visa_crl',
    entityId: `${cscaSerialNumber}/${crlNumber}`,
    before: null,
    after: {
      revokedSerials: revoked.map((signer) => signer.serialNumber),
      nextUpdate: row.nextUpdate.toISOString(),
      cscaFingerprint: await certificateFingerprint(csca.certificate),
    },
  });
  return row;
}
