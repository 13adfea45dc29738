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
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!file) return undefined;
  try {
    const bytes = await readRange(file, offset, length);
    return bytes.length === length ? bytes : undefined;
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
