import type { MessageKey } from '../../i18n/index.js';
import type { VisaError } from '../../services/visas/errors.js';
import type { VisaKind } from '../../services/visas/visa-schema.js';
import type { FormFields, FormState } from './form-values.js';
import { textOf } from './form-values.js';

/** The form's text fields, in the order the page shows them. */
export const VISA_TEXT_FIELDS = [
  'familyName',
  'givenNames',
  'birthDate',
  'sex',
  'nationality',
  'passportNumber',
  'passportCheckDigit',
  'passportExpiry',
  'arrivalDate',
  'departureDate',
  'purpose',
  'phone',
  'email',
] as const;

/** The message shown by each refused field. */
const FIELD_MESSAGES: Readonly<Record<string, MessageKey>> = {
  familyName: 'visa.err.name',
  givenNames: 'visa.err.name',
  birthDate: 'visa.err.date',
  sex: 'visa.err.sex',
  nationality: 'visa.err.nationality',
  passportNumber: 'visa.err.passportNumber',
  passportCheckDigit: 'visa.err.checkDigit',
  passportExpiry: 'visa.err.expiry',
  arrivalDate: 'visa.err.arrival',
  departureDate: 'visa.err.departure',
  purpose: 'visa.err.purpose',
  phone: 'visa.err.phone',
  email: 'visa.err.email',
  photo: 'visa.err.photo',
  bioPage: 'visa.err.bioPage',
};

/** Messages of refusals that have no field of their own, or say more than the field's. */
const CODE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  visa_bad_check_digit: 'visa.err.checkDigit',
  visa_passport_expiry: 'visa.err.expiry',
  visa_photo_too_large: 'visa.err.photoSize',
  visa_photo_type: 'visa.err.photo',
  visa_scan_refused: 'visa.err.bioPage',
  visa_application_open: 'visa.err.open',
};

/** The posted fields as the service takes them (an empty optional field left out). */
export function visaFieldsOf(values: FormFields, kind: VisaKind, lang: 'fr' | 'sg' | 'en') {
  const fields: Record<string, string> = { kind, lang };
  for (const name of VISA_TEXT_FIELDS) {
    const value = textOf(values, name).trim();
    if (value !== '' || name === 'givenNames') fields[name] = value;
  }
  return fields;
}

/** The form shown again after a refusal: the field pointed at, in the applicant's language. */
export function refusedForm(values: FormFields, error: VisaError): FormState {
  const message = CODE_MESSAGES[error.code] ?? FIELD_MESSAGES[error.field ?? ''] ?? 'form.invalid';
  if (error.field && Object.hasOwn(FIELD_MESSAGES, error.field))
    return {
      values,
      errors: { [error.field]: message },
      ...(error.code === 'visa_application_open' ? { alert: message } : {}),
    };
  return { values, errors: {}, alert: message };
}

/** The HTTP status of a refused application. */
export function refusalStatus(error: VisaError): number {
  if (error.code === 'visa_application_open') return 409;
  if (error.code === 'visa_photo_too_large') return 413;
  return 422;
}
