import { concatBytes, fromUtf8, sodium, utf8 } from '../../protocol/index.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { nonceBytes } from './nonce-pool.js';

/** Where a ciphertext lives. It is authenticated with the value, so a copy elsewhere fails to decrypt. */
export interface FieldBinding {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

/** Version byte of a stored field: XChaCha20-Poly1305-IETF, 24-byte random nonce, AD = binding. */
export const FIELD_FORMAT_V1 = 0x01;

const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/**
 * Encrypts one personal value for storage in a BLOB column:
 * `version (1) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`.
 */
export function encryptField(
  key: Uint8Array,
  plaintext: string | Uint8Array,
  binding: FieldBinding,
): Uint8Array {
  const message = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
  // The OS CSPRNG, a page at a time: libsodium.js's randombytes_buf costs ~60 µs a call here,
  // more than the encryption itself, and a system call per nonce was the next cost.
  const nonce = nonceBytes(NONCE_BYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    message,
    associatedData(FIELD_FORMAT_V1, binding),
    null,
    nonce,
    key,
  );
  return concatBytes(Uint8Array.of(FIELD_FORMAT_V1), nonce, sealed);
}

/** Decrypts a field to bytes; throws {@link CryptoError} when it does not authenticate. */
export function decryptFieldBytes(key: Uint8Array, stored: Uint8Array, binding: FieldBinding): Uint8Array {
  const version = stored[0];
  if (version !== FIELD_FORMAT_V1) {
    throw new CryptoError(CryptoErrorCode.UnknownFormat, `field format ${String(version)} is unknown`);
  }
  if (stored.length < 1 + NONCE_BYTES + TAG_BYTES) throw failed(binding);
  const nonce = stored.subarray(1, 1 + NONCE_BYTES);
  const sealed = stored.subarray(1 + NONCE_BYTES);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed,
      associatedData(version, binding),
      nonce,
      key,
    );
  } catch (cause) {
    throw failed(binding, cause);
  }
}

/** Decrypts a text field; throws {@link CryptoError} when it does not authenticate. */
export function decryptField(key: Uint8Array, stored: Uint8Array, binding: FieldBinding): string {
  return fromUtf8(decryptFieldBytes(key, stored, binding));
}

/** Encrypts an optional value: absent stays NULL (its absence is not a secret worth a ciphertext). */
export function encryptOptional(
  key: Uint8Array,
  plaintext: string | undefined | null,
  binding: FieldBinding,
): Uint8Array | null {
  return plaintext === undefined || plaintext === null ? null : encryptField(key, plaintext, binding);
}

/** Decrypts an optional value stored by {@link encryptOptional}. */
export function decryptOptional(
  key: Uint8Array,
  stored: Uint8Array | null,
  binding: FieldBinding,
): string | undefined {
  return stored === null ? undefined : decryptField(key, stored, binding);
}

// NUL-separated: table and column names are identifiers and row ids are record ids, none holds NUL,
// so two different bindings never produce the same bytes. The version byte is bound too.
function associatedData(version: number, binding: FieldBinding): Uint8Array {
  const text = `econsulat/field\0${binding.table}\0${binding.column}\0${binding.rowId}`;
  if (/\0/.test(binding.table + binding.column + binding.rowId)) throw new TypeError('binding holds NUL');
  return concatBytes(Uint8Array.of(version), utf8(text));
}

function failed(binding: FieldBinding, cause?: unknown): CryptoError {
  return new CryptoError(
    CryptoErrorCode.DecryptionFailed,
    `${binding.table}.${binding.column} of ${binding.rowId} does not decrypt (wrong key, altered or moved)`,
    { cause },
  );
}
