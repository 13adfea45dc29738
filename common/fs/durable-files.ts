import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Flushes a file, or a folder's entries, to the disk: what a power cut can empty is not saved, and
 * a rename is durable only once its folder is (POSIX leaves that to the caller).
 */
export async function syncToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** {@link syncToDisk}, for the few places that must not yield (inside a synchronous step). */
export function syncToDiskNow(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a whole file so that a crash or a power cut leaves either the old content or the new,
 * never a half or an empty one: a temporary name, flushed, renamed into place, the folder flushed.
 */
export async function writeFileDurably(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const partial = `${path}.partial`;
  const handle = await open(partial, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, path);
  await syncToDisk(dirname(path));
}
