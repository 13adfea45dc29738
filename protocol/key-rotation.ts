import { z } from 'zod';
import {
  createEnrolmentRequest,
  type EnrolmentRequest,
  enrolmentRequestSchema,
  verifyEnrolmentRequest,
} from './certificates.js';
import type { Identity, PublicIdentity } from './keys.js';
import { instantSchema } from './messages/field-schemas.js';
import { signDocument, verifyDocument } from './signed-document.js';

const ROTATION_CONTEXT = 'econsulat/v1/key-rotation';
const keyIdSchema = z.string().regex(/^[0-9a-f]{32}$/);

/**
 * A mission's request to replace its key: the new keys as an enrolment request (self-signed with
 * the new secret key, proving it is held), countersigned with the key in force, which it names.
 * The hub then issues a certificate for the new keys and supersedes the old one at once.
 */
export const keyRotationRequestSchema = z.strictObject({
  format: z.literal('econsulat-key-rotation/v1'),
  request: enrolmentRequestSchema,
  /** Key id of the key being replaced, the one that signs this request. */
  supersedes: keyIdSchema,
  /**
   * The last sequence the old key sealed on the mission → hub channel. Present when the request
   * travels by hand; over the link the sequence of the envelope carrying it takes its place.
   */
  lastSeq: z.int().min(0).optional(),
  createdAt: instantSchema,
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});
export type KeyRotationRequest = z.infer<typeof keyRotationRequestSchema>;

/** Builds a rotation request: `next` self-signs its keys, `current` signs the whole. */
export function createKeyRotationRequest(
  current: Identity,
  next: Identity,
  missionName: string,
  createdAt: Date,
  lastSeq?: number,
): KeyRotationRequest {
  if (current.partyId !== next.partyId) throw new TypeError('a rotation keeps the party id');
  if (current.keyId === next.keyId) throw new TypeError('a rotation needs new keys');
  const payload = {
    format: 'econsulat-key-rotation/v1' as const,
    request: createEnrolmentRequest(next, missionName, createdAt),
    supersedes: current.keyId,
    ...(lastSeq === undefined ? {} : { lastSeq }),
    createdAt: createdAt.toISOString(),
  };
  return keyRotationRequestSchema.parse(signDocument(ROTATION_CONTEXT, payload, current));
}

/**
 * Checks a rotation request against the key in force: the shape, that it names and is signed by
 * that key, and that the new keys are the same party's, different, and self-signed. Returns the
 * request and the new keys, or null on any defect.
 */
export function verifyKeyRotationRequest(
  input: unknown,
  current: PublicIdentity,
): { rotation: KeyRotationRequest; request: EnrolmentRequest; subject: PublicIdentity } | null {
  const parsed = keyRotationRequestSchema.safeParse(input);
  if (!parsed.success || parsed.data.supersedes !== current.keyId) return null;
  if (!verifyDocument(ROTATION_CONTEXT, parsed.data, current.signPublicKey)) return null;
  const next = verifyEnrolmentRequest(parsed.data.request);
  if (!next || next.subject.partyId !== current.partyId || next.subject.keyId === current.keyId) return null;
  return { rotation: parsed.data, request: next.request, subject: next.subject };
}
