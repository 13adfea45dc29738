import { rmSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncToDisk } from '../../../common/fs/durable-files.js';
import type { Store } from '../../db/store.js';

/**
 * The sealed scans of a store, one file each beside the database: `documents/<id>.scan`. A scan is
 * written once and never changed, so a backup folder copies each one once (see node/backup).
 */
export function documentsDir(store: Store): string {
  if (store.db.memory) throw new TypeError('scanned documents need a database on disk');
  return documentsDirIn(dirname(store.db.name));
}

/** The scans' folder inside a folder: a data folder, or a backup folder holding their copies. */
export function documentsDirIn(folder: string): string {
  return join(folder, 'documents');
}

/** The file of one scan in a documents folder. */
export function scanPath(dir: string, id: string): string {
  return join(dir, `${id}.scan`);
}

/** Scan files are named after UUIDs: anything else in the folder is not one. */
export const SCAN_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.scan$/;

/**
 * Writes a scan whole or not at all: under a temporary name, flushed, renamed, then the folder
 * flushed, so that after a power cut either the whole scan is there or nothing is.
 */
export async function writeScan(dir: string, id: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.${id}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, scanPath(dir, id));
  await syncToDisk(dir);
}

/** The sealed bytes of a scan, or undefined when its file is missing. */
export async function readScan(dir: string, id: string): Promise<Uint8Array | undefined> {
  return readFile(scanPath(dir, id)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Removes a scan's file (one whose row was never written, or was deleted); a single unlink. */
export function removeScan(dir: string, id: string): void {
  rmSync(scanPath(dir, id), { force: true });
}
