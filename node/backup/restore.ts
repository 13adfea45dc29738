import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { syncToDisk } from '../../common/fs/durable-files.js';
import { pathExists } from '../../common/fs/path-exists.js';
import { ready } from '../../protocol/index.js';
import { nodePaths } from '../config/config.js';
import { deriveDataKeys } from '../crypto/data-keys.js';
import { createDocumentDecryptStream } from '../crypto/document-cipher.js';
import { CryptoError } from '../crypto/errors.js';
import type { AuditVerdict } from '../services/audit/audit-verify.js';
import { BACKUP_BINDING } from './backup.js';
import { BackupError, BackupErrorCode } from './errors.js';
import { countingStream, type ProgressListener } from './progress.js';
import { assertRestorable, isOlder, type RestoreAllowances } from './restore-checks.js';
import { newestRestored, type RestoreRecord, readRestoreHistory, recordRestore } from './restore-history.js';
import { inspectRestored } from './restore-inspect.js';
import { findBackupScans, restoreScans, type ScansRestored } from './scan-backup.js';

/** Options of {@link restoreBackup}. */
export interface RestoreOptions extends RestoreAllowances {
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
  /** SQLite's `quick_check` verdict: always `ok`, a damaged copy is refused. */
  readonly integrity: string;
  /** The chain's verdict: broken only when `acceptBrokenAudit` let it through. */
  readonly audit: AuditVerdict;
  /** The scans copied back from the backup's `documents/`, and those it lacks (`acceptMissingScans`). */
  readonly documents: ScansRestored;
  /** The newer restore this one went back before (`allowOlder`); undefined when it did not. */
  readonly wentBackBefore?: RestoreRecord;
}

/**
 * Decrypts a backup into a data directory and opens it with the data key (which checks that the
 * key is the database's own and brings its schema up to date). Every check runs on the decrypted
 * copy beside the target before anything there is touched: the copy is sound (`backup_damaged`),
 * not older than a backup restored there before (`older_than_restored`), its audit chain verifies
 * (`audit_broken`) and its scans are all in the backup's folder (`scans_missing`). Only then is the
 * database already there, if any, replaced (with `force`), the scans copied, and the restore
 * recorded in the directory's history.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const database = nodePaths({ dataDir: options.dir }).database;
  await assertReadable(options.from);
  if (!options.force && (await pathExists(database))) {
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
    const copy = await inspectRestored(partial, options.dataKey, options.from);
    const scans = await findBackupScans(copy.scanIds, options.from);
    const newest = newestRestored(await readRestoreHistory(options.dir));
    assertRestorable({ from: options.from, copy, scans, newestRestored: newest }, options);
    if (options.force) await removeDatabase(database);
    await rename(partial, database);
    const documents = await restoreScans(scans, options.from, options.dir);
    // Recorded once the restore is whole: a restore cut short must not make a later one look older.
    // The history's write flushes the folder, which makes the rename above durable too.
    await recordRestore(options.dir, {
      restoredAt: new Date().toISOString(),
      backup: basename(options.from),
      auditHead: copy.auditHead,
    });
    const wentBackBefore = isOlder(copy.auditHead, newest) ? newest : undefined;
    return { database, integrity: 'ok', audit: copy.audit, documents, wentBackBefore };
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

async function removeDatabase(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
}

async function assertReadable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new BackupError(BackupErrorCode.NotFound, `${path}: no such backup file`);
}
