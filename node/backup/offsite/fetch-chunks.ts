import { bytesEqual, chunkAddress, toHex } from '../../../protocol/index.js';
import { type ChunkKeys, openChunk } from './chunk-cipher.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';

/** Fetches a sealed chunk by address (from the hub, or anywhere its bytes are kept). */
export type FetchChunk = (address: Uint8Array) => Promise<Uint8Array | undefined>;

/**
 * Fetches a chunk, checks that its bytes are the ones its address names (a flipped byte anywhere is
 * caught here, before any key is used), and opens it.
 */
export async function fetchAndOpen(
  fetchChunk: FetchChunk,
  address: Uint8Array,
  keys: ChunkKeys,
): Promise<Uint8Array> {
  let sealed: Uint8Array | undefined;
  try {
    sealed = await fetchChunk(address);
  } catch (cause) {
    throw missing(address, cause);
  }
  if (!sealed) throw missing(address);
  if (!bytesEqual(chunkAddress(sealed), address)) {
    throw new OffsiteError(
      OffsiteErrorCode.AddressMismatch,
      `chunk ${toHex(address)} does not match its address: the copy at the hub is damaged or altered`,
    );
  }
  return openChunk(sealed, keys);
}

function missing(address: Uint8Array, cause?: unknown): OffsiteError {
  return new OffsiteError(
    OffsiteErrorCode.ChunkMissing,
    `chunk ${toHex(address)} of the generation could not be fetched`,
    { cause },
  );
}
