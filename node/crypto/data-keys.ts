import { sodium, utf8 } from '../../protocol/index.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { DATA_KEY_BYTES } from './key-file.js';

/**
 * The subkeys of the mission's data key, one per purpose, so that no key ever serves two
 * algorithms and a leak of one derived key (say, the backup key given to an operator) does not
 * open the others.
 */
export interface DataKeys {
  /** XChaCha20-Poly1305 key for personal fields and the outbox's event data. */
  readonly field: Uint8Array;
  /** BLAKE2b key for the blind indexes (phone, ID number). */
  readonly index: Uint8Array;
  /** secretstream key for scanned documents. */
  readonly document: Uint8Array;
  /** secretstream key for backups. */
  readonly backup: Uint8Array;
  /** BLAKE2b key for the record digests in the audit log. */
  readonly audit: Uint8Array;
  /** XChaCha20-Poly1305 key for the record copies the hub keeps for this mission but cannot read. */
  readonly records: Uint8Array;
  /** XChaCha20-Poly1305 key for the chunks of off-site backups (node/backup/offsite). */
  readonly offsiteChunk: Uint8Array;
  /** HMAC-SHA-256 key that derives each off-site chunk's nonce from its plaintext. */
  readonly offsiteNonce: Uint8Array;
}

// crypto_kdf contexts are exactly 8 bytes. Subkey ids are part of the format: never renumber.
const KDF_CONTEXT = 'ecdata01';
const SUBKEY_IDS = {
  field: 1,
  index: 2,
  document: 3,
  backup: 4,
  audit: 5,
  records: 6,
  offsiteChunk: 7,
  offsiteNonce: 8,
} as const;

/** Derives the purpose subkeys with crypto_kdf (BLAKE2b). Call after protocol's `ready()`. */
export function deriveDataKeys(dataKey: Uint8Array): DataKeys {
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `a data key is ${DATA_KEY_BYTES} bytes`);
  }
  const derive = (id: number) => sodium.crypto_kdf_derive_from_key(32, id, KDF_CONTEXT, dataKey);
  return Object.freeze({
    field: derive(SUBKEY_IDS.field),
    index: derive(SUBKEY_IDS.index),
    document: derive(SUBKEY_IDS.document),
    backup: derive(SUBKEY_IDS.backup),
    audit: derive(SUBKEY_IDS.audit),
    records: derive(SUBKEY_IDS.records),
    offsiteChunk: derive(SUBKEY_IDS.offsiteChunk),
    offsiteNonce: derive(SUBKEY_IDS.offsiteNonce),
  });
}

/**
 * A public fingerprint of the data key (hex, 128 bits), stored in the database so that starting
 * with the wrong key file is refused at once instead of failing on the first personal field.
 * Keyed BLAKE2b is a PRF: the fingerprint reveals nothing about the key.
 */
export function dataKeyFingerprint(keys: DataKeys): string {
  return sodium.crypto_generichash(16, utf8('econsulat/v1/data-key-fingerprint'), keys.index, 'hex');
}
