import type { z } from 'zod';
import { concatBytes, encodeBerLength } from './bytes.js';
import { SIGNATURE_TAG } from './decode.js';
import { parseInput } from './errors.js';
import { DocumentTypes, encodeHeader } from './header.js';
import {
  EtdMessageSchema,
  encodeEtdMessage,
  encodeVisaMessage,
  HeaderInputSchema,
  VisaMessageSchema,
} from './messages.js';

export { type DecodedSeal, decodeSeal, SIGNATURE_TAG } from './decode.js';

/** What a visa seal is made of, before it is signed. */
export const VisaSealInputSchema = VisaMessageSchema.extend({ header: HeaderInputSchema });
export type VisaSealInput = z.input<typeof VisaSealInputSchema>;

/** What a laissez-passer seal is made of, before it is signed. */
export const EtdSealInputSchema = EtdMessageSchema.extend({ header: HeaderInputSchema });
export type EtdSealInput = z.input<typeof EtdSealInputSchema>;

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
