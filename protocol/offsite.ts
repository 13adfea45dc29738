import { createHash } from 'node:crypto';
import { concatBytes, fromBase64Url, toBase64Url, toHex, utf8 } from './encoding.js';
import type { Identity } from './keys.js';
import type { OffsiteManifest } from './messages/offsite.js';
import { type Signed, signDocument, verifyDocument } from './signed-document.js';
import { sodium } from './sodium.js';
import { TOPIC_ROOT } from './topics.js';

/**
 * Off-site backups (PROTOCOL.md, "Off-site backups"): a mission's generations travel as chunks,
 * each a sealed blob the hub stores under its address (SHA-256 of its bytes) and cannot read.
 * What both sides must agree on lives here: addresses, the frames on the backup topics, the
 * manifest's signature, the recovery key's id.
 */

/** Bytes of a chunk address. */
export const ADDRESS_BYTES = 32;

/** The largest chunk, sealed: a chunk frame stays far below the broker's message limit. */
export const MAX_CHUNK_BYTES = 1024 * 1024 + 64;

/** Signature context of offsite.manifest: a signature made for anything else never verifies as one. */
export const OFFSITE_MANIFEST_CONTEXT = 'econsulat/v1/offsite-manifest';

// Four bytes open each frame, so that a frame of one kind is never read as another.
const CHUNK_MAGIC = utf8('ECK1');
const ACK_MAGIC = utf8('ECA1');

/** Node → hub chunk frames of one mission (QoS 1). */
export function backupTopic(missionId: string): string {
  return `${TOPIC_ROOT}/${missionId}/backup`;
}

/** Hub → node acknowledgements of stored chunks of one mission (QoS 1). */
export function backupAckTopic(missionId: string): string {
  return `${TOPIC_ROOT}/${missionId}/backup-ack`;
}

/** Wildcard the hub subscribes to for every mission's chunks. */
export const ALL_BACKUP_TOPICS = `${TOPIC_ROOT}/+/backup`;

/**
 * The address of a sealed chunk: anyone holding the bytes can check it, no key needed. SHA-256
 * rather than the BLAKE2b used elsewhere: Node hashes it natively, and each byte of a backup is
 * addressed twice at the node and once at the hub, gigabytes a night.
 */
export function chunkAddress(chunk: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(chunk).digest());
}

/** Bytes a chunk frame puts before its chunk. */
export const CHUNK_FRAME_HEAD_BYTES = CHUNK_MAGIC.length;

/**
 * What a chunk frame puts before its chunk, for a sender that builds the frame in the same buffer
 * as it seals the chunk (a copy of a megabyte saved per chunk): `head ‖ chunk` is
 * `encodeChunkFrame(chunk)`.
 */
export function chunkFrameHead(): Uint8Array {
  return CHUNK_MAGIC.slice();
}

/** A chunk as published on the backup topic. */
export function encodeChunkFrame(chunk: Uint8Array): Uint8Array {
  if (chunk.length === 0 || chunk.length > MAX_CHUNK_BYTES) {
    throw new RangeError(`a chunk is 1 to ${MAX_CHUNK_BYTES} bytes`);
  }
  return concatBytes(CHUNK_MAGIC, chunk);
}

/** The chunk of a frame, or null when the bytes are not a chunk frame. */
export function decodeChunkFrame(frame: Uint8Array): Uint8Array | null {
  if (frame.length <= CHUNK_MAGIC.length || frame.length > CHUNK_MAGIC.length + MAX_CHUNK_BYTES) return null;
  if (!startsWith(frame, CHUNK_MAGIC)) return null;
  return frame.subarray(CHUNK_MAGIC.length);
}

/** The hub's acknowledgement that chunks of a generation are stored: magic, generation (u32), addresses. */
export function encodeAckFrame(generation: number, addresses: readonly Uint8Array[]): Uint8Array {
  const head = new Uint8Array(8);
  head.set(ACK_MAGIC);
  new DataView(head.buffer).setUint32(4, generation);
  return concatBytes(head, ...addresses.map(checkedAddress));
}

/** An acknowledgement frame's content, or null when the bytes are not one. */
export function decodeAckFrame(frame: Uint8Array): { generation: number; addresses: Uint8Array[] } | null {
  if (frame.length < 8 || (frame.length - 8) % ADDRESS_BYTES !== 0 || !startsWith(frame, ACK_MAGIC))
    return null;
  const generation = new DataView(frame.buffer, frame.byteOffset, frame.length).getUint32(4);
  return { generation, addresses: splitAddressBytes(frame.subarray(8)) };
}

/** Addresses as they travel in messages: one base64url string of their concatenation. */
export function joinAddresses(addresses: readonly Uint8Array[]): string {
  return toBase64Url(concatBytes(...addresses.map(checkedAddress)));
}

/** The addresses of a joined string; throws on a length that is not a whole number of addresses. */
export function splitAddresses(joined: string): Uint8Array[] {
  const bytes = fromBase64Url(joined);
  if (bytes.length % ADDRESS_BYTES !== 0) throw new RangeError('not a list of chunk addresses');
  return splitAddressBytes(bytes);
}

/** The recovery key's id: 16 hex digits of its BLAKE2b digest, named in each manifest. */
export function recoveryKeyId(recoveryPublicKey: Uint8Array): string {
  return toHex(
    sodium.crypto_generichash(8, concatBytes(utf8('econsulat/v1/recovery-key\n'), recoveryPublicKey), null),
  );
}

/** Signs a manifest with the mission's identity. */
export function signOffsiteManifest(
  manifest: Omit<OffsiteManifest, 'signature'>,
  mission: Identity,
): OffsiteManifest {
  return signDocument(OFFSITE_MANIFEST_CONTEXT, manifest, mission);
}

/** Whether a manifest was signed by the mission key given (never throws). */
export function verifyOffsiteManifest(manifest: Signed<object>, missionSignPublicKey: Uint8Array): boolean {
  return verifyDocument(OFFSITE_MANIFEST_CONTEXT, manifest, missionSignPublicKey);
}

function splitAddressBytes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += ADDRESS_BYTES) out.push(bytes.slice(at, at + ADDRESS_BYTES));
  return out;
}

function checkedAddress(address: Uint8Array): Uint8Array {
  if (address.length !== ADDRESS_BYTES) throw new RangeError(`a chunk address is ${ADDRESS_BYTES} bytes`);
  return address;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}
