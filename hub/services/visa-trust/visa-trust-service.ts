import { randomBytes } from 'node:crypto';
import { certificateFingerprint, isSamePublicKey } from '../../../common/vds/key-files.js';
import { type Csca, issueSignerCertificate } from '../../../common/vds/pki.js';
import type { CryptoKey } from '../../../common/vds/webcrypto.js';
import { ECDSA_P256, normaliseSerial, signerIdentifierOf, x509 } from '../../../common/vds/x509.js';
import type { Database, Queryable } from '../../db/database.js';
import { appendAudit } from '../audit/audit-log.js';
import { checkCscaInForce, signCrl } from './crl-signing.js';
import { defaultSignerIdentifier, isSignerIdentifier } from './signer-identifier.js';
import { buildTrustBundle, concatenatePem, type PublishedBundle } from './trust-bundle.js';
import { addDays, CSCA_KEY_USAGE_DAYS, SIGNER_CERTIFICATE_DAYS } from './validity.js';
import { VisaTrustError } from './visa-trust-errors.js';
import {
  allSigners,
  type CrlRow,
  crlsInForce,
  cscaOfSigner,
  cscasInForce,
  identifierOfMission,
  insertCsca,
  insertIdentifier,
  insertRevokedDocument,
  insertSigner,
  isEnrolledMission,
  markSignerRevoked,
  missionOfIdentifier,
  type RevokedDocumentRow,
  type SignerRow,
  signerBySerial,
} from './visa-trust-store.js';

