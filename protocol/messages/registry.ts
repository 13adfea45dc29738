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
