import { type ByteReader, concatBytes, decodeDate, encodeDate } from './bytes.js';
import { c40ByteLength, decodeC40, encodeC40 } from './c40.js';
import { VdsMalformedError } from './errors.js';

/** The first byte of every seal (Doc 9303-13 §2.2.1). */
export const VDS_MAGIC = 0xdc;
/** The version byte of a version 4 seal: the byte is the version minus one. */
export const VDS_VERSION_4 = 0x03;
const VDS_VERSION_3 = 0x02;

/** The document types this codec writes, as the two header bytes that name them (Doc 9303-13 §4). */
export const DocumentTypes = {
  /** Visa: document feature definition reference 0x5D (93), document type category 0x01. */
  visa: { featureDefinitionReference: 0x5d, documentTypeCategory: 0x01 },
  /** Emergency travel document: feature definition reference 0x5E (94), category 0x03. */
  emergencyTravelDocument: { featureDefinitionReference: 0x5e, documentTypeCategory: 0x03 },
} as const;

/** A decoded seal header. */
export interface SealHeader {
  /** The version of Doc 9303-13 (4 for byte 0x03, 3 for byte 0x02). */
  version: 3 | 4;
  /** The issuing state or organisation, as its three-letter code (`CAF`, `D<<`). */
  issuingCountry: string;
  /** Two letters of country and two of signer (`CFPA`). */
  signerIdentifier: string;
  /** The signer certificate's reference: its serial number in upper-case hex (version 4). */
  certificateReference: string;
  /** ISO dates. */
  documentIssueDate: string;
  signatureCreationDate: string;
  featureDefinitionReference: number;
  documentTypeCategory: number;
}

/** What the issuer writes in a version 4 header; the document type comes from the profile. */
export interface HeaderFields {
  issuingCountry: string;
  signerIdentifier: string;
  certificateReference: string;
  documentIssueDate: string;
  signatureCreationDate: string;
}

/**
 * A version 4 header (Doc 9303-13 §2.2.1): magic, version, issuing country (C40), signer identifier
 * and certificate reference as one C40 string — 4 characters of signer, 2 hex digits giving the
 * reference's length, the reference —, issue and signature dates, feature reference, category.
 */
export function encodeHeader(
  header: HeaderFields,
  type: { featureDefinitionReference: number; documentTypeCategory: number },
): Uint8Array {
  const ref = header.certificateReference;
  const signer = `${header.signerIdentifier}${ref.length.toString(16).toUpperCase().padStart(2, '0')}${ref}`;
  return concatBytes([
    Uint8Array.of(VDS_MAGIC, VDS_VERSION_4),
    encodeC40(header.issuingCountry),
    encodeC40(signer),
    encodeDate(header.documentIssueDate),
    encodeDate(header.signatureCreationDate),
    Uint8Array.of(type.featureDefinitionReference, type.documentTypeCategory),
  ]);
}

/** Reads a version 4 header, or a version 3 one (fixed 9-character signer reference). */
export function decodeHeader(reader: ByteReader): SealHeader {
  if (reader.byte('magic') !== VDS_MAGIC)
    throw new VdsMalformedError('bad_magic', 'the first byte is not 0xDC');
  const versionByte = reader.byte('version');
  if (versionByte !== VDS_VERSION_4 && versionByte !== VDS_VERSION_3) {
    throw new VdsMalformedError('unsupported_version', `version byte 0x${versionByte.toString(16)}`);
  }
  const issuingCountry = decodeC40(reader.take(2, 'issuing country')).replaceAll(' ', '<');
  if (!/^[A-Z][A-Z<]{2}$/.test(issuingCountry)) {
    throw new VdsMalformedError('bad_c40', `issuing country "${issuingCountry}"`);
  }
  const { signerIdentifier, certificateReference } =
    versionByte === VDS_VERSION_4 ? readSignerV4(reader) : readSignerV3(reader);
  return {
    version: versionByte === VDS_VERSION_4 ? 4 : 3,
    issuingCountry,
    signerIdentifier,
    certificateReference,
    documentIssueDate: decodeDate(reader.take(3, 'document issue date')),
    signatureCreationDate: decodeDate(reader.take(3, 'signature creation date')),
    featureDefinitionReference: reader.byte('document feature definition reference'),
    documentTypeCategory: reader.byte('document type category'),
  };
}

function checkSignerIdentifier(id: string): string {
  if (!/^[A-Z]{2}[A-Z0-9]{2}$/.test(id))
    throw new VdsMalformedError('bad_signer_reference', `signer "${id}"`);
  return id;
}

function readSignerV4(reader: ByteReader): { signerIdentifier: string; certificateReference: string } {
  const start = reader.offset;
  const lead = decodeC40(reader.take(4, 'signer identifier'));
  const lengthHex = lead.slice(4, 6);
  if (lead.length !== 6 || !/^[0-9A-F]{2}$/.test(lengthHex)) {
    throw new VdsMalformedError('bad_signer_reference', `certificate reference length "${lengthHex}"`);
  }
  const total = 6 + Number.parseInt(lengthHex, 16);
  const rest = decodeC40(reader.take(c40ByteLength(total) - 4, 'certificate reference'));
  const whole = lead + rest;
  if (whole.length !== total || !/^[A-Z0-9]*$/.test(rest)) {
    throw new VdsMalformedError('bad_signer_reference', `certificate reference at offset ${start}`);
  }
  return { signerIdentifier: checkSignerIdentifier(whole.slice(0, 4)), certificateReference: rest };
}

function readSignerV3(reader: ByteReader): { signerIdentifier: string; certificateReference: string } {
  const text = decodeC40(reader.take(6, 'signer and certificate reference'));
  if (!/^[A-Z0-9]{9}$/.test(text)) throw new VdsMalformedError('bad_signer_reference', `"${text}"`);
  return { signerIdentifier: checkSignerIdentifier(text.slice(0, 4)), certificateReference: text.slice(4) };
}
