import type { z } from 'zod';
import { ByteReader, concatBytes, encodeBerLength } from './bytes.js';
import { parseInput, VdsMalformedError } from './errors.js';
import {
  EtdMessageSchema,
  encodeEtdMessage,
  encodeVisaMessage,
  type Feature,
  readEtdContent,
  readVisaContent,
  type SealContent,
  VisaMessageSchema,
} from './features.js';
import { DocumentTypes, decodeHeader, encodeHeader, HeaderInputSchema, type SealHeader } from './header.js';

/** The tag that opens the signature zone (Doc 9303-13 §2.2.3); no feature may use it. */
export const SIGNATURE_TAG = 0xff;

/** What a visa seal is made of, before it is signed. */
export const VisaSealInputSchema = VisaMessageSchema.extend({ header: HeaderInputSchema });
export type VisaSealInput = z.input<typeof VisaSealInputSchema>;

/** What a laissez-passer seal is made of, before it is signed. */
export const EtdSealInputSchema = EtdMessageSchema.extend({ header: HeaderInputSchema });
export type EtdSealInput = z.input<typeof EtdSealInputSchema>;

/** A decoded seal: its header, its document's content, the raw features, and what was signed. */
export interface DecodedSeal {
  header: SealHeader;
  content: SealContent;
  /** Every feature of the message zone in order, known tags or not. */
  features: Feature[];
  /** The signature as it stands in the seal (r‖s for ECDSA). */
  signature: Uint8Array;
  /** Header and message zone: the bytes the signature covers. */
  signedBytes: Uint8Array;
}

/** The header and message zone of a visa seal: the bytes to sign. */
export function encodeVisaSealBody(input: VisaSealInput): Uint8Array {
  const parsed = parseInput(VisaSealInputSchema, input, 'visa seal');
  return concatBytes([encodeHeader(parsed.header, DocumentTypes.visa), encodeVisaMessage(parsed)]);
}

/** The header and message zone of a laissez-passer seal: the bytes to sign. */
export function encodeEtdSealBody(input: EtdSealInput): Uint8Array {
  const parsed = parseInput(EtdSealInputSchema, input, 'laissez-passer seal');
  return concatBytes([
    encodeHeader(parsed.header, DocumentTypes.emergencyTravelDocument),
    encodeEtdMessage(parsed),
  ]);
}

/** A whole seal: the signed body, then the signature zone (tag 0xFF, BER length, signature). */
export function appendSignature(body: Uint8Array, signature: Uint8Array): Uint8Array {
  return concatBytes([body, Uint8Array.of(SIGNATURE_TAG), encodeBerLength(signature.length), signature]);
}

/**
 * Decodes a seal. Refuses with a {@link VdsMalformedError} (and nothing else) whatever breaks
 * Doc 9303-13 or this codec's visa and laissez-passer profiles: a bad magic or version, bad C40,
 * a day that does not exist, a length running past the end, a repeated feature, no signature
 * zone, bytes after it. The signature is not checked here: see verify.ts.
 */
export function decodeSeal(bytes: Uint8Array): DecodedSeal {
  try {
    return decode(bytes);
  } catch (error) {
    if (error instanceof VdsMalformedError) throw error;
    throw new VdsMalformedError('bad_feature', error instanceof Error ? error.message : String(error));
  }
}

function decode(bytes: Uint8Array): DecodedSeal {
  const reader = new ByteReader(bytes);
  const header = decodeHeader(reader);
  const features: Feature[] = [];
  const byTag = new Map<number, Uint8Array>();
  while (reader.remaining > 0 && reader.peek() !== SIGNATURE_TAG) {
    const tag = reader.byte('feature tag');
    const value = reader.take(
      reader.berLength(`feature 0x${tag.toString(16)}`),
      `feature 0x${tag.toString(16)}`,
    );
    if (byTag.has(tag))
      throw new VdsMalformedError('duplicate_feature', `feature 0x${tag.toString(16)} twice`);
    byTag.set(tag, value);
    features.push({ tag, value });
  }
  if (features.length === 0) throw new VdsMalformedError('missing_feature', 'an empty message zone');
  const signedBytes = bytes.subarray(0, reader.offset);
  if (reader.remaining === 0) throw new VdsMalformedError('missing_signature', 'no signature zone');
  reader.byte('signature tag');
  const signature = reader.take(reader.berLength('signature'), 'signature');
  if (signature.length === 0) throw new VdsMalformedError('missing_signature', 'an empty signature');
  if (reader.remaining > 0)
    throw new VdsMalformedError('trailing_bytes', `${reader.remaining} bytes after the signature`);
  const content = readContent(header, byTag);
  return { header, content, features, signature, signedBytes };
}

function readContent(header: SealHeader, features: Map<number, Uint8Array>): SealContent {
  const year = Number(header.documentIssueDate.slice(0, 4));
  const { visa, emergencyTravelDocument: etd } = DocumentTypes;
  const ref = header.featureDefinitionReference;
  const category = header.documentTypeCategory;
  if (ref === visa.featureDefinitionReference && category === visa.documentTypeCategory) {
    return readVisaContent(features, year);
  }
  if (ref === etd.featureDefinitionReference && category === etd.documentTypeCategory) {
    return readEtdContent(features, year);
  }
  return { kind: 'other' };
}
