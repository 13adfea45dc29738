import { ByteReader } from './bytes.js';
import { VdsMalformedError } from './errors.js';
import { type Feature, readEtdContent, readVisaContent, type SealContent } from './features.js';
import { DocumentTypes, decodeHeader, type SealHeader } from './header.js';

// Decoding a seal, with no schema library: the verifier page loads this, not the encoders.

/** The tag that opens the signature zone (Doc 9303-13 §2.2.3); no feature may use it. */
export const SIGNATURE_TAG = 0xff;

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
