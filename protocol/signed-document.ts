import { canonicalJson, concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import type { Identity } from './keys.js';
import { sodium } from './sodium.js';

/**
 * A JSON document signed with Ed25519 over `context ‖ 0x0a ‖ canonicalJson(document without signature)`.
 * The context string differs per document kind, so a signature made for one kind never verifies as another.
 */
export type Signed<T> = T & { signature: string };

function signedBytes(context: string, payload: object): Uint8Array {
  return concatBytes(utf8(`${context}\n`), utf8(canonicalJson(payload)));
}

/** Signs a document with the signer's Ed25519 key. */
export function signDocument<T extends object>(context: string, payload: T, signer: Identity): Signed<T> {
  const signature = sodium.crypto_sign_detached(signedBytes(context, payload), signer.signSecretKey);
  return { ...payload, signature: toBase64Url(signature) };
}

/** Verifies a signed document; never throws, returns false on any defect. */
export function verifyDocument(
  context: string,
  document: Signed<object>,
  signPublicKey: Uint8Array,
): boolean {
  try {
    const { signature, ...payload } = document;
    const signatureBytes = fromBase64Url(signature, 64);
    return sodium.crypto_sign_verify_detached(signatureBytes, signedBytes(context, payload), signPublicKey);
  } catch {
    return false;
  }
}
