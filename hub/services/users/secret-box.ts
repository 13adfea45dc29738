import { concatBytes, fromUtf8, ready, sodium, utf8 } from '../../../protocol/index.js';

/** Length of the key that protects users' TOTP secrets and keys their recovery codes' hashes. */
export const SECRETS_KEY_BYTES = 32;

/** Misuse, not input: a key of the wrong size is a bug in the caller's key derivation. */
export function assertSecretsKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SECRETS_KEY_BYTES) {
    throw new TypeError(`secretsKey must be ${SECRETS_KEY_BYTES} bytes`);
  }
}

// The user id is the associated data: a ciphertext copied onto another account does not open.
function binding(userId: string): Uint8Array {
  return utf8(`econsulat/hub-user-totp\0${userId}`);
}

/** XChaCha20-Poly1305 of a TOTP secret for one user: nonce ‖ ciphertext. */
export async function sealTotpSecret(key: Uint8Array, userId: string, secret: string): Promise<Uint8Array> {
  assertSecretsKey(key);
  await ready();
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    utf8(secret),
    binding(userId),
    null,
    nonce,
    key,
  );
  return concatBytes(nonce, sealed);
}

/** Opens what {@link sealTotpSecret} sealed; throws when the key or the user is not the same. */
export async function openTotpSecret(key: Uint8Array, userId: string, box: Uint8Array): Promise<string> {
  assertSecretsKey(key);
  await ready();
  const size = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const bytes = new Uint8Array(box);
  const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    bytes.subarray(size),
    binding(userId),
    bytes.subarray(0, size),
    key,
  );
  return fromUtf8(plain);
}
