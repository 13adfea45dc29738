import { z } from 'zod';
import { instantSchema } from './field-schemas.js';

/**
 * Domain events of visa and laissez-passer applications, for the ministry's figures (the `entity`
 * is `visa_application`, the `entityId` the mission's id of the application). Counts and durations
 * only: never a name, a birth date or a passport number (PROTOCOL.md, "Visa statistics").
 */
export const VisaEvents = { Requested: 'visa.requested', Decided: 'visa.decided' } as const;

/** What is applied for: a visa (foreigners) or a laissez-passer (an emergency travel document). */
export const VISA_DOCUMENT_KINDS = ['visa', 'laissez_passer'] as const;
export const visaDocumentKindSchema = z.enum(VISA_DOCUMENT_KINDS);
export type VisaDocumentKind = z.infer<typeof visaDocumentKindSchema>;

/** A consul's decision. */
export const VISA_OUTCOMES = ['granted', 'refused'] as const;
export type VisaOutcome = (typeof VISA_OUTCOMES)[number];

/**
 * The applicant's nationality as their passport's MRZ writes it: ISO 3166-1 alpha-3, or one of
 * Doc 9303-3's codes padded with `<` (`D<<` for Germany).
 */
export const mrzNationalitySchema = z.string().regex(/^[A-Z][A-Z<]{2}$/, 'a nationality of the MRZ');

/** The data of `visa.requested`: an application submitted on the portal. */
export const visaRequestedDataSchema = z.looseObject({
  documentKind: visaDocumentKindSchema,
  nationality: mrzNationalitySchema,
  submittedAt: instantSchema,
});
export type VisaRequestedData = z.infer<typeof visaRequestedDataSchema>;

/**
 * The data of `visa.decided`: a consul granted or refused. It repeats what `visa.requested` said,
 * so the hub counts the application even when it never saw the request (an older node, a restore).
 * `processingHours` runs from submission to decision, time waiting on the applicant included.
 */
export const visaDecidedDataSchema = z.looseObject({
  documentKind: visaDocumentKindSchema,
  nationality: mrzNationalitySchema,
  outcome: z.enum(VISA_OUTCOMES),
  /** The issuer's visa type code of a grant (hex, the seal's feature 0x06); null for a refusal. */
  visaType: z
    .string()
    .regex(/^([0-9A-F]{2}){1,4}$/)
    .nullable(),
  submittedAt: instantSchema,
  decidedAt: instantSchema,
  processingHours: z.number().finite().min(0),
});
export type VisaDecidedData = z.infer<typeof visaDecidedDataSchema>;
