import { z } from 'zod';
import { certificateSchema, revocationListSchema } from '../certificates.js';

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
