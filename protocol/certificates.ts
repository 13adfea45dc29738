import { z } from 'zod';
import {
  type Identity,
  type PublicIdentity,
  publicIdentityFromJson,
  publicIdentityJsonSchema,
  publicIdentityToJson,
} from './keys.js';
import { instantSchema } from './messages/field-schemas.js';
import { missionIdSchema } from './parties.js';
import { type Signed, signDocument, verifyDocument } from './signed-document.js';

const REQUEST_CONTEXT = 'econsulat/v1/enrolment-request';
const CERTIFICATE_CONTEXT = 'econsulat/v1/certificate';
const REVOCATIONS_CONTEXT = 'econsulat/v1/revocation-list';
const signatureSchema = z.string().regex(/^[A-Za-z0-9_-]{86}$/);

/** A mission's request to be enrolled: its public keys, self-signed to prove it holds the secret halves. */
export const enrolmentRequestSchema = z.strictObject({
  format: z.literal('econsulat-enrolment-request/v1'),
  subject: publicIdentityJsonSchema.extend({ partyId: missionIdSchema }),
  missionName: z.string().min(1).max(200),
  createdAt: instantSchema,
  signature: signatureSchema,
});
export type EnrolmentRequest = z.infer<typeof enrolmentRequestSchema>;

/** The hub's certificate for a mission: its keys and the period they are valid for. */
export const certificateSchema = z.strictObject({
  format: z.literal('econsulat-certificate/v1'),
  serial: z.int().min(1),
  subject: publicIdentityJsonSchema.extend({ partyId: missionIdSchema }),
  missionName: z.string().min(1).max(200),
  issuerKeyId: z.string().regex(/^[0-9a-f]{32}$/),
  notBefore: instantSchema,
  notAfter: instantSchema,
  issuedAt: instantSchema,
  signature: signatureSchema,
});
export type Certificate = z.infer<typeof certificateSchema>;

/** Why a key was revoked. `compromised` refuses every message; the others only those signed after. */
export const revocationReasonSchema = z.enum(['compromised', 'superseded', 'retired']);

/** The hub's signed list of revoked keys; a newer serial replaces an older list entirely. */
export const revocationListSchema = z.strictObject({
  format: z.literal('econsulat-revocations/v1'),
  serial: z.int().min(0),
  issuerKeyId: z.string().regex(/^[0-9a-f]{32}$/),
  issuedAt: instantSchema,
  entries: z.array(
    z.strictObject({
      partyId: missionIdSchema,
      keyId: z.string().regex(/^[0-9a-f]{32}$/),
      revokedAt: instantSchema,
      reason: revocationReasonSchema,
      /**
       * For a key superseded by a rotation: the last sequence it sealed on its mission → hub channel
       * (the rotation's own). Later sequences are refused; earlier ones, a backlog, still delivered.
       */
      lastSeq: z.int().min(0).optional(),
    }),
  ),
  signature: signatureSchema,
});
export type RevocationList = z.infer<typeof revocationListSchema>;
export type RevocationEntry = RevocationList['entries'][number];

/** Builds the self-signed enrolment request of a mission identity. */
export function createEnrolmentRequest(
  mission: Identity,
  missionName: string,
  createdAt: Date,
): EnrolmentRequest {
  const payload = {
    format: 'econsulat-enrolment-request/v1' as const,
    subject: publicIdentityToJson(mission.toPublic()),
    missionName,
    createdAt: createdAt.toISOString(),
  };
  return enrolmentRequestSchema.parse(signDocument(REQUEST_CONTEXT, payload, mission));
}

/** Checks an enrolment request's shape, key id and self-signature. Returns the subject's keys or null. */
export function verifyEnrolmentRequest(
  input: unknown,
): { request: EnrolmentRequest; subject: PublicIdentity } | null {
  const parsed = enrolmentRequestSchema.safeParse(input);
  if (!parsed.success) return null;
  const subject = tryPublicIdentity(parsed.data.subject);
  if (!subject || !verifyDocument(REQUEST_CONTEXT, parsed.data, subject.signPublicKey)) return null;
  return { request: parsed.data, subject };
}

