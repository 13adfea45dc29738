import { CodedError } from '../../common/errors/coded-error.js';
/**
 * Why a data-protection operation refused. Stable codes, as in the rest of the node: runbooks and
 * log searches name them.
 */
export const CryptoErrorCode = {
  /** createDataKeyFile found a file already there: a key is never overwritten by accident. */
  KeyFileExists: 'key_file_exists',
  /** The key file is readable by the group or by others. */
  KeyFileExposed: 'key_file_exposed',
  /** The key file is not in the expected format or the key has the wrong length. */
  KeyFileMalformed: 'key_file_malformed',
  /** A passphrase shorter than the minimum was offered to wrap the data key. */
  WeakPassphrase: 'weak_passphrase',
  /** The passphrase does not open the wrapped data key (or the file was altered). */
  WrongPassphrase: 'wrong_passphrase',
  /** The data key is wrapped and no passphrase could be asked for (no terminal, no file given). */
  PassphraseUnavailable: 'passphrase_unavailable',
  /** systemd-creds could not seal or open the data key (another machine, a changed TPM…). */
  CredentialFailed: 'credential_failed',
  /** A ciphertext did not authenticate: wrong key, altered bytes, or moved to another row. */
  DecryptionFailed: 'decryption_failed',
  /** The version byte names a format this code does not read. */
  UnknownFormat: 'unknown_format',
  /** An encrypted document ended before its final chunk. */
  Truncated: 'truncated',
} as const;

/** One of the codes of {@link CryptoErrorCode}. */
export type CryptoErrorCodeValue = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/**
 * A refusal of the data-protection layer. Decryption failures throw rather than return a result:
 * the input is the node's own database or document store, and a failure there means tampering or
 * the wrong key — nothing a caller can recover from inline.
 */
export class CryptoError extends CodedError<CryptoErrorCodeValue> {
  override readonly name = 'CryptoError';
}
