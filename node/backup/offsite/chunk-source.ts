import { join } from 'node:path';
import {
  bytesEqual,
  chunkAddress,
  chunkFrameHead,
  decodeChunkFrame,
  toHex,
} from '../../../protocol/index.js';
import { type ChunkKeys, sealChunk } from './chunk-cipher.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import type { ChunkSource, GenerationRow } from './offsite-store.js';
import { readAt } from './pieces.js';

/**
 * Seals a chunk again from where its plaintext is (the snapshot, a scan, the inner manifest), as the
 * frame that carries it (`chunkFrameHead() ‖ chunk`, built in one buffer), and checks that the chunk
 * comes out at its address: sealing is deterministic, so it does unless the source changed, which
 * is refused (`offsite_source_gone`) rather than sent under a wrong address.
 */
export async function resealChunkFrame(
  generation: Pick<GenerationRow, 'snapshot' | 'innerManifest'>,
  chunk: { readonly address: Uint8Array } & ChunkSource,
  documentsDir: string,
  keys: ChunkKeys,
): Promise<Uint8Array> {
  const plain = await readSource(generation, chunk, documentsDir);
  const frame = plain && sealChunk(plain, keys, [chunkFrameHead()]);
  const sealed = frame && decodeChunkFrame(frame);
  if (!sealed || !bytesEqual(chunkAddress(sealed), chunk.address)) {
    throw new OffsiteError(
      OffsiteErrorCode.SourceGone,
      `the source of chunk ${toHex(chunk.address)} (${chunk.source} ${chunk.file ?? ''}) changed or is gone`,
    );
  }
  return frame;
}

async function readSource(
  generation: Pick<GenerationRow, 'snapshot' | 'innerManifest'>,
  chunk: ChunkSource,
  documentsDir: string,
): Promise<Uint8Array | undefined> {
  switch (chunk.source) {
    case 'manifest':
      return generation.innerManifest.subarray(chunk.offset, chunk.offset + chunk.length);
    case 'database':
      return readAt(generation.snapshot, chunk.offset, chunk.length);
    case 'scan':
      return chunk.file === null
        ? undefined
        : readAt(join(documentsDir, chunk.file), chunk.offset, chunk.length);
  }
}
