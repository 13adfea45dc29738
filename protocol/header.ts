import { fromHex, toHex } from './encoding.js';
import { KEY_ID_BYTES } from './keys.js';

/** "EC": the first two bytes of every envelope. */
export const MAGIC = Uint8Array.of(0x45, 0x43);
/** The wire format version this code writes and reads. */
export const WIRE_VERSION = 1;
/** Bytes of a message id. */
export const MESSAGE_ID_BYTES = 16;

/** The routing header: in clear for the broker's and receiver's sake, authenticated end to end. */
export interface Header {
  readonly version: number;
  /** 32 hex characters, random per message. */
  readonly messageId: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** Channel sequence number: 1, 2, 3, … for sequenced messages; 0 for control messages. */
  readonly seq: number;
  /** Milliseconds since the Unix epoch, UTC, when the sender sealed the message. */
  readonly timestamp: number;
  /** Key id of the sender's identity that signed and encrypted the message. */
  readonly keyId: string;
}

const FIXED_PART = MAGIC.length + 1 + MESSAGE_ID_BYTES + 8 + 8 + KEY_ID_BYTES;
const ASCII_FIELD = /^[\x21-\x7e]{1,255}$/;

/** Encodes the header: magic, version, id, seq, timestamp, key id, then type, from, to as length-prefixed ASCII. */
export function encodeHeader(header: Header): Uint8Array {
  for (const field of [header.type, header.from, header.to]) {
    if (!ASCII_FIELD.test(field)) throw new TypeError(`header field must be 1-255 printable ASCII: ${field}`);
  }
  if (!Number.isSafeInteger(header.seq) || header.seq < 0)
    throw new TypeError('seq must be a non-negative integer');
  if (!Number.isSafeInteger(header.timestamp) || header.timestamp < 0)
    throw new TypeError('timestamp must be ms');
  const type = Buffer.from(header.type, 'ascii');
  const from = Buffer.from(header.from, 'ascii');
  const to = Buffer.from(header.to, 'ascii');
  const out = Buffer.alloc(FIXED_PART + 3 + type.length + from.length + to.length);
  let at = 0;
  out.set(MAGIC, at);
  at += MAGIC.length;
  out.writeUInt8(header.version, at++);
  at = writeFixedHex(out, at, header.messageId, MESSAGE_ID_BYTES);
  out.writeBigUInt64BE(BigInt(header.seq), at);
  at += 8;
  out.writeBigUInt64BE(BigInt(header.timestamp), at);
  at += 8;
  at = writeFixedHex(out, at, header.keyId, KEY_ID_BYTES);
  for (const field of [type, from, to]) {
    out.writeUInt8(field.length, at++);
    out.set(field, at);
    at += field.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function writeFixedHex(out: Buffer, at: number, hex: string, length: number): number {
  const bytes = fromHex(hex);
  if (bytes.length !== length) throw new TypeError(`expected ${length} bytes of hex`);
  out.set(bytes, at);
  return at + length;
}

/** What decodeHeader found: the header and where it ends, or why it could not. */
export type DecodedHeader =
  | { ok: true; header: Header; end: number }
  | { ok: false; reason: 'malformed' | 'unknown_version'; detail: string };

/** Decodes the header at the start of an envelope without trusting any of it. */
export function decodeHeader(bytes: Uint8Array): DecodedHeader {
  if (bytes.length < MAGIC.length + 1)
    return { ok: false, reason: 'malformed', detail: 'shorter than the magic' };
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1])
    return { ok: false, reason: 'malformed', detail: 'bad magic' };
  const version = bytes[2];
  if (version !== WIRE_VERSION) return { ok: false, reason: 'unknown_version', detail: `version ${version}` };
  if (bytes.length < FIXED_PART + 3) return { ok: false, reason: 'malformed', detail: 'truncated header' };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 3;
  const messageId = toHex(bytes.subarray(at, at + MESSAGE_ID_BYTES));
  at += MESSAGE_ID_BYTES;
  const seq = view.readBigUInt64BE(at);
  at += 8;
  const timestamp = view.readBigUInt64BE(at);
  at += 8;
  if (seq > BigInt(Number.MAX_SAFE_INTEGER) || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: 'malformed', detail: 'seq or timestamp out of range' };
  }
  const keyId = toHex(bytes.subarray(at, at + KEY_ID_BYTES));
  at += KEY_ID_BYTES;
  const texts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const length = bytes[at];
    if (length === undefined || length === 0 || at + 1 + length > bytes.length) {
      return { ok: false, reason: 'malformed', detail: 'truncated header field' };
    }
    const text = view.toString('latin1', at + 1, at + 1 + length);
    if (!ASCII_FIELD.test(text))
      return { ok: false, reason: 'malformed', detail: 'header field is not printable ASCII' };
    texts.push(text);
    at += 1 + length;
  }
  const [type, from, to] = texts as [string, string, string];
  return {
    ok: true,
    header: { version, messageId, type, from, to, seq: Number(seq), timestamp: Number(timestamp), keyId },
    end: at,
  };
}
