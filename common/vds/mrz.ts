import { z } from 'zod';
import { parseInput } from './errors.js';
import {
  CountryCodeSchema,
  DocumentNumberSchema,
  IsoDateSchema,
  MRZ_CHARACTERS,
  MrzNameTextSchema,
  mrzCheckDigit,
  mrzDate,
  mrzName,
  mrzSex,
  normaliseMrzField,
  padField,
  SexSchema,
} from './mrz-text.js';

export { type MrzLine2Fields, readLine2Head } from './mrz-read.js';
export {
  CountryCodeSchema,
  DocumentNumberSchema,
  IsoDateSchema,
  MRZ_CHARACTERS,
  mrzCheckDigit,
  normaliseMrzField,
  SexSchema,
} from './mrz-text.js';

/** Two MRZ lines. */
export interface MrzLines {
  line1: string;
  line2: string;
}

const HolderFields = {
  surname: MrzNameTextSchema.refine((name) => normaliseMrzField(name).length > 0, 'a surname is required'),
  givenNames: MrzNameTextSchema.default(''),
  nationality: CountryCodeSchema,
  birthDate: IsoDateSchema,
  sex: SexSchema,
  documentNumber: DocumentNumberSchema,
  expiryDate: IsoDateSchema,
  issuingState: CountryCodeSchema.default('CAF'),
};

const optionalData = (length: number) =>
  z
    .string()
    .default('')
    .transform((data) => data.toUpperCase().replace(/[\s-]/g, '<'))
    .pipe(z.string().max(length).regex(MRZ_CHARACTERS, 'letters the MRZ cannot write'));

/** What the MRZ of a visa (MRV-B) is built from; `documentNumber` is the visa's number. */
export const VisaMrzInputSchema = z.object({
  ...HolderFields,
  /** The second character of the document code `V?` (Doc 9303-7 §8.1: at the issuer's discretion). */
  typeCode: z
    .string()
    .regex(/^[A-Z<]$/)
    .default('<'),
  optionalData: optionalData(8),
});
export type VisaMrzInput = z.input<typeof VisaMrzInputSchema>;

/** What the MRZ of a laissez-passer (an emergency travel document, TD2 layout) is built from. */
export const EtdMrzInputSchema = z.object({
  ...HolderFields,
  /** The document code: `I` and one character at the issuer's discretion (Doc 9303-6 §4.2.2). */
  documentCode: z
    .string()
    .regex(/^I[A-Z<]$/)
    .default('I<'),
  optionalData: optionalData(7),
});
export type EtdMrzInput = z.input<typeof EtdMrzInputSchema>;

// Line 2's first 28 characters are laid out alike on TD2, TD3, MRV-A and MRV-B (Doc 9303-4 §4.2.2,
// -6 §4.2.2, -7 §8): document number and its check, nationality, birth date and its check, sex,
// expiry date and its check.
function line2Head(fields: z.output<z.ZodObject<typeof HolderFields>>): string {
  const number = padField(fields.documentNumber, 9);
  const birth = mrzDate(fields.birthDate);
  const expiry = mrzDate(fields.expiryDate);
  return (
    number +
    mrzCheckDigit(number) +
    fields.nationality +
    birth +
    mrzCheckDigit(birth) +
    mrzSex(fields.sex) +
    expiry +
    mrzCheckDigit(expiry)
  );
}

/**
 * The two 36-character lines of a type B machine readable visa (Doc 9303-7 §8, MRV-B): `V`, the
 * type code, issuing state, name; then number, nationality, birth date, sex, expiry with their
 * check digits and 8 characters of optional data. An MRV has no composite check digit.
 */
export function buildVisaMrz(input: VisaMrzInput): MrzLines {
  const fields = parseInput(VisaMrzInputSchema, input, 'visa MRZ');
  const line1 = `V${fields.typeCode}${fields.issuingState}${mrzName(fields.surname, fields.givenNames, 31)}`;
  const line2 = line2Head(fields) + padField(fields.optionalData, 8);
  return { line1, line2 };
}

/**
 * The two 36-character lines of a laissez-passer in the TD2 layout (Doc 9303-6 §4.2.2): document
 * code, issuing state, name; then the fields of every line 2, 7 characters of optional data and
 * the composite check digit over positions 1–10, 14–20 and 22–35.
 */
export function buildEtdMrz(input: EtdMrzInput): MrzLines {
  const fields = parseInput(EtdMrzInputSchema, input, 'laissez-passer MRZ');
  const line1 = `${fields.documentCode}${fields.issuingState}${mrzName(fields.surname, fields.givenNames, 31)}`;
  const body = line2Head(fields) + padField(fields.optionalData, 7);
  const composite = mrzCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35));
  return { line1, line2: body + composite };
}

/** A passport number as printed with its check digit, as a form takes them. */
export const PassportNumberWithCheckSchema = z
  .object({
    number: DocumentNumberSchema,
    checkDigit: z.string().regex(/^\d$/, 'a check digit is one digit'),
  })
  .refine((value) => isValidPassportNumber(value.number, value.checkDigit), {
    message: 'the check digit does not match the passport number',
    path: ['checkDigit'],
  });

/** Whether `checkDigit` is the Doc 9303-3 check digit of the passport number `number` (padded to 9). */
export function isValidPassportNumber(number: string, checkDigit: string): boolean {
  const parsed = DocumentNumberSchema.safeParse(number);
  if (!parsed.success) return false;
  return String(mrzCheckDigit(padField(parsed.data, 9))) === checkDigit;
}
