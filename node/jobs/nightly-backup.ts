import { join } from 'node:path';
import { type BackupResult, createBackup } from '../backup/backup.js';
import { backupFileName, pruneBackups, removeLeftovers } from '../backup/backup-files.js';
import { pruneBackupScans } from '../backup/scan-backup.js';
import { type NodeConfig, nodePaths } from '../config/config.js';
import type { Store } from '../db/store.js';

/** What a nightly backup did. */
export interface NightlyBackupResult extends BackupResult {
  /** Older backups deleted to keep the last `config.backup.keep`. */
  readonly pruned: readonly string[];
  /** Scans of the backup folder that no kept backup refers to any more, deleted. */
  readonly prunedScans: readonly string[];
}

/**
 * Writes an encrypted backup into `<dataDir>/backups`, then deletes all but the newest
 * `config.backup.keep`, and the scans that none of those refers to. Pruning comes after the new
 * backup is complete: a failed night never leaves fewer good backups than the day before.
 */
export async function runNightlyBackup(
  store: Store,
  config: Pick<NodeConfig, 'dataDir' | 'backup'>,
  now: Date = new Date(),
): Promise<NightlyBackupResult> {
  const dir = nodePaths(config).backups;
  await removeLeftovers(dir, now);
  const result = await createBackup({ store, out: join(dir, backupFileName(now)), workDir: dir });
  const pruned = await pruneBackups(dir, config.backup.keep);
  return { ...result, pruned, prunedScans: await pruneBackupScans(dir, store) };
}
