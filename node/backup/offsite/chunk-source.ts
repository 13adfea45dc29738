import { join } from 'node:path';
import {
  bytesEqual,
  chunkAddress,
  chunkFrameHead,
  decodeChunkFrame,
  toHex,
} from '../../../protocol/index.js';
import { type ChunkKeys, chunkNonce, sealChunk } from './chunk-cipher.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import type { ChunkSource } from './offsite-store.js';
import { type RangeReader, readAt } from './pieces.js';

/** Where a generation's chunks are read from besides the scans: its inner manifest and its snapshot. */
export interface GenerationSources {
  readonly innerManifest: Uint8Array;
  /** The snapshot, read through blocks (pieces.ts createBlockReader). */
  readonly readSnapshot: RangeReader;
}

/**
 * Seals a chunk again from where its plaintext is (the snapshot, a scan, the inner manifest), as the
 * frame that carries it (`chunkFrameHead() ‖ chunk`, built in one buffer), and checks that it is the
 * chunk packed: sealing is deterministic, so it is unless the source changed, which is refused
 * (`offsite_source_gone`) rather than sent under a wrong address. The check compares the nonce
 * recorded at packing, a keyed hash of the plaintext that sealing computes anyway: the same nonce
 * means the same plaintext, hence the same sealed bytes and address, without hashing each sealed
 * chunk again (a sixteenth of the node's time in a first transfer). A chunk packed before nonces were
 * recorded is checked by its address.
 */
export async function resealChunkFrame(
  generation: GenerationSources,
  chunk: { readonly address: Uint8Array; readonly nonce: Uint8Array | null } & ChunkSource,
  documentsDir: string,
  keys: ChunkKeys,
): Promise<Uint8Array> {
  const plain = await readSource(generation, chunk, documentsDir);
  const frame = plain && sealChunk(plain, keys, [chunkFrameHead()]);
  const sealed = frame && decodeChunkFrame(frame);
  const same =
    sealed &&
    (chunk.nonce
      ? bytesEqual(chunkNonce(sealed), chunk.nonce)
      : bytesEqual(chunkAddress(sealed), chunk.address));
  if (!same) {
    throw new OffsiteError(
      OffsiteErrorCode.SourceGone,
      `the source of chunk ${toHex(chunk.address)} (${chunk.source} ${chunk.file ?? ''}) changed or is gone`,
    );
  }
  return frame;
}

async function readSource(
  generation: GenerationSources,
  chunk: ChunkSource,
  documentsDir: string,
): Promise<Uint8Array | undefined> {
  switch (chunk.source) {
    case 'manifest':
      return generation.innerManifest.subarray(chunk.offset, chunk.offset + chunk.length);
    case 'database':
      return generation.readSnapshot(chunk.offset, chunk.length);
    case 'scan':
      return chunk.file === null
        ? undefined
        : readAt(join(documentsDir, chunk.file), chunk.offset, chunk.length);
  }
}
