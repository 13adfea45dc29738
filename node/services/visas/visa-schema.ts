import { z } from 'zod';
import {
  CountryCodeSchema,
  DocumentNumberSchema,
  IsoDateSchema,
  MrzNameTextSchema,
  SexSchema,
} from '../../../common/vds/mrz-text.js';

/** What is applied for: a visa (foreigners) or a laissez-passer (nationals without a passport). */
export const VISA_KINDS = ['visa', 'laissez_passer'] as const;
export type VisaKind = (typeof VISA_KINDS)[number];

/** The catalogue service each kind is a file of (its fee, its workflow, its tracking). */
export const SERVICE_OF_KIND: Readonly<Record<VisaKind, string>> = {
  visa: 'visa-short-stay',
  laissez_passer: 'laissez-passer',
};

export const VISA_STATES = [
  'submitted',
  'more_info_requested',
  'prepared',
  'granted',
  'refused',
  'issued',
] as const;
export type VisaState = (typeof VISA_STATES)[number];

/** States in which an application holds its passport number (the unique index of migration 024). */
export const OPEN_STATES: readonly VisaState[] = ['submitted', 'more_info_requested', 'prepared', 'granted'];

/** The reasons a consul may give for a refusal (Schengen Visa Code annex VI inspired list). */
export const REFUSAL_REASONS = [
  'false_document',
  'purpose_not_justified',
  'insufficient_means',
  'no_travel_insurance',
  'security_risk',
  'previous_overstay',
  'identity_not_established',
  'incomplete_file',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Largest photo taken: 1 MB, what a passport photo needs many times over. */
export const MAX_PHOTO_BYTES = 1024 * 1024;
/** Largest bio page scan. */
export const MAX_SCAN_BYTES = 5 * 1024 * 1024;
/** The passport must be valid this many months after the stay ends. */
export const PASSPORT_MARGIN_MONTHS = 6;

/** An uploaded file: what the browser declared and the bytes. */
export interface Upload {
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** The fields of an application, as a form posts them (strings). */
export const visaFieldsSchema = z.strictObject({
  kind: z.enum(VISA_KINDS),
  lang: z.enum(['fr', 'sg', 'en']),
  passportNumber: DocumentNumberSchema,
  passportCheckDigit: z.string().trim().regex(/^\d$/, 'one digit'),
  passportExpiry: IsoDateSchema,
  nationality: CountryCodeSchema,
  familyName: MrzNameTextSchema.pipe(z.string().trim().min(1).max(60)),
  givenNames: MrzNameTextSchema.pipe(z.string().trim().max(80)),
  birthDate: IsoDateSchema,
  sex: SexSchema,
  arrivalDate: IsoDateSchema,
  departureDate: IsoDateSchema,
  purpose: z.string().trim().min(3).max(500),
  phone: z.string().trim().min(6).max(40),
  email: z.email().max(254).optional(),
});
export type VisaFields = z.input<typeof visaFieldsSchema>;
export type ValidVisaFields = z.output<typeof visaFieldsSchema>;

/** A new application: its fields, the holder's photo, the passport's bio page scan. */
export interface VisaApplicationInput {
  readonly fields: VisaFields;
  readonly photo: Upload;
  readonly bioPage: Upload;
}

/** An agent's request for more: what is missing, said to the applicant. */
export const infoRequestSchema = z.strictObject({ message: z.string().trim().min(3).max(1000) });

/** A consul's grant. */
export const grantSchema = z
  .strictObject({
    /** The issuer's visa type code, 1–4 bytes in hex (the seal’s feature 0x06). */
    visaType: z
      .string()
      .regex(/^([0-9A-F]{2}){1,4}$/)
      .default('01'),
    /** Entries allowed; 0 = unlimited (Doc 9303-13 visa profile). */
    entries: z.int().min(0).max(255),
    stayDays: z.int().min(1).max(999),
    validFrom: IsoDateSchema,
    validUntil: IsoDateSchema,
  })
  .refine((grant) => grant.validFrom <= grant.validUntil, {
    message: 'validity ends before it starts',
    path: ['validUntil'],
  });
export type GrantInput = z.input<typeof grantSchema>;

export const refusalSchema = z.strictObject({ reason: z.enum(REFUSAL_REASONS) });

/** An application as the back office and the API show it (personal fields opened). */
export interface VisaApplication {
  readonly id: string;
  readonly fileId: string;
  readonly trackingNumber: string;
  readonly kind: VisaKind;
  readonly state: VisaState;
  readonly lang: 'fr' | 'sg' | 'en';
  readonly passportNumber: string;
  readonly passportExpiry: string;
  readonly nationality: string;
  readonly familyName: string;
  readonly givenNames: string;
  readonly birthDate: string;
  readonly sex: 'F' | 'M' | 'X';
  readonly arrivalDate: string;
  readonly departureDate: string;
  readonly purpose: string;
  readonly photoDocumentId: string;
  readonly bioPageDocumentId: string;
  readonly infoRequest: string | null;
  readonly preparedBy: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly visaType: string | null;
  readonly entries: number | null;
  readonly stayDays: number | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly refusalReason: RefusalReason | null;
  readonly documentNumber: string | null;
  readonly seal: Uint8Array | null;
  readonly issuedAt: string | null;
  readonly submittedAt: string;
}
