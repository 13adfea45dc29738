import { createHmac, timingSafeEqual } from 'node:crypto';
import { utf8 } from '../../../protocol/index.js';
import type { DataKeys } from '../../crypto/data-keys.js';
import { xchachaOpen, xchachaSeal } from '../../crypto/xchacha-native.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';

/** The two subkeys that seal off-site chunks. */
export type ChunkKeys = Pick<DataKeys, 'offsiteChunk' | 'offsiteNonce'>;

const AD = utf8('econsulat/v1/offsite-chunk');
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/** The nonce a sealed chunk begins with. */
export function chunkNonce(sealed: Uint8Array): Uint8Array {
  return sealed.subarray(0, NONCE_BYTES);
}

/** What sealing adds to a piece: its nonce and its tag. */
export const CHUNK_OVERHEAD = NONCE_BYTES + TAG_BYTES;

/**
 * Seals a piece of a generation: nonce ‖ XChaCha20-Poly1305(piece), the nonce being the first 24
 * bytes of HMAC-SHA-256 of the piece under its own subkey (a synthetic IV, as in RFC 5297's SIV;
 * native in Node, where libsodium's keyed BLAKE2b runs in WebAssembly). The same piece always seals to the same
 * bytes, so an unchanged page range or scan has the same address night after night and the hub,
 * which deduplicates by address, is not sent it again.
 *
 * Deterministic encryption leaks exactly one thing: whether two sealed chunks hold the same
 * plaintext. The keys derive from this mission's data key, so only this mission's chunks can be
 * compared, and only by whoever holds them (the hub, the broker), which learns that a piece did not
 * change between two generations, which deduplication needs it to learn anyway. A nonce is never
 * reused for two different plaintexts (it is a PRF of the plaintext under a secret key, 192 bits),
 * which is what XChaCha20-Poly1305's security rests on; and the chunk's size is visible either way.
 */
export function sealChunk(
  plain: Uint8Array,
  keys: ChunkKeys,
  prefix: readonly Uint8Array[] = [],
): Uint8Array {
  const nonce = syntheticNonce(plain, keys);
  // Native ChaCha20-Poly1305 under libsodium's construction: the same bytes, megabytes a night.
  // What `prefix` holds (a frame's head) comes first, in the same buffer: one copy of the piece.
  return xchachaSeal(plain, AD, nonce, keys.offsiteChunk, [...prefix, nonce]);
}

/** The piece inside a sealed chunk; throws `offsite_chunk_unreadable` for anything that does not authenticate. */
export function openChunk(sealed: Uint8Array, keys: ChunkKeys): Uint8Array {
  if (sealed.length < CHUNK_OVERHEAD) throw unreadable();
  const nonce = sealed.subarray(0, NONCE_BYTES);
  let plain: Uint8Array;
  try {
    plain = xchachaOpen(sealed.subarray(NONCE_BYTES), AD, nonce, keys.offsiteChunk);
  } catch (cause) {
    throw unreadable(cause);
  }
  // A nonce that is not the piece's own was not made by sealChunk under these keys.
  if (!timingSafeEqual(syntheticNonce(plain, keys), nonce)) throw unreadable();
  return plain;
}

function syntheticNonce(plain: Uint8Array, keys: ChunkKeys): Uint8Array {
  return createHmac('sha256', keys.offsiteNonce).update(plain).digest().subarray(0, NONCE_BYTES);
}

function unreadable(cause?: unknown): OffsiteError {
  return new OffsiteError(
    OffsiteErrorCode.ChunkUnreadable,
    'an off-site chunk does not open with this mission’s keys: altered, or not this mission’s',
    { cause },
  );
}
