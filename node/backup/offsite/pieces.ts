import { open } from 'node:fs/promises';

/** One piece of a file, read. */
export interface Piece {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** Reads a file in pieces of `size` bytes (the last one shorter), one at a time. */
export async function* readPieces(path: string, size: number): AsyncGenerator<Piece> {
  const file = await open(path, 'r');
  try {
    const length = (await file.stat()).size;
    for (let offset = 0; offset < length; offset += size) {
      yield { offset, bytes: await readRange(file, offset, Math.min(size, length - offset)) };
    }
  } finally {
    await file.close();
  }
}

/** Reads `length` bytes at `offset`; fewer bytes than asked means the file changed. */
export async function readAt(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
  const bytes = await readUpTo(path, offset, length);
  return bytes?.length === length ? bytes : undefined;
}

/** Reads a range of a file that does not change once written; undefined when it is not all there. */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array | undefined>;

/**
 * Reads ranges of a file that does not change (a generation's snapshot) through blocks of
 * `blockSize` bytes, keeping the latest block. The database's 16 KiB pieces are sent in file order,
 * so one open, read and close serve 64 of them: opened per piece, the file handles took a fifth of
 * the node's time in a first transfer. Reads under way share the block they wait for; a block that
 * failed to read is not kept, so the next attempt reads it again.
 */
export function createBlockReader(path: string, blockSize = 1024 * 1024): RangeReader {
  let latest: { readonly index: number; readonly block: Promise<Uint8Array | undefined> } | undefined;
  return async (offset, length) => {
    const index = Math.floor(offset / blockSize);
    if (length === 0 || Math.floor((offset + length - 1) / blockSize) !== index) {
      return readAt(path, offset, length);
    }
    if (latest?.index !== index) {
      const entry = { index, block: readUpTo(path, index * blockSize, blockSize) };
      entry.block.catch(() => {
        if (latest === entry) latest = undefined;
      });
      latest = entry;
    }
    const block = await latest.block;
    const start = offset - index * blockSize;
    return block && start + length <= block.length ? block.subarray(start, start + length) : undefined;
  };
}

/** Up to `length` bytes at `offset` (fewer at the end of the file); undefined if there is no file. */
async function readUpTo(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!file) return undefined;
  try {
    return await readRange(file, offset, length);
  } finally {
    await file.close();
  }
}

/** Cuts bytes held in memory into pieces of `size`. */
export function cutBytes(bytes: Uint8Array, size: number): Piece[] {
  const pieces: Piece[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    pieces.push({ offset, bytes: bytes.subarray(offset, offset + size) });
  }
  return pieces;
}

async function readRange(
  file: Awaited<ReturnType<typeof open>>,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}
