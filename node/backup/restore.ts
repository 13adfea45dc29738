import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { syncToDisk } from '../../common/fs/durable-files.js';
import { ready } from '../../protocol/index.js';
import { nodePaths } from '../config/config.js';
import { deriveDataKeys } from '../crypto/data-keys.js';
import { createDocumentDecryptStream } from '../crypto/document-cipher.js';
import { CryptoError } from '../crypto/errors.js';
import type { Db } from '../db/db.js';
import { openStore } from '../db/store.js';
import { type AuditVerdict, verifyAuditChain } from '../services/audit/audit-verify.js';
import { BACKUP_BINDING } from './backup.js';
import { BackupError, BackupErrorCode } from './errors.js';
import { countingStream, type ProgressListener } from './progress.js';
import { restoreScans, type ScansRestored } from './scan-backup.js';

/** Options of {@link restoreBackup}. */
export interface RestoreOptions {
  /** The encrypted backup. */
  readonly from: string;
  /** The mission's data key (the backup subkey is derived from it). */
  readonly dataKey: Uint8Array;
  /** The data directory to restore into; its `mission.sqlite` is written. */
  readonly dir: string;
  /** Replace a database already there (the node using it must be stopped). */
  readonly force?: boolean;
  readonly onProgress?: ProgressListener;
}

/** What a restore found in the backup. */
export interface RestoreResult {
  readonly database: string;
  /** SQLite's `quick_check` verdict: `ok` for a sound file. */
  readonly integrity: string;
  readonly audit: AuditVerdict;
  /** The scans copied back from the backup's `documents/`, and those it lacks. */
  readonly documents: ScansRestored;
}

/**
 * Decrypts a backup into a data directory and opens it with the data key (which checks that the
 * key is the database's own and brings its schema up to date). The database already there, if
 * any, is replaced only with `force`, and only after the restored copy opened cleanly.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const database = nodePaths({ dataDir: options.dir }).database;
  await assertReadable(options.from);
  if (!options.force && (await exists(database))) {
    throw new BackupError(
      BackupErrorCode.TargetExists,
      `${database} exists: restore into a new directory, or replace it with --force (node stopped)`,
    );
  }
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const partial = join(options.dir, `.mission-${randomUUID()}.partial`);
  try {
    await decryptFile(options, partial);
    await syncToDisk(partial);
    const { scanIds, ...checked } = await checkRestored(partial, options.dataKey);
    if (options.force) await removeDatabase(database);
    await rename(partial, database);
    const documents = await restoreScans(scanIds, options.from, options.dir);
    return { database, ...checked, documents };
  } finally {
    await removeDatabase(partial);
  }
}

async function decryptFile(options: RestoreOptions, to: string): Promise<void> {
  await ready();
  const key = deriveDataKeys(options.dataKey).backup;
  const total = (await stat(options.from)).size;
  try {
    await pipeline(
      createReadStream(options.from),
      countingStream('decrypt', total, options.onProgress),
      createDocumentDecryptStream(key, BACKUP_BINDING),
      createWriteStream(to, { flags: 'wx', mode: 0o600 }),
    );
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new BackupError(
      BackupErrorCode.Unreadable,
      `${options.from} does not decrypt with this data key (${error.code}): use the key file of the ` +
        'mission that made the backup; if it is that key, the backup file is damaged or altered',
      { cause: error },
    );
  }
}

/** Checks the restored database, and reads while it is open the scans it refers to. */
async function checkRestored(
  path: string,
  dataKey: Uint8Array,
): Promise<Omit<RestoreResult, 'database' | 'documents'> & { scanIds: string[] }> {
  const store = await openStore({ path, dataKey });
  try {
    const integrity = String(store.db.pragma('quick_check', { simple: true }));
    markRestored(store.db);
    const scanIds = store.db.prepare('SELECT id FROM file_documents ORDER BY id').pluck().all() as string[];
    return { integrity, audit: verifyAuditChain(store.db), scanIds };
  } finally {
    store.close();
  }
}

/**
 * The restored database is older than the hub's view of this mission: its next hello says so, and
 * the hub resynchronises the channel and returns what was lost (PROTOCOL.md, "Going back in time").
 */
function markRestored(db: Db): void {
  db.prepare(`INSERT OR IGNORE INTO link_channel (peer) VALUES ('hub')`).run();
  db.prepare(`UPDATE link_channel SET restored = 1 WHERE peer = 'hub'`).run();
}

async function removeDatabase(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
}

async function assertReadable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new BackupError(BackupErrorCode.NotFound, `${path}: no such backup file`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
