import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { syncToDisk } from '../../common/fs/durable-files.js';
import { createDocumentEncryptStream } from '../crypto/document-cipher.js';
import type { Db } from '../db/db.js';
import type { Store } from '../db/store.js';
import { documentsDir } from '../services/files/scan-files.js';
import { BackupError, BackupErrorCode } from './errors.js';
import { countingStream, type ProgressListener } from './progress.js';
import { backupScansDir, copyNewScans } from './scan-backup.js';

/**
 * What the backup cipher binds every chunk to: a document of the node's store decrypted as a
 * backup fails, and so does a backup decrypted as anything else.
 */
export const BACKUP_BINDING = 'econsulat/backup/mission.sqlite';

// Pages copied between two turns of the event loop: ~400 KB with 4 KiB pages, a few ms of work,
// so the node keeps answering the counter while a large database is copied.
const PAGES_PER_STEP = 100;

/** Options of {@link createBackup}. */
export interface CreateBackupOptions {
  readonly store: Store;
  /** The encrypted file to write; never overwritten. */
  readonly out: string;
  /**
   * Where the unencrypted copy lives while it is encrypted: the node's own backups folder, on
   * its own disk — never beside an `out` on a USB stick or a network share.
   */
  readonly workDir: string;
  readonly onProgress?: ProgressListener;
}

/** What a backup wrote. */
export interface BackupResult {
  readonly file: string;
  readonly pages: number;
  readonly bytes: number;
  /** Scans copied into the folder's `documents/` (those it did not hold yet). */
  readonly scans: number;
}

/**
 * Copies the live database with SQLite's online backup API (the node keeps serving while it runs),
 * encrypts the copy with the backup subkey into `out` (mode 0600), and removes the copy. The scans
 * (already sealed) go to `documents/` beside `out`, each once.
 * `out` appears whole or not at all: it is written under a temporary name and linked in place.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupResult> {
  const { store, out, workDir, onProgress } = options;
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(out), { recursive: true, mode: 0o700 });
  await assertAbsent(out);
  const copy = join(workDir, `.mission-${randomUUID()}.tmp`);
  const partial = join(dirname(out), `.mission-${randomUUID()}.partial`);
  try {
    const pages = await copyDatabase(store.db, copy, onProgress);
    await encryptFile(copy, partial, store.keys.backup, onProgress);
    await syncToDisk(partial);
    await link(partial, out).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? outputExists(out) : error;
    });
    // After the database: every scan its copy refers to was written before its row.
    const scans = store.db.memory ? 0 : await copyNewScans(documentsDir(store), backupScansDir(out));
    return { file: out, pages, bytes: (await stat(out)).size, scans };
  } finally {
    await rm(copy, { force: true });
    await rm(partial, { force: true });
  }
}

async function copyDatabase(db: Db, copy: string, onProgress: ProgressListener | undefined): Promise<number> {
  // Created first with mode 0600: SQLite would create it with the umask's mode.
  await (await open(copy, 'wx', 0o600)).close();
  const result = await db.backup(copy, {
    progress: ({ totalPages, remainingPages }) => {
      onProgress?.({ phase: 'copy', unit: 'pages', done: totalPages - remainingPages, total: totalPages });
      return PAGES_PER_STEP;
    },
  });
  onProgress?.({ phase: 'copy', unit: 'pages', done: result.totalPages, total: result.totalPages });
  return result.totalPages;
}

async function encryptFile(
  from: string,
  to: string,
  key: Uint8Array,
  onProgress: ProgressListener | undefined,
): Promise<void> {
  const total = (await stat(from)).size;
  await pipeline(
    createReadStream(from),
    countingStream('encrypt', total, onProgress),
    createDocumentEncryptStream(key, BACKUP_BINDING),
    createWriteStream(to, { flags: 'wx', mode: 0o600 }),
  );
}

async function assertAbsent(path: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw outputExists(path);
}

function outputExists(path: string): BackupError {
  return new BackupError(BackupErrorCode.OutputExists, `${path} exists: a backup never overwrites a file`);
}
