import { z } from 'zod';
import { concatBytes, encodeBerLength, fromHex } from './bytes.js';
import { encodeC40 } from './c40.js';
import { EtdTag, VisaTag } from './features.js';
import { readLine2Head } from './mrz-read.js';
import { CountryCodeSchema, DocumentNumberSchema, IsoDateSchema, padField } from './mrz-text.js';

// The schemas of what an issuer puts in a seal, and the encoders of the message zones.

/** What the issuer writes in a version 4 header; the document type comes from the profile. */
export const HeaderInputSchema = z.object({
  issuingCountry: CountryCodeSchema.default('CAF'),
  signerIdentifier: z.string().regex(/^[A-Z]{2}[A-Z0-9]{2}$/, 'two letters of country and two of signer'),
  certificateReference: z
    .string()
    .transform((ref) => ref.toUpperCase())
    .pipe(z.string().regex(/^[0-9A-F]{1,40}$/, 'the certificate serial number in hex, 1 to 40 digits')),
  documentIssueDate: IsoDateSchema,
  signatureCreationDate: IsoDateSchema,
});
export type HeaderInput = z.input<typeof HeaderInputSchema>;

/** Two MRZ lines as the seal encoders take them. */
const MrzLinesSchema = (line1: RegExp, length: number) =>
  z.object({
    line1: z.string().regex(line1, `line 1 of ${length} MRZ characters`),
    line2: z.string().regex(new RegExp(`^[A-Z0-9<]{${length}}$`), `line 2 of ${length} MRZ characters`),
  });

const checkDigitsHold = (lines: { line2: string }) =>
  readLine2Head(lines.line2, 2000)?.checkDigitsValid === true;

/** The message zone of a visa: MRZ of an MRV-B, entries, duration of stay, passport number, type. */
export const VisaMessageSchema = z.object({
  mrz: MrzLinesSchema(/^V[A-Z<][A-Z<]{3}[A-Z0-9<]{31}$/, 36).refine(
    checkDigitsHold,
    'MRZ check digits do not hold',
  ),
  numberOfEntries: z.number().int().min(0).max(255),
  durationOfStay: z.object({
    days: z.number().int().min(0).max(255),
    months: z.number().int().min(0).max(255),
    years: z.number().int().min(0).max(255),
  }),
  passportNumber: DocumentNumberSchema,
  visaType: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}){1,4}$/, '1 to 4 bytes in hex')
    .optional(),
});
export type VisaMessage = z.input<typeof VisaMessageSchema>;

/** The message zone of a laissez-passer: its TD2 MRZ. */
export const EtdMessageSchema = z.object({
  mrz: MrzLinesSchema(/^I[A-Z<][A-Z<]{3}[A-Z0-9<]{31}$/, 36).refine(
    checkDigitsHold,
    'MRZ check digits do not hold',
  ),
});
export type EtdMessage = z.input<typeof EtdMessageSchema>;

function tlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(tag), encodeBerLength(value.length), value]);
}

/** The visa message zone, features in tag order. */
export function encodeVisaMessage(message: z.output<typeof VisaMessageSchema>): Uint8Array {
  const { days, months, years } = message.durationOfStay;
  const parts = [
    tlv(VisaTag.MrzMrvB, encodeC40(message.mrz.line1 + message.mrz.line2.slice(0, 28))),
    tlv(VisaTag.NumberOfEntries, Uint8Array.of(message.numberOfEntries)),
    tlv(VisaTag.DurationOfStay, Uint8Array.of(days, months, years)),
    tlv(VisaTag.PassportNumber, encodeC40(padField(message.passportNumber, 9))),
  ];
  if (message.visaType) parts.push(tlv(VisaTag.VisaType, fromHex(message.visaType)));
  return concatBytes(parts);
}

/** The laissez-passer message zone. */
export function encodeEtdMessage(message: z.output<typeof EtdMessageSchema>): Uint8Array {
  return tlv(EtdTag.Mrz, encodeC40(message.mrz.line1 + message.mrz.line2));
}
