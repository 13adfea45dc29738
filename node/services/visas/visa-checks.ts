import { isValidPassportNumber } from '../../../common/vds/mrz.js';
import { sniffDocumentType } from '../files/file-documents.js';
import { VisaError, VisaErrorCode } from './errors.js';
import {
  MAX_PHOTO_BYTES,
  MAX_SCAN_BYTES,
  PASSPORT_MARGIN_MONTHS,
  type Upload,
  type ValidVisaFields,
  type VisaFields,
  visaFieldsSchema,
} from './visa-schema.js';

// The refusals of a submission, each before anything is written: a refused application leaves no
// file, person, scan or invoice behind.

/** The fields parsed, or the first wrong one named. */
export function parseFields(fields: VisaFields): ValidVisaFields {
  const parsed = visaFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VisaError(
      VisaErrorCode.InvalidApplication,
      `${issue?.path.join('.') ?? 'application'}: ${issue?.message ?? 'invalid'}`,
      { field: String(issue?.path[0] ?? ''), cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Doc 9303-3 §4.9: the check digit printed after the passport number. */
export function checkPassportNumber(fields: ValidVisaFields): void {
  if (!isValidPassportNumber(fields.passportNumber, fields.passportCheckDigit))
    throw new VisaError(VisaErrorCode.BadCheckDigit, 'the check digit does not match the passport number', {
      field: 'passportCheckDigit',
    });
}

/** The stay starts today or later and ends after it starts; a visa's passport outlives it by six months. */
export function checkDates(fields: ValidVisaFields, today: string): void {
  if (fields.arrivalDate < today)
    throw new VisaError(VisaErrorCode.InvalidApplication, 'the arrival date is past', {
      field: 'arrivalDate',
    });
  if (fields.departureDate < fields.arrivalDate)
    throw new VisaError(VisaErrorCode.InvalidApplication, 'the departure is before the arrival', {
      field: 'departureDate',
    });
  if (fields.birthDate >= today)
    throw new VisaError(VisaErrorCode.InvalidApplication, 'the birth date is not past', {
      field: 'birthDate',
    });
  // A laissez-passer replaces a passport lost or expired: its expiry is recorded, not required.
  if (
    fields.kind === 'visa' &&
    fields.passportExpiry < addMonths(fields.departureDate, PASSPORT_MARGIN_MONTHS)
  )
    throw new VisaError(
      VisaErrorCode.PassportExpiry,
      `the passport must be valid ${PASSPORT_MARGIN_MONTHS} months after the departure date`,
      { field: 'passportExpiry' },
    );
}

/** A photo: JPEG or PNG by its first bytes and as declared, 1 byte to 1 MB. */
export function checkPhoto(photo: Upload): 'image/jpeg' | 'image/png' {
  if (photo.bytes.length === 0 || photo.bytes.length > MAX_PHOTO_BYTES)
    throw new VisaError(
      VisaErrorCode.PhotoTooLarge,
      `a photo is 1 byte to 1 MB (got ${photo.bytes.length})`,
      {
        field: 'photo',
      },
    );
  const sniffed = sniffDocumentType(photo.bytes);
  if (
    (sniffed !== 'image/jpeg' && sniffed !== 'image/png') ||
    sniffed !== photo.contentType ||
    !isWhole(photo.bytes, sniffed)
  )
    throw new VisaError(
      VisaErrorCode.PhotoType,
      `a photo is a JPEG or PNG image (declared ${photo.contentType}, content ${sniffed ?? 'unknown'})`,
      { field: 'photo' },
    );
  return sniffed;
}

/** The bio page scan: a PDF, JPEG or PNG by its bytes and as declared, up to 5 MB. */
export function checkBioPage(scan: Upload): void {
  const sniffed = sniffDocumentType(scan.bytes);
  if (scan.bytes.length === 0 || scan.bytes.length > MAX_SCAN_BYTES || sniffed !== scan.contentType)
    throw new VisaError(
      VisaErrorCode.ScanRefused,
      'the bio page scan is a PDF, JPEG or PNG of at most 5 MB',
      {
        field: 'bioPage',
      },
    );
}

// A PNG header glued on other bytes passes a magic-number check: a PNG also starts with its IHDR
// chunk, and a JPEG ends with its end-of-image marker (FF D9).
function isWhole(bytes: Uint8Array, type: 'image/jpeg' | 'image/png'): boolean {
  if (type === 'image/png') return String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  const end = trimTrailingZeros(bytes);
  return end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

function trimTrailingZeros(bytes: Uint8Array): number {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return end;
}

/** An ISO date plus months, the day kept or clamped to the month's last (2026-08-31 + 6 → 2027-02-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target.toISOString().slice(0, 10);
}
