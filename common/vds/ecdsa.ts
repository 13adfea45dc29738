import { type CryptoKey, subtle } from './webcrypto.js';

/** ECDSA with SHA-256; the curve is the key's (P-256 for seals). */
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Whether `signature` (r‖s) is a valid ECDSA SHA-256 signature of `data` under `publicKey`. */
export function isValidSignature(
  publicKey: CryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  return subtle.verify(ECDSA_SHA256, publicKey, signature, data);
}
