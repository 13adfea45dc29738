import { createCipheriv, createDecipheriv } from 'node:crypto';
import { sodium } from '../../protocol/index.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/**
 * XChaCha20-Poly1305 (IETF) through Node's native ChaCha20-Poly1305, for bulk data: the same bytes
 * as libsodium's `crypto_aead_xchacha20poly1305_ietf_encrypt` (ciphertext ‖ tag), several times
 * faster than its WebAssembly on megabytes. The construction is libsodium's and the draft RFC's
 * (draft-irtf-cfrg-xchacha): HChaCha20 of the key and the nonce's first 16 bytes gives a subkey,
 * used with a 12-byte nonce of four zero bytes and the nonce's last 8. What `prefix` holds comes
 * first in the buffer returned, unsealed.
 */
export function xchachaSeal(
  plain: Uint8Array,
  ad: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
  prefix: readonly Uint8Array[] = [],
): Uint8Array {
  const { subkey, iv } = derive(nonce, key);
  const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(ad, { plaintextLength: plain.length });
  const head = cipher.update(plain);
  const tail = cipher.final();
  // `prefix` goes in the same buffer, so that a caller framing the result copies megabytes once.
  return Buffer.concat([...prefix, head, tail, cipher.getAuthTag()]);
}

/** Opens what {@link xchachaSeal} (or libsodium) sealed; throws when it does not authenticate. */
export function xchachaOpen(
  sealed: Uint8Array,
  ad: Uint8Array,
  nonce: Uint8Array,
  key: Uint8Array,
): Uint8Array {
  if (sealed.length < TAG_BYTES) throw new RangeError('sealed bytes shorter than their tag');
  const { subkey, iv } = derive(nonce, key);
  const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
  const cipherLength = sealed.length - TAG_BYTES;
  decipher.setAAD(ad, { plaintextLength: cipherLength });
  decipher.setAuthTag(sealed.subarray(cipherLength));
  const head = decipher.update(sealed.subarray(0, cipherLength));
  // final() throws on a wrong tag: nothing of `head` is returned then.
  const tail = decipher.final();
  return Buffer.concat([head, tail]);
}

function derive(nonce: Uint8Array, key: Uint8Array): { subkey: Uint8Array; iv: Uint8Array } {
  if (key.length !== KEY_BYTES) throw new RangeError(`a key of ${KEY_BYTES} bytes is needed`);
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`a nonce of ${NONCE_BYTES} bytes is needed`);
  const subkey = sodium.crypto_core_hchacha20(nonce.subarray(0, 16), key, null);
  const iv = new Uint8Array(12);
  iv.set(nonce.subarray(16), 4);
  return { subkey, iv };
}
