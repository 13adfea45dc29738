import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlockReader } from '../node/backup/offsite/pieces.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'econsulat-pieces-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : 'none');

describe('reading a snapshot through blocks', () => {
  it('gives every range of the file as it is, inside a block, across two, and in the short last block', async () => {
    const path = join(dir, 'snapshot');
    const bytes = randomBytes(10_000);
    await writeFile(path, bytes);
    const read = createBlockReader(path, 4096);
    for (const [offset, length] of [
      [0, 1024],
      [1024, 1024],
      [4000, 200],
      [8192, 1808],
      [9999, 1],
      [3072, 1024],
    ] as const) {
      expect(hex(await read(offset, length)), `${offset}+${length}`).toBe(
        hex(bytes.subarray(offset, offset + length)),
      );
    }
  });

  it('says a range is not there past the end of the file, or when the file is gone', async () => {
    const path = join(dir, 'snapshot');
    await writeFile(path, randomBytes(5000));
    const read = createBlockReader(path, 4096);
    expect(await read(4096, 1000)).toBeUndefined();
    expect(await read(4000, 1001)).toBeUndefined();
    expect(await createBlockReader(join(dir, 'gone'), 4096)(0, 10)).toBeUndefined();
  });

  it('reads a block once for all its ranges, the reads under way sharing it', async () => {
    const path = join(dir, 'snapshot');
    const before = randomBytes(8192);
    await writeFile(path, before);
    const read = createBlockReader(path, 4096);
    const [first, second] = await Promise.all([read(0, 1024), read(1024, 1024)]);
    expect(hex(first)).toBe(hex(before.subarray(0, 1024)));
    expect(hex(second)).toBe(hex(before.subarray(1024, 2048)));
    // Rewritten underneath: the block held still answers (one read served all of it), the next block
    // is read anew.
    const after = randomBytes(8192);
    await writeFile(path, after);
    expect(hex(await read(2048, 1024))).toBe(hex(before.subarray(2048, 3072)));
    expect(hex(await read(4096, 1024))).toBe(hex(after.subarray(4096, 5120)));
  });

  it('does not keep a block that failed to read: the next attempt reads it again', async () => {
    const path = join(dir, 'snapshot');
    await mkdir(path);
    const read = createBlockReader(path, 4096);
    await expect(read(0, 100)).rejects.toMatchObject({ code: 'EISDIR' });
    await rm(path, { recursive: true });
    const bytes = randomBytes(4096);
    await writeFile(path, bytes);
    expect(hex(await read(0, 100))).toBe(hex(bytes.subarray(0, 100)));
  });
});
