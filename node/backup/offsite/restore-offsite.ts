import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeFileDurably } from '../../../common/fs/durable-files.js';
import { pathExists } from '../../../common/fs/path-exists.js';
import { ready, sodium } from '../../../protocol/index.js';
import { nodePaths } from '../../config/config.js';
import { deriveDataKeys } from '../../crypto/data-keys.js';
import { loadDataKey, writeDataKey } from '../../crypto/key-file.js';
import { BackupError, BackupErrorCode } from '../errors.js';
import { assertRestorable, type RestoreAllowances } from '../restore-checks.js';
import { newestRestored, type RestoreRecord, readRestoreHistory, recordRestore } from '../restore-history.js';
import { inspectRestored } from '../restore-inspect.js';
import { findBackupScans, restoreScans, type ScansRestored } from '../scan-backup.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import type { FetchChunk } from './fetch-chunks.js';
import { raiseLastGeneration } from './offsite-store.js';
import { type OffsiteProgress, rebuildGeneration } from './rebuild-files.js';
import { type SiteFile, writeMissingSiteFiles } from './site-files.js';
import { type TrustedGeneration, verifyGeneration } from './verify-generation.js';

/** Options of {@link restoreFromOffsite}. */
export interface OffsiteRestoreOptions extends Omit<RestoreAllowances, 'allowOlder'> {
  readonly fetchChunk: FetchChunk;
  /** The signed offsite.manifest body of the generation to restore. */
  readonly manifest: unknown;
  readonly expectedMissionId: string;
  readonly recoveryPublicKey: Uint8Array;
  readonly recoverySecretKey: Uint8Array;
  /** The mission's signing key as the hub's registry has it, when known: the manifest must verify with it too. */
  readonly missionSignPublicKey?: Uint8Array;
  /** The data directory: `mission.sqlite`, `documents/` and `keys/` are written in it. */
  readonly dir: string;
  /** Replace a database already there (the node using it stopped). */
  readonly force?: boolean;
  /** Restore a generation older than one already restored into `dir`. */
  readonly allowOlder?: boolean;
  readonly onProgress?: (progress: OffsiteProgress) => void;
}

/** What a restore from the hub put in place. */
export interface OffsiteRestoreResult {
  readonly missionId: string;
  readonly generation: number;
  readonly database: string;
  readonly documents: ScansRestored;
  /** The node's config as it was packed, when the generation holds it. */
  readonly nodeConfig?: string;
  /** The HTTPS files brought back (those the directory did not hold). */
  readonly siteFiles: readonly SiteFile[];
}

/**
 * Rebuilds a mission from an off-site generation: the manifest checked against the recovery key
 * and the mission before anything is fetched; every chunk checked against its address and opened;
 * the database and the scans rebuilt in a folder inside `dir`, the database opened with the data
 * key and checked as a local restore checks it (sound pages, audit chain, every scan present, not
 * older than what was restored here). Only then are they moved into place, with keys/data.key and
 * keys/identity.key. Any refusal leaves `dir` as it was.
 */
export async function restoreFromOffsite(options: OffsiteRestoreOptions): Promise<OffsiteRestoreResult> {
  await ready();
  const trusted = verifyGeneration(options);
  const { generation, missionId } = trusted.manifest;
  const paths = nodePaths({ dataDir: options.dir });
  const history = await readRestoreHistory(options.dir);
  const newest = newestRestored(history);
  assertNotOlder(generation, history, options.allowOlder);
  if (!options.force && (await pathExists(paths.database))) {
    throw new BackupError(
      BackupErrorCode.TargetExists,
      `${paths.database} exists: restore into a new directory, or replace it with --force (node stopped)`,
    );
  }
  await assertKeyFilesAgree(paths, trusted);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const work = join(options.dir, `.offsite-restore-${randomUUID()}`);
  await mkdir(work, { mode: 0o700 });
  try {
    await rebuildGeneration({
      manifest: trusted.manifest,
      keys: deriveDataKeys(trusted.keys.dataKey),
      fetchChunk: options.fetchChunk,
      into: work,
      onProgress: options.onProgress,
    });
    const rebuilt = join(work, 'mission.sqlite');
    const from = `off-site generation ${generation} of ${missionId}`;
    const copy = await inspectRestored(rebuilt, trusted.keys.dataKey, from);
    const scans = await findBackupScans(copy.scanIds, rebuilt);
    // The audit head's check too: a local backup restored here may have gone further than this generation.
    assertRestorable({ from, copy, scans, newestRestored: newest }, options);
    // The hub holds this generation: the node's next one must be numbered above it, whatever the
    // snapshot (taken before this generation was recorded) says.
    withDatabase(rebuilt, (db) => raiseLastGeneration(db, generation));
    if (options.force) await removeDatabase(paths.database);
    await rename(rebuilt, paths.database);
    const documents = await restoreScans(scans, rebuilt, options.dir);
    await writeKeyFiles(paths, trusted);
    const siteFiles = await writeMissingSiteFiles(options.dir, trusted.keys.siteFiles ?? {});
    await recordRestore(options.dir, {
      restoredAt: new Date().toISOString(),
      backup: `offsite:${missionId}:${generation}`,
      auditHead: copy.auditHead,
      offsiteGeneration: generation,
    });
    return {
      missionId,
      generation,
      database: paths.database,
      documents,
      siteFiles,
      ...(trusted.keys.nodeConfig === undefined ? {} : { nodeConfig: trusted.keys.nodeConfig }),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function assertNotOlder(generation: number, history: readonly RestoreRecord[], allowOlder = false): void {
  const newest = Math.max(0, ...history.map((record) => record.offsiteGeneration ?? 0));
  if (allowOlder || generation >= newest) return;
  throw new OffsiteError(
    OffsiteErrorCode.OlderGeneration,
    `generation ${generation} is older than generation ${newest}, already restored here: nothing was ` +
      'changed. Restore the latest generation; to go back to this one on purpose, pass --older',
  );
}

// A key file already in the directory may only be the generation's own: the restored database
// opens with no other data key, and the hub knows the mission by no other identity.
async function assertKeyFilesAgree(
  paths: ReturnType<typeof nodePaths>,
  trusted: TrustedGeneration,
): Promise<void> {
  if (await pathExists(paths.dataKey)) {
    const held = await loadDataKey(paths.dataKey).catch(() => undefined);
    if (!held || !sodium.memcmp(held, trusted.keys.dataKey)) throw keyDiffers(paths.dataKey);
  }
  if (await pathExists(paths.identityKey)) {
    const held = await readFile(paths.identityKey, 'utf8');
    if (held !== trusted.keys.identityKeyFile) throw keyDiffers(paths.identityKey);
  }
}

async function writeKeyFiles(paths: ReturnType<typeof nodePaths>, trusted: TrustedGeneration): Promise<void> {
  await mkdir(join(paths.dataKey, '..'), { recursive: true, mode: 0o700 });
  if (!(await pathExists(paths.dataKey)))
    await writeDataKey(paths.dataKey, trusted.keys.dataKey, { kind: 'file' });
  if (!(await pathExists(paths.identityKey)))
    await writeFileDurably(paths.identityKey, trusted.keys.identityKeyFile, 0o600);
}

function keyDiffers(path: string): OffsiteError {
  return new OffsiteError(
    OffsiteErrorCode.KeyFileDiffers,
    `${path} is not the key of the generation restored: nothing was changed; restore into a new directory`,
  );
}

function withDatabase(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    work(db);
  } finally {
    db.close();
  }
}

async function removeDatabase(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
}
