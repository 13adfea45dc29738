import { CodedError } from '../../../common/errors/coded-error.js';

/** Why a visa or laissez-passer step was refused. Stable codes: the HTTP layer maps them to statuses. */
export const VisaErrorCode = {
  /** A field of the application is missing or wrong (zod issues attached, by field). */
  InvalidApplication: 'visa_invalid_application',
  /** The passport number's check digit (Doc 9303-3 §4.9) does not hold. */
  BadCheckDigit: 'visa_bad_check_digit',
  /** The passport expires less than six months after the stay ends (or has expired). */
  PassportExpiry: 'visa_passport_expiry',
  /** The photo is not a JPEG or PNG by its bytes, or not the type its upload declared. */
  PhotoType: 'visa_photo_type',
  /** The photo is empty or over 1 MB. */
  PhotoTooLarge: 'visa_photo_too_large',
  /** The bio page scan is not a PDF, JPEG or PNG, or is empty or too large. */
  ScanRefused: 'visa_scan_refused',
  /** Another application for this passport number is still open. */
  AlreadyOpen: 'visa_application_open',
  /** No application with this id. */
  NotFound: 'visa_not_found',
  /** The step is not allowed from the application's state. */
  WrongState: 'visa_wrong_state',
  /** The mission has no barcode signer key and certificate (`econsulat node visa-signer`). */
  NoSigner: 'visa_no_signer',
} as const;

export type VisaErrorCodeValue = (typeof VisaErrorCode)[keyof typeof VisaErrorCode];

/** HTTP status of each code. */
export const VISA_ERROR_STATUS: Readonly<Record<VisaErrorCodeValue, number>> = {
  visa_invalid_application: 422,
  visa_bad_check_digit: 422,
  visa_passport_expiry: 422,
  visa_photo_type: 415,
  visa_photo_too_large: 413,
  visa_scan_refused: 415,
  visa_application_open: 409,
  visa_not_found: 404,
  visa_wrong_state: 409,
  visa_no_signer: 503,
};

/** A refused visa step; `field` names the form field to point at, when there is one. */
export class VisaError extends CodedError<VisaErrorCodeValue> {
  readonly field: string | undefined;
  constructor(code: VisaErrorCodeValue, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
  }
}
