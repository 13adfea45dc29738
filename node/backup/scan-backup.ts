import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncToDisk } from '../../common/fs/durable-files.js';
import type { Store } from '../db/store.js';
import { documentsDirIn, SCAN_NAME, scanPath } from '../services/files/scan-files.js';
import { backupTakenAt, listBackups } from './backup-files.js';

/**
 * Scans are files of their own that never change (node/services/files/scan-files.ts): a backup
 * folder keeps one copy of each in `documents/`, beside the nightly copies of the database, and
 * each backup copies only the scans added since the last one.
 */
export function backupScansDir(backupFile: string): string {
  return documentsDirIn(dirname(backupFile));
}

/** Copies into `target` every scan of `source` it does not hold yet; how many it copied. */
export async function copyNewScans(source: string, target: string): Promise<number> {
  const held = new Set(await scanNames(target));
  const missing = (await scanNames(source)).filter((name) => !held.has(name));
  if (missing.length === 0) return 0;
  for (const name of missing) await copyWhole(join(source, name), join(target, name));
  await syncToDisk(target);
  return missing.length;
}

/**
 * Removes from a backup folder the scans deleted (by the retention purge) before its oldest backup
 * was taken: no backup it keeps refers to them any more. The names removed.
 */
export async function pruneBackupScans(backupDir: string, store: Store): Promise<string[]> {
  const [oldest] = await listBackups(backupDir);
  const takenAt = oldest === undefined ? undefined : backupTakenAt(oldest);
  if (takenAt === undefined) return [];
  const ids = store.db
    .prepare('SELECT id FROM file_documents_deleted WHERE deleted_at < ? ORDER BY id')
    .pluck()
    .all(takenAt) as string[];
  const dir = documentsDirIn(backupDir);
  const held = new Set(await scanNames(dir));
  const removed = ids.map((id) => `${id}.scan`).filter((name) => held.has(name));
  for (const name of removed) await rm(join(dir, name), { force: true });
  return removed;
}

/** Which of the scans a restored database refers to the backup folder holds. */
export interface BackupScans {
  readonly present: readonly string[];
  /** Ids of scans the database lists but the backup folder does not hold. */
  readonly missing: readonly string[];
}

/**
 * Looks up in the backup's `documents/` the scans a restored database refers to (`ids`), without
 * copying anything: a restore decides on what is missing before it touches the data folder.
 */
export async function findBackupScans(ids: readonly string[], backupFile: string): Promise<BackupScans> {
  const held = new Set(await scanNames(backupScansDir(backupFile)));
  return {
    present: ids.filter((id) => held.has(`${id}.scan`)),
    missing: ids.filter((id) => !held.has(`${id}.scan`)),
  };
}

/** What a restore did with the scans the restored database refers to. */
export interface ScansRestored {
  readonly restored: number;
  /** Ids of scans the database lists but the backup folder does not hold. */
  readonly missing: readonly string[];
}

/** Copies the scans found by {@link findBackupScans} from the backup's folder into the data folder. */
export async function restoreScans(
  scans: BackupScans,
  backupFile: string,
  dataDir: string,
): Promise<ScansRestored> {
  const source = backupScansDir(backupFile);
  const target = documentsDirIn(dataDir);
  for (const id of scans.present) await copyWhole(scanPath(source, id), scanPath(target, id));
  if (scans.present.length > 0) await syncToDisk(target);
  return { restored: scans.present.length, missing: scans.missing };
}

async function scanNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => SCAN_NAME.test(name));
}

// Under a temporary name, flushed, then renamed: a copy cut short is never taken for a scan.
async function copyWhole(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(to), `.${randomUUID()}.tmp`);
  await copyFile(from, temporary);
  await syncToDisk(temporary);
  await rename(temporary, to);
}
