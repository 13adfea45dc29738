import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/db.js';

// Pages copied between two turns of the event loop, as in the nightly backup (backup.ts).
const PAGES_PER_STEP = 100;

/** Where the snapshot of a generation is kept while the hub lacks some of its chunks. */
export function snapshotPath(backupsDir: string, generation: number): string {
  return join(backupsDir, `.offsite-${generation}.sqlite`);
}

/**
 * Copies the live database with SQLite's online backup API into a 0600 file. The copy keeps every
 * page where it is (VACUUM INTO would repack them), so a page range that did not change since last
 * night cuts into the same pieces and seals to the same chunks, which the hub already holds.
 */
export async function takeSnapshot(db: Db, path: string): Promise<void> {
  await rm(path, { force: true });
  // Created first with mode 0600: SQLite would create it with the umask's mode.
  await (await open(path, 'wx', 0o600)).close();
  try {
    await db.backup(path, { progress: () => PAGES_PER_STEP });
  } catch (error) {
    await removeSnapshot(path);
    throw error;
  }
}

/** Removes a snapshot and what SQLite may have left beside it. */
export async function removeSnapshot(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${path}${suffix}`, { force: true });
}