/** Issues a certificate for a verified request, signed by the hub. */
export function issueCertificate(
  hub: Identity,
  request: EnrolmentRequest,
  options: { serial: number; notBefore: Date; notAfter: Date; issuedAt: Date },
): Certificate {
  if (options.notAfter <= options.notBefore) throw new TypeError('notAfter must follow notBefore');
  const payload = {
    format: 'econsulat-certificate/v1' as const,
    serial: options.serial,
    subject: request.subject,
    missionName: request.missionName,
    issuerKeyId: hub.keyId,
    notBefore: options.notBefore.toISOString(),
    notAfter: options.notAfter.toISOString(),
    issuedAt: options.issuedAt.toISOString(),
  };
  return certificateSchema.parse(signDocument(CERTIFICATE_CONTEXT, payload, hub));
}

/** Verifies a certificate against the pinned hub keys. Returns the mission's keys or null. */
export function verifyCertificate(
  input: unknown,
  hub: PublicIdentity,
): { certificate: Certificate; subject: PublicIdentity } | null {
  const parsed = certificateSchema.safeParse(input);
  if (!parsed.success || parsed.data.issuerKeyId !== hub.keyId) return null;
  if (!verifyDocument(CERTIFICATE_CONTEXT, parsed.data, hub.signPublicKey)) return null;
  const subject = tryPublicIdentity(parsed.data.subject);
  return subject ? { certificate: parsed.data, subject } : null;
}

/** Signs a revocation list. */
export function signRevocationList(
  hub: Identity,
  serial: number,
  entries: RevocationEntry[],
  issuedAt: Date,
): RevocationList {
  const payload = {
    format: 'econsulat-revocations/v1' as const,
    serial,
    issuerKeyId: hub.keyId,
    issuedAt: issuedAt.toISOString(),
    entries,
  };
  return revocationListSchema.parse(signDocument(REVOCATIONS_CONTEXT, payload, hub));
}

/** Verifies a revocation list against the pinned hub keys. */
export function verifyRevocationList(input: unknown, hub: PublicIdentity): RevocationList | null {
  const parsed = revocationListSchema.safeParse(input);
  if (!parsed.success || parsed.data.issuerKeyId !== hub.keyId) return null;
  return verifyDocument(REVOCATIONS_CONTEXT, parsed.data as Signed<RevocationList>, hub.signPublicKey)
    ? parsed.data
    : null;
}

function tryPublicIdentity(json: z.infer<typeof publicIdentityJsonSchema>): PublicIdentity | null {
  try {
    return publicIdentityFromJson(json);
  } catch {
    return null;
  }
}

/**
 * What the hub hands a newly enrolled mission (a file carried by the IT referent, or the enrolment
 * page): the hub's public identity to pin, the mission's certificate and the revocation list.
 */
export const enrolmentBundleSchema = z.strictObject({
  format: z.literal('econsulat-enrolment/v1'),
  hub: publicIdentityJsonSchema,
  certificate: certificateSchema,
  revocationList: revocationListSchema,
});
export type EnrolmentBundle = z.infer<typeof enrolmentBundleSchema>;

/** Re-issues a certificate for the same keys and mission, with a new serial and validity. */
export function renewCertificate(
  hub: Identity,
  current: Certificate,
  options: { serial: number; notBefore: Date; notAfter: Date; issuedAt: Date },
): Certificate {
  if (options.notAfter <= options.notBefore) throw new TypeError('notAfter must follow notBefore');
  const payload = {
    format: 'econsulat-certificate/v1' as const,
    serial: options.serial,
    subject: current.subject,
    missionName: current.missionName,
    issuerKeyId: hub.keyId,
    notBefore: options.notBefore.toISOString(),
    notAfter: options.notAfter.toISOString(),
    issuedAt: options.issuedAt.toISOString(),
  };
  return certificateSchema.parse(signDocument(CERTIFICATE_CONTEXT, payload, hub));
}
