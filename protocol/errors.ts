/**
 * Why open() refused an envelope. Each reason is a stable code: it is counted in /metrics, written
 * in logs and documented in PROTOCOL.md, so a log line greps to one definition.
 */
export const Refusal = {
  /** Too short, bad magic, truncated header, bad UTF-8, or a body that is not a valid message. */
  Malformed: 'malformed',
  /** The version byte names a wire format this code does not speak. */
  UnknownVersion: 'unknown_version',
  /** No enrolled key for this sender and key id. */
  UnknownSender: 'unknown_sender',
  /** The sender's key is on the revocation list for the time the message claims. */
  RevokedKey: 'revoked_key',
  /**
   * Sealed by a key a rotation replaced, at a channel sequence after the rotation's: the old key
   * delivers what it sealed up to the rotation, never anything after, whatever timestamp it claims.
   */
  KeySuperseded: 'key_superseded',
  /** The sender's certificate was not valid at the time the message claims. */
  ExpiredKey: 'expired_key',
  /** Addressed to another party: refused even when it decrypts (surreptitious forwarding). */
  WrongRecipient: 'wrong_recipient',
  /** The header MAC does not match: the header changed on the way, or was sealed to another key of ours. */
  HeaderAltered: 'header_altered',
  /** The AEAD tag does not verify: the ciphertext changed on the way. */
  DecryptionFailed: 'decryption_failed',
  /** Decrypts, but the Ed25519 signature over header and body does not verify. */
  BadSignature: 'bad_signature',
  /** Already applied on this channel: a duplicate delivery or a replay, however old. */
  Duplicate: 'duplicate',
  /** Timestamped further in the future than the configured bound. The past is never bounded. */
  ClockSkew: 'clock_skew',
  /** Larger than the configured bound, before or after decompression. */
  TooLarge: 'too_large',
} as const;

/** One of the refusal codes of {@link Refusal}. */
export type RefusalReason = (typeof Refusal)[keyof typeof Refusal];

/** Every refusal code, in the order open() checks them. */
export const refusalReasons: readonly RefusalReason[] = Object.values(Refusal);

/** The result union of untrusted-input functions: callers must branch on `ok`. */
export type Result<T> = { ok: true; value: T } | { ok: false; reason: RefusalReason; detail: string };

/** Builds a refusal result. */
export function refuse(
  reason: RefusalReason,
  detail: string,
): { ok: false; reason: RefusalReason; detail: string } {
  return { ok: false, reason, detail };
}
