import type { MessageKey } from '../../i18n/index.js';
import {
  CONTRIBUTIONS,
  EDUCATION_LEVELS,
  SECTORS,
} from '../../services/registrations/registration-schema.js';
import { type FieldMessages, type FormFields, listOf, textOf } from './form-values.js';

/** The version of the consent texts the registration form shows (recorded with each consent). */
export const CONSENT_TEXT_VERSION = 'portal-2026-1';

/** Languages offered as check boxes in the census (ISO 639); others are typed by the agent. */
export const CENSUS_LANGUAGES = ['sg', 'fr', 'en', 'ar', 'ln', 'sw', 'ha', 'pt', 'es', 'de'] as const;

/** The choices of the census, with the message key of each label. */
export const CENSUS_CHOICES = {
  sectors: SECTORS.map((value) => ({ value, label: `sector.${value}` as MessageKey })),
  education: EDUCATION_LEVELS.map((value) => ({ value, label: `education.${value}` as MessageKey })),
  contributions: CONTRIBUTIONS.map((value) => ({ value, label: `contribution.${value}` as MessageKey })),
  languages: CENSUS_LANGUAGES.map((value) => ({ value, label: `language.${value}` as MessageKey })),
  sexes: (['F', 'M', 'X'] as const).map((value) => ({ value, label: `sex.${value}` as MessageKey })),
};

/** Why each field of the registration form was refused. */
export const REGISTRATION_MESSAGES: FieldMessages = {
  givenNames: 'form.required',
  familyName: 'form.required',
  birthDate: 'form.errDate',
  phone: 'form.errPhone',
  email: 'form.errEmail',
  idNumber: 'form.invalid',
  address: 'form.invalid',
  sex: 'form.invalid',
  birthPlace: 'form.invalid',
  profession: 'form.invalid',
  sector: 'form.invalid',
  skills: 'registration.err.skills',
  languages: 'form.invalid',
  educationLevel: 'form.invalid',
  contributions: 'form.invalid',
  consents: 'registration.err.consent',
};

/**
 * The registration as the public API's body shapes it, from the flat form: empty fields left out,
 * skills one per line or comma, consents from the ticked boxes.
 */
export function registrationInput(fields: FormFields) {
  const optional = (name: string) => {
    const value = textOf(fields, name).trim();
    return value === '' ? undefined : value;
  };
  const ticked = new Set(listOf(fields, 'consents'));
  const census = {
    profession: optional('profession'),
    sector: optional('sector'),
    skills: textOf(fields, 'skills')
      .split(/[,\n]/)
      .map((skill) => skill.trim())
      .filter(Boolean),
    languages: listOf(fields, 'languages'),
    educationLevel: optional('educationLevel'),
    contributions: listOf(fields, 'contributions'),
  };
  return withoutUndefined({
    person: withoutUndefined({
      givenNames: textOf(fields, 'givenNames'),
      familyName: textOf(fields, 'familyName'),
      birthDate: optional('birthDate'),
      phone: optional('phone'),
      email: optional('email'),
      idNumber: optional('idNumber'),
      address: optional('address'),
    }),
    sex: optional('sex'),
    birthPlace: optional('birthPlace'),
    census: withoutUndefined(census),
    consents: {
      processing: ticked.has('processing'),
      census: ticked.has('census'),
      contact: ticked.has('contact'),
      textVersion: CONSENT_TEXT_VERSION,
    },
  });
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
