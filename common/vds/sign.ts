import { ECDSA_SHA256 } from './ecdsa.js';
import {
  appendSignature,
  type EtdSealInput,
  encodeEtdSealBody,
  encodeVisaSealBody,
  type VisaSealInput,
} from './seal.js';
import { type CryptoKey, subtle } from './webcrypto.js';

function assertP256SigningKey(key: CryptoKey): void {
  const algorithm = key.algorithm as { name?: string; namedCurve?: string };
  if (key.type !== 'private' || algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256') {
    throw new TypeError('a seal is signed with an ECDSA P-256 private key');
  }
}

/**
 * Signs a seal's header and message zone with ECDSA P-256 over SHA-256 and returns the whole seal.
 * WebCrypto gives the signature as r‖s (IEEE P1363), 64 bytes, which is what Doc 9303-13 stores.
 */
export async function signSealBody(body: Uint8Array, privateKey: CryptoKey): Promise<Uint8Array> {
  assertP256SigningKey(privateKey);
  const signature = new Uint8Array(await subtle.sign(ECDSA_SHA256, privateKey, body));
  return appendSignature(body, signature);
}

/** A signed visa seal (document type 0x5D01). Bad input is a `vds_invalid_input` refusal. */
export function signVisaSeal(input: VisaSealInput, privateKey: CryptoKey): Promise<Uint8Array> {
  return signSealBody(encodeVisaSealBody(input), privateKey);
}

/** A signed laissez-passer seal (emergency travel document, 0x5E03). */
export function signEtdSeal(input: EtdSealInput, privateKey: CryptoKey): Promise<Uint8Array> {
  return signSealBody(encodeEtdSealBody(input), privateKey);
}
