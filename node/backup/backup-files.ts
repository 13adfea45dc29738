import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the nightly backups are called: `mission-<UTC time, ISO 8601 basic format>.sqlite.enc`.
 * The basic format (no colons) because IT referents carry backups off site on USB sticks formatted
 * FAT or NTFS, which refuse `:` in names; it still sorts in time order as text.
 */
const BACKUP_NAME = /^mission-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.sqlite\.enc$/;
// Left by a backup interrupted half-way (power cut): never a usable file.
const LEFTOVER_NAME = /^\.mission-.*\.(tmp|partial)$/;
// Younger files may belong to a backup still running in another process (a manual one).
const LEFTOVER_AGE_MS = 6 * 3_600_000;

/** The file name of a backup taken at `at`. */
export function backupFileName(at: Date): string {
  const basic = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `mission-${basic}.sqlite.enc`;
}

/** When a nightly backup was taken (ISO 8601), read back from its name; undefined for other names. */
export function backupTakenAt(name: string): string | undefined {
  const match = BACKUP_NAME.exec(name);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.000Z`;
}

/** The backups in a folder, oldest first (names only); files of other names are not counted. */
export async function listBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => BACKUP_NAME.test(name)).sort();
}

/**
 * Deletes all but the newest `keep` backups of a folder. Only files named as nightly backups are
 * touched, so a copy the referent dropped there under another name is never removed.
 * Returns the names removed.
 */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) throw new TypeError('keep at least one backup');
  const names = await listBackups(dir);
  const doomed = names.slice(0, Math.max(0, names.length - keep));
  for (const name of doomed) await rm(join(dir, name), { force: true });
  return doomed;
}

/** Removes what interrupted backups left behind in a folder. Returns the names removed. */
export async function removeLeftovers(dir: string, now: Date = new Date()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((candidate) => LEFTOVER_NAME.test(candidate))) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info || now.getTime() - info.mtimeMs < LEFTOVER_AGE_MS) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
