import { z } from 'zod';
import { backlogReportSchema, instantSchema, recordIdSchema } from './field-schemas.js';

/** A date that may be partial, as registers hold them: `1984`, `1984-07` or `1984-07-12`. */
export const partialDateSchema = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/);

/** A person as a mission knows them. */
export const personSchema = z.strictObject({
  nationalId: z
    .string()
    .regex(/^[A-Z0-9-]{4,30}$/)
    .optional(),
  givenNames: z.string().min(1).max(200),
  familyName: z.string().min(1).max(200),
  sex: z.enum(['F', 'M', 'X']).optional(),
  birthDate: partialDateSchema.optional(),
  birthPlace: z.string().max(200).optional(),
  fatherName: z.string().max(200).optional(),
  motherName: z.string().max(200).optional(),
});
export type Person = z.infer<typeof personSchema>;

/**
 * Documents an agent of the mission may check a person's identity against before the national
 * registry is asked about them: the person's own papers, or the foreign act a transcription is made from.
 */
export const IDENTITY_DOCUMENT_KINDS = [
  'passport',
  'national_id_card',
  'consular_card',
  'birth_certificate',
  'marriage_certificate',
  'death_certificate',
] as const;
export type IdentityDocumentKind = (typeof IDENTITY_DOCUMENT_KINDS)[number];

/**
 * An agent of the mission held a document of this kind and found it to be the person's, at
 * `checkedAt`. Which agent stays in the mission's audit log, anchored at HQ (PROTOCOL.md, "The
 * national registry").
 */
export const identityCheckSchema = z.strictObject({
  documentKind: z.enum(IDENTITY_DOCUMENT_KINDS),
  checkedAt: instantSchema,
});
export type IdentityCheck = z.infer<typeof identityCheckSchema>;

/** registry.submission — a registration or a civil-status event to reconcile with the national registry. */
export const REGISTRY_SUBMISSION = 'registry.submission';
export const registrySubmissionSchema = z.strictObject({
  submissionId: z.uuid(),
  kind: z.enum(['registration', 'birth', 'marriage', 'death']),
  recordId: recordIdSchema,
  person: personSchema,
  eventDate: partialDateSchema.optional(),
  eventPlace: z.string().max(200).optional(),
  submittedAt: instantSchema,
  /**
   * The agent's check of the person's identity document. Absent (an older node, or a record no
   * agent checked): the hub decides nothing that would send a national ID down or issue one, and
   * leaves the submission to a registry officer.
   */
  identityCheck: identityCheckSchema.optional(),
  /** What the mission has left to send once this is applied (PROTOCOL.md, "The hub's view of a mission"). */
  backlog: backlogReportSchema.optional(),
});
export type RegistrySubmission = z.infer<typeof registrySubmissionSchema>;

/** registry.result — the hub's decision on a submission, applied at the mission. */
export const REGISTRY_RESULT = 'registry.result';
export const registryResultSchema = z.strictObject({
  submissionId: z.uuid(),
  recordId: recordIdSchema,
  decision: z.enum(['match', 'new', 'review']),
  nationalId: z
    .string()
    .regex(/^[A-Z0-9-]{4,30}$/)
    .optional(),
  score: z.number().min(0).max(1),
  reasons: z.array(z.string().max(200)).max(20),
  decidedAt: instantSchema,
});
export type RegistryResult = z.infer<typeof registryResultSchema>;
