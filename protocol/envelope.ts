import { channelKeys } from './channel-keys.js';
import { compressIfWorthIt, inflateBounded } from './compression.js';
import { bytesEqual, concatBytes, fromUtf8, randomBytes, toHex, utf8 } from './encoding.js';
import { Refusal, type Result, refuse } from './errors.js';
import { decodeHeader, encodeHeader, type Header, MESSAGE_ID_BYTES, WIRE_VERSION } from './header.js';
import type { Identity, PublicIdentity } from './keys.js';
import {
  type AnyMessage,
  controlMessageTypes,
  isMessageType,
  type MessageBody,
  type MessageType,
  messageSchemas,
} from './messages/index.js';
import { sodium } from './sodium.js';
import type { TrustedKey, TrustResolver } from './trust.js';

const SIGNATURE_CONTEXT = utf8('econsulat/v1/envelope\n');
const HEADER_MAC_BYTES = 16;
const NONCE_BYTES = 24;
const SIGNATURE_BYTES = 64;
const AEAD_TAG_BYTES = 16;
const FLAG_DEFLATE = 0x01;

/** Default upper bound of an envelope on the wire. */
export const DEFAULT_MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;
/** Default upper bound of a body once inflated. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Default bound on how far in the future a timestamp may be. The past is never bounded. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 10 * 60 * 1000;

/** What the sender chooses for one message. */
export interface SealInput<T extends MessageType> {
  readonly sender: Identity;
  readonly recipient: PublicIdentity;
  readonly type: T;
  readonly body: MessageBody<T>;
  /** Channel sequence: ≥ 1 for sequenced types, 0 for control types. */
  readonly seq: number;
  /** Milliseconds since the epoch, from the caller's clock. */
  readonly timestamp: number;
  /** Fixed only by test vectors; random otherwise. */
  readonly messageId?: string;
  /** Fixed only by test vectors; random otherwise. */
  readonly nonce?: Uint8Array;
}

/**
 * Seals a message: compress (when it pays) → sign (header, flags, body) → encrypt with the header as
 * associated data. Throws TypeError on misuse (a body that fails its schema, a bad sequence).
 */
export function seal<T extends MessageType>(input: SealInput<T>): Uint8Array {
  const body = messageSchemas[input.type].safeParse(input.body);
  if (!body.success)
    throw new TypeError(`body of ${input.type} does not match its schema: ${body.error.message}`);
  const isControl = controlMessageTypes.has(input.type);
  if (isControl ? input.seq !== 0 : input.seq < 1) {
    throw new TypeError(`${input.type} must carry ${isControl ? 'sequence 0' : 'a sequence ≥ 1'}`);
  }
  const header: Header = {
    version: WIRE_VERSION,
    messageId: input.messageId ?? toHex(randomBytes(MESSAGE_ID_BYTES)),
    type: input.type,
    from: input.sender.partyId,
    to: input.recipient.partyId,
    seq: input.seq,
    timestamp: input.timestamp,
    keyId: input.sender.keyId,
  };
  const aad = encodeHeader(header);
  const plain = utf8(JSON.stringify(body.data));
  const deflated = compressIfWorthIt(plain);
  const flags = Uint8Array.of(deflated ? FLAG_DEFLATE : 0);
  const payload = deflated ?? plain;
  const signature = sodium.crypto_sign_detached(
    concatBytes(SIGNATURE_CONTEXT, aad, flags, payload),
    input.sender.signSecretKey,
  );
  const keys = channelKeys(input.sender, input.recipient, true);
  const mac = sodium.crypto_generichash(HEADER_MAC_BYTES, aad, keys.macKey);
  const nonce = input.nonce ?? randomBytes(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) throw new TypeError('nonce is 24 bytes');
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    concatBytes(flags, signature, payload),
    aad,
    null,
    nonce,
    keys.aeadKey,
  );
  return concatBytes(aad, mac, nonce, ciphertext);
}

/** Per-channel receive state that open() consults to refuse duplicates and replays. */
export interface ReceiveState {
  /** Highest sequence applied from this sender (0 when none). */
  appliedUpTo(from: string): number;
  /** Timestamp of the newest control message taken from this sender (0 when none). */
  lastControlAt(from: string): number;
}

/** What the receiver knows when it opens an envelope. */
export interface OpenContext {
  /** The receiver's identity; the header's `to` must be its party id. */
  readonly self: Identity;
  readonly trust: TrustResolver;
  /** Milliseconds since the epoch, from the receiver's clock. */
  readonly now: number;
  /** When given, sequences already applied and stale control messages are refused as duplicates. */
  readonly receiveState?: ReceiveState;
  readonly maxFutureSkewMs?: number;
  readonly maxEnvelopeBytes?: number;
  readonly maxBodyBytes?: number;
}

/** An opened, verified message. */
export type OpenedMessage = AnyMessage & { readonly header: Header };

/**
 * Opens untrusted bytes. Never throws on bad input: every defect is a refusal with one of the
 * named reasons of errors.ts, checked in the order PROTOCOL.md gives.
 */
