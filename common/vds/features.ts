import { toHex } from './bytes.js';
import { decodeC40 } from './c40.js';
import { VdsMalformedError } from './errors.js';
import { type MrzLine2Fields, readLine2Head } from './mrz-read.js';

/** One TLV of the message zone. */
export interface Feature {
  tag: number;
  value: Uint8Array;
}

/** Feature tags of the visa profile (Doc 9303-13, visa; BSI TR-03137 §5). */
export const VisaTag = {
  MrzMrvA: 0x01,
  MrzMrvB: 0x02,
  NumberOfEntries: 0x03,
  DurationOfStay: 0x04,
  PassportNumber: 0x05,
  VisaType: 0x06,
  AdditionalFeatures: 0x07,
} as const;

/** Feature tags of the emergency travel document profile. */
export const EtdTag = { Mrz: 0x02 } as const;

// An MRZ in a seal keeps line 1 whole and line 2 up to the expiry check digit (28 characters): the
// optional data is left out, so MRV-B (36 + 28 = 64 characters) takes 44 bytes and MRV-A (44 + 28)
// 48 (Doc 9303-13 visa profile; the BSI TR-03137 annex F worked example). The emergency travel
// document's MRZ feature is 48 bytes: a whole TD2 MRZ, 2 × 36.
const MRZ_LAYOUTS = {
  'MRV-A': { line1: 44, line2: 28, bytes: 48 },
  'MRV-B': { line1: 36, line2: 28, bytes: 44 },
  TD2: { line1: 36, line2: 36, bytes: 48 },
} as const;
type MrzFormat = keyof typeof MRZ_LAYOUTS;

/** An MRZ as a seal carries it, with its line 2 fields read. */
export interface SealMrz {
  format: MrzFormat;
  line1: string;
  /** The characters of line 2 the seal carries: 28 for a visa (no optional data), 36 for TD2. */
  line2: string;
  /** The holder's name from line 1: primary and secondary identifiers, fillers as spaces. */
  surname: string;
  givenNames: string;
  fields: MrzLine2Fields;
}

/** The message zone of a visa seal, decoded. */
export interface VisaContent {
  kind: 'visa';
  mrz: SealMrz;
  /** 0 means as many entries as the stay allows (unlimited); null when the seal does not say. */
  numberOfEntries: number | null;
  durationOfStay: { days: number; months: number; years: number };
  passportNumber: string;
  /** The issuer's visa type code, hex; null when absent. */
  visaType: string | null;
  additionalFeatures: string | null;
}

/** The message zone of an emergency travel document (laissez-passer) seal, decoded. */
export interface EtdContent {
  kind: 'emergency_travel_document';
  mrz: SealMrz;
}

/** A seal of a document type this codec has no profile for: its features stay raw. */
export interface OtherContent {
  kind: 'other';
}

export type SealContent = VisaContent | EtdContent | OtherContent;

function readMrz(value: Uint8Array, format: MrzFormat, referenceYear: number): SealMrz {
  const layout = MRZ_LAYOUTS[format];
  if (value.length !== layout.bytes) {
    throw new VdsMalformedError('bad_feature', `${format} MRZ of ${value.length} bytes, not ${layout.bytes}`);
  }
  const text = decodeC40(value).replaceAll(' ', '<');
  if (text.length !== layout.line1 + layout.line2) {
    throw new VdsMalformedError('bad_feature', `${format} MRZ of ${text.length} characters`);
  }
  const line1 = text.slice(0, layout.line1);
  const line2 = text.slice(layout.line1);
  const fields = readLine2Head(line2, referenceYear);
  if (!fields)
    throw new VdsMalformedError('bad_feature', `${format} MRZ line 2 has no valid expiry date or sex`);
  const [surname = '', givenNames = ''] = line1.slice(5).split('<<');
  const spaced = (part: string) => part.replace(/<+$/, '').replaceAll('<', ' ');
  return { format, line1, line2, surname: spaced(surname), givenNames: spaced(givenNames), fields };
}

function only(features: Map<number, Uint8Array>, tag: number, length?: number): Uint8Array | null {
  const value = features.get(tag);
  if (value && length !== undefined && value.length !== length) {
    throw new VdsMalformedError(
      'bad_feature',
      `feature 0x${tag.toString(16)} of ${value.length} bytes, not ${length}`,
    );
  }
  return value ?? null;
}

function required(value: Uint8Array | null, what: string): Uint8Array {
  if (!value) throw new VdsMalformedError('missing_feature', `no ${what}`);
  return value;
}

/** Reads the visa profile's features; unknown tags are allowed (they stay in the raw list). */
export function readVisaContent(features: Map<number, Uint8Array>, referenceYear: number): VisaContent {
  const mrvA = only(features, VisaTag.MrzMrvA);
  const mrvB = only(features, VisaTag.MrzMrvB);
  if (mrvA && mrvB) throw new VdsMalformedError('bad_feature', 'both an MRV-A and an MRV-B MRZ');
  const mrz = mrvA
    ? readMrz(mrvA, 'MRV-A', referenceYear)
    : readMrz(required(mrvB, 'visa MRZ'), 'MRV-B', referenceYear);
  const entries = only(features, VisaTag.NumberOfEntries, 1);
  const stay = required(only(features, VisaTag.DurationOfStay, 3), 'duration of stay');
  const passport = decodeC40(required(only(features, VisaTag.PassportNumber, 6), 'passport number'));
  if (!/^[A-Z0-9][A-Z0-9 ]{8}$/.test(passport)) throw new VdsMalformedError('bad_feature', 'passport number');
  const visaType = only(features, VisaTag.VisaType);
  if (visaType && (visaType.length < 1 || visaType.length > 4)) {
    throw new VdsMalformedError('bad_feature', 'visa type of more than 4 bytes');
  }
  const additional = only(features, VisaTag.AdditionalFeatures);
  return {
    kind: 'visa',
    mrz,
    numberOfEntries: entries ? entries[0]! : null,
    durationOfStay: { days: stay[0]!, months: stay[1]!, years: stay[2]! },
    passportNumber: passport.trimEnd(),
    visaType: visaType ? toHex(visaType) : null,
    additionalFeatures: additional ? toHex(additional) : null,
  };
}

/** Reads the emergency travel document profile's MRZ. */
export function readEtdContent(features: Map<number, Uint8Array>, referenceYear: number): EtdContent {
  return {
    kind: 'emergency_travel_document',
    mrz: readMrz(required(only(features, EtdTag.Mrz), 'MRZ'), 'TD2', referenceYear),
  };
}