/** RFC 5280 §5.3.1 reasons a ministry gives for revoking a signer certificate. */
export const SIGNER_REVOCATION_REASONS = [
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;
export type SignerRevocationReason = (typeof SIGNER_REVOCATION_REASONS)[number];

/** What a signer certificate is issued from. */
export interface IssueSignerInput {
  /** The CSCA, its private key read from the offline file for this one operation. */
  readonly csca: Csca;
  readonly missionId: string;
  /** The mission's P-256 public key, from its request (node visa-signer request). */
  readonly publicKey: CryptoKey;
  /** `CF` + 2 characters; by default the mission's identifier, or one derived from its id. */
  readonly signerIdentifier?: string;
  readonly actor: string;
}

/** The seal trust's use cases: what the CLI and the HTTP layer call. */
export interface VisaTrustService {
  recordCsca(certificatePem: string, actor: string): Promise<{ serialNumber: string; fingerprint: string }>;
  issueSigner(input: IssueSignerInput): Promise<SignerRow>;
  /**
   * Revokes a signer certificate; with the CSCA (its key file read for this one operation), signs
   * the CSCA's next CRL in the same transaction, listing it.
   */
  revokeSigner(
    serialNumber: string,
    reason: SignerRevocationReason,
    actor: string,
    options?: { csca?: Csca },
  ): Promise<SignerRow & { crl: CrlRow | null }>;
  /** Signs the CSCA's next CRL (a fresh thisUpdate and nextUpdate) over the revocations held. */
  signCrl(csca: Csca, actor: string): Promise<CrlRow>;
  /** The newest CRL of the CSCA most recently heard from, or null before any was signed. */
  crl(): Promise<CrlRow | null>;
  revokeDocument(
    document: Pick<RevokedDocumentRow, 'documentType' | 'documentNumber' | 'reason'>,
    actor: string,
  ): Promise<{ revocation: RevokedDocumentRow; alreadyRevoked: boolean }>;
  signers(): Promise<SignerRow[]>;
  bundle(): Promise<PublishedBundle | null>;
  /** The CSCA certificates in force as one PEM file (empty when none). */
  cscaPem(): Promise<string>;
  /** Every signer certificate issued as one PEM file. */
  signersPem(): Promise<string>;
}

/** Builds the seal trust's service over the hub's store and clock. */
export function createVisaTrustService(deps: { db: Database; now: () => Date }): VisaTrustService {
  const { db, now } = deps;
  return {
    recordCsca: (pem, actor) => db.transaction((tx) => recordCsca(tx, pem, actor, now())),
    issueSigner: (input) => db.transaction((tx) => issueSigner(tx, input, now())),
    revokeSigner: (serial, reason, actor, options = {}) =>
      db.transaction(async (tx) => {
        const at = now();
        const serialNumber = normaliseSerial(serial);
        if (options.csca) await checkIssuer(tx, options.csca, serialNumber);
        const revoked = await revokeSigner(tx, serialNumber, reason, actor, at);
        const crl = options.csca ? await signCrl(tx, options.csca, actor, at) : null;
        return { ...revoked, crl };
      }),
    signCrl: (csca, actor) => db.transaction((tx) => signCrl(tx, csca, actor, now())),
    crl: async () => (await crlsInForce(db))[0] ?? null,
    revokeDocument: (document, actor) =>
      db.transaction(async (tx) => {
        const at = now();
        const { row, inserted } = await insertRevokedDocument(tx, {
          ...document,
          revokedAt: at,
          revokedBy: actor,
        });
        if (inserted) {
          await appendAudit(tx, {
            at,
            actor,
            action: 'visa_trust.document_revoked',
            entity: document.documentType,
            entityId: document.documentNumber,
            before: null,
            after: { reason: document.reason },
          });
        }
        return { revocation: row, alreadyRevoked: !inserted };
      }),
    signers: () => allSigners(db),
    bundle: () => buildTrustBundle(db),
    cscaPem: async () => concatenatePem((await cscasInForce(db)).map((csca) => csca.certificatePem)),
    signersPem: async () => concatenatePem((await allSigners(db)).map((signer) => signer.certificatePem)),
  };
}

async function recordCsca(tx: Queryable, pem: string, actor: string, at: Date) {
  const certificate = readCscaCertificate(pem);
  if (!(await certificate.verify({ signatureOnly: true })))
    throw new VisaTrustError('csca_invalid', 'the CSCA certificate is not self-signed');
  const serialNumber = normaliseSerial(certificate.serialNumber);
  const fingerprint = await certificateFingerprint(certificate);
  const recorded = await insertCsca(tx, {
    serialNumber,
    certificatePem: certificate.toString('pem'),
    fingerprint: fingerprint.replace(/ /g, ''),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    recordedAt: at,
    recordedBy: actor,
  });
  if (recorded) {
    await appendAudit(tx, {
      at,
      actor,
      action: 'visa_trust.csca_recorded',
      entity: 'visa_csca',
      entityId: serialNumber,
      before: null,
      after: { subject: certificate.subject, fingerprint, notAfter: certificate.notAfter.toISOString() },
    });
  }
  return { serialNumber, fingerprint };
}

function readCscaCertificate(pem: string): x509.X509Certificate {
  try {
    const certificate = new x509.X509Certificate(pem);
    if (certificate.subject !== certificate.issuer) throw new TypeError('not self-issued');
    return certificate;
  } catch (error) {
    throw new VisaTrustError('csca_invalid', 'not a self-signed CSCA certificate in PEM', { cause: error });
  }
}

async function issueSigner(tx: Queryable, input: IssueSignerInput, at: Date): Promise<SignerRow> {
  const { csca, missionId } = input;
  const certified = (await csca.certificate.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey;
  if (!(await isSamePublicKey(csca.keys.publicKey, certified)))
    throw new VisaTrustError('csca_invalid', 'the CSCA key file and certificate do not belong together');
  // Doc 9303-12: past its key usage period a CSCA issues nothing more; a new CSCA takes over.
  const usageEnds = addDays(csca.certificate.notBefore, CSCA_KEY_USAGE_DAYS);
  if (at > usageEnds)
    throw new VisaTrustError(
      'csca_invalid',
      `the CSCA’s key usage period ended on ${usageEnds.toISOString().slice(0, 10)}`,
    );
  // The recorded CSCA by fingerprint: another CSCA may carry the same serial number.
  const cscaSerial = await checkCscaInForce(tx, csca);
  if (!(await isEnrolledMission(tx, missionId)))
    throw new VisaTrustError('mission_not_found', `no enrolled mission ${missionId}`);
  const signerIdentifier = await identifierFor(tx, missionId, input.signerIdentifier);
  const notAfter = addDays(at, SIGNER_CERTIFICATE_DAYS);
  const certificate = await issueSignerCertificate({
    csca,
    signerIdentifier,
    serialNumber: newSerialNumber(),
    publicKey: input.publicKey,
    notBefore: at,
    notAfter: new Date(Math.min(notAfter.getTime(), csca.certificate.notAfter.getTime())),
  });
  if (signerIdentifierOf(certificate) !== signerIdentifier)
    throw new TypeError(`issued certificate does not name ${signerIdentifier}`);
  const row = {
    serialNumber: normaliseSerial(certificate.serialNumber),
    missionId,
    certificatePem: certificate.toString('pem'),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuedAt: at,
  };
  await insertSigner(tx, { ...row, cscaSerialNumber: cscaSerial, issuedBy: input.actor });
  await appendAudit(tx, {
    at,
    actor: input.actor,
    action: 'visa_trust.signer_issued',
    entity: 'visa_signer',
    entityId: row.serialNumber,
    before: null,
    after: { missionId, signerIdentifier, notAfter: row.notAfter.toISOString() },
  });
  return { ...row, signerIdentifier, revokedAt: null, revocationReason: null };
}

/** The mission's identifier: the one it holds, else the one asked for or derived, if free. */
async function identifierFor(tx: Queryable, missionId: string, asked?: string): Promise<string> {
  const held = await identifierOfMission(tx, missionId);
  if (held) {
    if (asked && asked !== held)
      throw new VisaTrustError('signer_identifier_taken', `${missionId} signs as ${held}, not ${asked}`);
    return held;
  }
  const identifier = asked ?? defaultSignerIdentifier(missionId);
  if (!identifier || !isSignerIdentifier(identifier))
    throw new VisaTrustError(
      'signer_identifier_taken',
      `give the signer identifier: CF and 2 letters or digits`,
    );
  const holder = await missionOfIdentifier(tx, identifier);
  if (holder)
    throw new VisaTrustError(
      'signer_identifier_taken',
      `${identifier} is ${holder}’s signer identifier: give ${missionId} another (CF + 2 characters)`,
    );
  await insertIdentifier(tx, missionId, identifier);
  return identifier;
}

async function revokeSigner(
  tx: Queryable,
  serialNumber: string,
  reason: SignerRevocationReason,
  actor: string,
  at: Date,
): Promise<SignerRow> {
  const signer = await signerBySerial(tx, serialNumber);
  if (!signer) throw new VisaTrustError('signer_not_found', `no signer certificate ${serialNumber}`);
  if (signer.revokedAt) return signer;
  await markSignerRevoked(tx, serialNumber, { at, by: actor, reason });
  await appendAudit(tx, {
    at,
    actor,
    action: 'visa_trust.signer_revoked',
    entity: 'visa_signer',
    entityId: serialNumber,
    before: { revokedAt: null },
    after: { revokedAt: at.toISOString(), reason },
  });
  return { ...signer, revokedAt: at, revocationReason: reason };
}

/** The CSCA given is the one that issued the signer certificate: its CRL is the one to list it. */
async function checkIssuer(tx: Queryable, csca: Csca, serialNumber: string): Promise<void> {
  const cscaSerial = await checkCscaInForce(tx, csca);
  const issuer = await cscaOfSigner(tx, serialNumber);
  if (!issuer) throw new VisaTrustError('signer_not_found', `no signer certificate ${serialNumber}`);
  if (issuer !== cscaSerial)
    throw new VisaTrustError(
      'csca_invalid',
      `the signer certificate ${serialNumber} was issued by the CSCA ${issuer}, not ${cscaSerial}`,
    );
}

/** 64 random bits, positive and without a leading zero byte (RFC 5280 §4.1.2.2). */
function newSerialNumber(): string {
  const bytes = randomBytes(8);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70);
  return bytes.toString('hex').toUpperCase();
}
