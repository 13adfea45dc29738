import { z } from 'zod';
import { certificateSchema, revocationListSchema } from '../certificates.js';
import { keyRotationRequestSchema } from '../key-rotation.js';
import { backlogReportSchema } from './field-schemas.js';

/** revocation.list — the hub's current signed revocation list, pushed to every mission. */
export const REVOCATION_LIST = 'revocation.list';
export const revocationListMessageSchema = z.strictObject({ list: revocationListSchema });
export type RevocationListMessage = z.infer<typeof revocationListMessageSchema>;

/**
 * certificate.renewal — a new certificate for the mission's same keys, issued before the old one
 * runs out, so that no outage ever outlives a mission's certificate and trust is never needed live.
 */
export const CERTIFICATE_RENEWAL = 'certificate.renewal';
export const certificateRenewalSchema = z.strictObject({ certificate: certificateSchema });
export type CertificateRenewal = z.infer<typeof certificateRenewalSchema>;

/**
 * key.rotation — a mission asks, over the link, for its new key to be certified: the last message
 * its old key seals, and the rotation's boundary (its channel sequence). The hub answers with a
 * certificate.renewal for the new key, the last message it seals to the old one.
 */
export const KEY_ROTATION = 'key.rotation';
export const keyRotationMessageSchema = z.strictObject({
  rotation: keyRotationRequestSchema,
  backlog: backlogReportSchema.optional(),
});
export type KeyRotationMessage = z.infer<typeof keyRotationMessageSchema>;