export function open(bytes: Uint8Array, context: OpenContext): Result<OpenedMessage> {
  if (bytes.length > (context.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES)) {
    return refuse(Refusal.TooLarge, `${bytes.length} bytes`);
  }
  const decoded = decodeHeader(bytes);
  if (!decoded.ok) return refuse(decoded.reason, decoded.detail);
  const { header, end } = decoded;
  const aad = bytes.subarray(0, end);
  const rest = bytes.subarray(end);
  if (rest.length < HEADER_MAC_BYTES + NONCE_BYTES + 1 + SIGNATURE_BYTES + AEAD_TAG_BYTES) {
    return refuse(Refusal.Malformed, 'truncated after the header');
  }
  if (!isMessageType(header.type)) return refuse(Refusal.Malformed, `unknown message type ${header.type}`);
  if (header.to !== context.self.partyId) return refuse(Refusal.WrongRecipient, `addressed to ${header.to}`);

  const trusted = context.trust.lookup(header.from, header.keyId);
  if (!trusted) return refuse(Refusal.UnknownSender, `${header.from}/${header.keyId}`);
  const sender = trusted.identity;
  const keys = channelKeys(context.self, sender, false);
  // The header is judged only once it is known to be the one the sender wrote.
  const mac = sodium.crypto_generichash(HEADER_MAC_BYTES, aad, keys.macKey);
  if (!bytesEqual(mac, rest.subarray(0, HEADER_MAC_BYTES)))
    return refuse(Refusal.HeaderAltered, 'header MAC mismatch');
  const invalid = checkValidity(header, trusted, context);
  if (invalid) return invalid;
  const duplicate = checkDuplicate(header, context.receiveState);
  if (duplicate) return duplicate;

  const nonce = rest.subarray(HEADER_MAC_BYTES, HEADER_MAC_BYTES + NONCE_BYTES);
  const ciphertext = rest.subarray(HEADER_MAC_BYTES + NONCE_BYTES);
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, aad, nonce, keys.aeadKey);
  } catch {
    return refuse(Refusal.DecryptionFailed, 'AEAD tag does not verify');
  }
  const flags = plain.subarray(0, 1);
  const signature = plain.subarray(1, 1 + SIGNATURE_BYTES);
  const payload = plain.subarray(1 + SIGNATURE_BYTES);
  const signed = concatBytes(SIGNATURE_CONTEXT, aad, flags, payload);
  if (!sodium.crypto_sign_verify_detached(signature, signed, sender.signPublicKey)) {
    return refuse(Refusal.BadSignature, `not signed by ${header.from}/${header.keyId}`);
  }
  return decodeBody(header, flags[0] ?? 0, payload, context.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
}

function checkValidity(header: Header, trusted: TrustedKey, context: OpenContext) {
  const revocation = context.trust.revocation(header.keyId);
  // A compromised key is refused whatever it claims; a superseded or retired one still delivers
  // what it signed before its revocation, so a long outage never strands a backlog.
  if (revocation?.reason === 'superseded' && revocation.lastSeq !== undefined) {
    // Judged by the channel sequence recorded at the rotation, not by the timestamp the sender
    // chose: a message backdated under the old key after the rotation is refused all the same.
    // Control messages carry no sequence; the old key's are taken only from before the rotation.
    const isAfter =
      header.seq === 0
        ? header.timestamp >= Date.parse(revocation.revokedAt)
        : header.seq > revocation.lastSeq;
    if (isAfter)
      return refuse(Refusal.KeySuperseded, `${header.keyId} superseded after seq ${revocation.lastSeq}`);
  } else if (
    revocation &&
    (revocation.reason === 'compromised' || header.timestamp >= Date.parse(revocation.revokedAt))
  ) {
    return refuse(Refusal.RevokedKey, `${header.keyId} revoked (${revocation.reason})`);
  }
  if (header.timestamp < trusted.validFrom || header.timestamp > trusted.validUntil) {
    return refuse(Refusal.ExpiredKey, `${header.keyId} not valid at ${describeInstant(header.timestamp)}`);
  }
  const maxSkew = context.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  if (header.timestamp > context.now + maxSkew) {
    return refuse(Refusal.ClockSkew, `${header.timestamp - context.now} ms in the future`);
  }
  return null;
}

/** ISO 8601 when Date can represent the instant (±8.64e15 ms); the raw number otherwise, never a throw. */
function describeInstant(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

function checkDuplicate(header: Header, state: ReceiveState | undefined) {
  if (!state) return null;
  if (header.seq === 0) {
    const last = state.lastControlAt(header.from);
    return header.timestamp <= last
      ? refuse(Refusal.Duplicate, `control message not newer than ${last}`)
      : null;
  }
  const applied = state.appliedUpTo(header.from);
  return header.seq <= applied ? refuse(Refusal.Duplicate, `seq ${header.seq} ≤ applied ${applied}`) : null;
}

function decodeBody(
  header: Header,
  flags: number,
  payload: Uint8Array,
  maxBodyBytes: number,
): Result<OpenedMessage> {
  if ((flags & ~FLAG_DEFLATE) !== 0) return refuse(Refusal.Malformed, `unknown flags ${flags}`);
  let bytes = payload;
  if (flags & FLAG_DEFLATE) {
    const inflated = inflateBounded(payload, maxBodyBytes);
    if (!inflated.ok) {
      return inflated.tooLarge
        ? refuse(Refusal.TooLarge, 'inflated body over the bound')
        : refuse(Refusal.Malformed, 'bad deflate stream');
    }
    bytes = inflated.bytes;
  } else if (bytes.length > maxBodyBytes) {
    return refuse(Refusal.TooLarge, 'body over the bound');
  }
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch {
    return refuse(Refusal.Malformed, 'body is not UTF-8 JSON');
  }
  const type = header.type as MessageType;
  const isControl = controlMessageTypes.has(type);
  if (isControl !== (header.seq === 0))
    return refuse(Refusal.Malformed, `${type} with sequence ${header.seq}`);
  const parsed = messageSchemas[type].safeParse(json);
  if (!parsed.success) return refuse(Refusal.Malformed, `body of ${type} does not match its schema`);
  return { ok: true, value: { header, type, body: parsed.data } as OpenedMessage };
}
