import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { personSchema } from '../../../protocol/index.js';
import { personInputSchema } from '../people/person-schema.js';
import { pastPartialDateSchema, shortText } from './partial-date.js';

/** Sectors of activity of the census: a fixed list, so the ministry's statistics add up. */
export const SECTORS = [
  'agriculture',
  'mining',
  'energy',
  'health',
  'education',
  'public_administration',
  'finance',
  'commerce',
  'construction',
  'transport',
  'information_technology',
  'telecommunications',
  'law',
  'engineering',
  'research',
  'arts_culture',
  'media',
  'hospitality',
  'ngo_humanitarian',
  'security_defence',
  'student',
  'retired',
  'other',
] as const;

/** Highest level of education completed. */
export const EDUCATION_LEVELS = [
  'none',
  'primary',
  'secondary',
  'vocational',
  'bachelor',
  'master',
  'doctorate',
] as const;

/** What a national is willing to contribute to the country. */
export const CONTRIBUTIONS = [
  'mentoring',
  'investment',
  'volunteering',
  'return',
  'expertise',
  'trade',
] as const;

/** What a national consents to: the registration itself, census statistics, contact by the ministry. */
export const CONSENT_PURPOSES = ['processing', 'census', 'contact'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Where the national gave their details and consents. */
export const CHANNELS = ['online', 'counter'] as const;
export type Channel = (typeof CHANNELS)[number];

// ISO 639-1 (`sg`, `fr`, `en`) or ISO 639-2/3 (`sag`, `lin`) codes, lower-case.
const languageSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}$/, 'an ISO 639 language code');
const textVersionSchema = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/);
const unique = <T>(values: T[]) => [...new Set(values)];

/** The skills census; every field optional, lists default to empty. */
export const censusSchema = z.strictObject({
  profession: shortText().optional(),
  sector: z.enum(SECTORS).optional(),
  skills: z.array(shortText(60)).max(30).default([]).transform(unique),
  languages: z.array(languageSchema).max(20).default([]).transform(unique),
  educationLevel: z.enum(EDUCATION_LEVELS).optional(),
  contributions: z.array(z.enum(CONTRIBUTIONS)).max(CONTRIBUTIONS.length).default([]).transform(unique),
});
export type Census = z.output<typeof censusSchema>;
/** Census answers before validation. */
export type CensusInput = z.input<typeof censusSchema>;

/** The consents given with a registration, with the version of the text the national was shown. */
export const consentsInputSchema = z.strictObject({
  processing: z.boolean(),
  census: z.boolean(),
  contact: z.boolean(),
  textVersion: textVersionSchema,
});

/** A later grant or withdrawal of one consent. */
export const consentChangeSchema = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  granted: z.boolean(),
  method: z.enum(CHANNELS),
  textVersion: textVersionSchema,
});
export type ConsentChange = z.input<typeof consentChangeSchema>;

/** Personal details kept with the registration, beyond the people row (all encrypted together). */
export function detailsShape(today: () => string) {
  return {
    sex: personSchema.shape.sex,
    birthPlace: shortText().optional(),
    fatherName: shortText().optional(),
    motherName: shortText().optional(),
    nationalId: z.string().trim().toUpperCase().pipe(personSchema.shape.nationalId.unwrap()).optional(),
    arrivalDate: pastPartialDateSchema(today).optional(),
  };
}

/** A new registration: an existing person by id, or a new person's fields. */
export function registrationInputSchema(defaultRegion: CountryCode, today: () => string) {
  return z
    .strictObject({
      personId: z.uuid().optional(),
      person: personInputSchema(defaultRegion).optional(),
      ...detailsShape(today),
      channel: z.enum(CHANNELS),
      census: censusSchema.default({ skills: [], languages: [], contributions: [] }),
      consents: consentsInputSchema,
    })
    .refine((input) => (input.personId === undefined) !== (input.person === undefined), {
      message: 'give either personId or person',
      path: ['person'],
    });
}
export type RegistrationInput = z.input<ReturnType<typeof registrationInputSchema>>;

/** Changes to the personal details of a registration: a value sets, null clears. */
export function detailsPatchSchema(today: () => string) {
  const shape = detailsShape(today);
  return z.strictObject({
    sex: shape.sex.unwrap().nullable().optional(),
    birthPlace: shape.birthPlace.unwrap().nullable().optional(),
    fatherName: shape.fatherName.unwrap().nullable().optional(),
    motherName: shape.motherName.unwrap().nullable().optional(),
    nationalId: shape.nationalId.unwrap().nullable().optional(),
    arrivalDate: shape.arrivalDate.unwrap().nullable().optional(),
  });
}
export type DetailsPatch = z.input<ReturnType<typeof detailsPatchSchema>>;
