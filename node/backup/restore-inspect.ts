import Database from 'better-sqlite3';
import type { Db } from '../db/db.js';
import { openStore } from '../db/store.js';
import { type AuditVerdict, verifyAuditChain } from '../services/audit/audit-verify.js';
import { BackupError, BackupErrorCode } from './errors.js';
import type { AuditHeadAt } from './restore-history.js';

/** What a restore reads from the decrypted copy before deciding whether to put it in place. */
export interface RestoredCopy {
  readonly audit: AuditVerdict;
  readonly auditHead: AuditHeadAt;
  /** The scans the database refers to, by id. */
  readonly scanIds: string[];
}

// The first lines of quick_check's report are enough to tell a damaged file; it can list thousands.
const REPORTED_PROBLEMS = 3;

/**
 * Opens the decrypted copy with the data key (which brings its schema up to date), checks that
 * SQLite finds its pages sound, then reads the audit chain's verdict and head and the scans it
 * refers to. Throws `backup_damaged` for a copy SQLite cannot open or whose `quick_check` fails.
 * The copy is marked restored here, while it is open: a copy refused later is deleted anyway.
 */
export async function inspectRestored(
  path: string,
  dataKey: Uint8Array,
  from: string,
): Promise<RestoredCopy> {
  const store = await asDamaged(from, () => openStore({ path, dataKey }));
  try {
    return await asDamaged(from, async () => {
      assertSound(store.db, from);
      const copy = {
        audit: verifyAuditChain(store.db),
        auditHead: auditHeadAt(store.db),
        scanIds: store.db.prepare('SELECT id FROM file_documents ORDER BY id').pluck().all() as string[],
      };
      markRestored(store.db);
      return copy;
    });
  } finally {
    store.close();
  }
}

function assertSound(db: Db, from: string): void {
  const rows = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check);
  if (rows.length === 1 && rows[0] === 'ok') return;
  // Its report opens with a "*** in database main ***" line; the problems follow, one a line.
  const problems = rows.flatMap((row) => row.split('\n')).filter((line) => !line.startsWith('***'));
  throw damaged(from, problems.slice(0, REPORTED_PROBLEMS).join('; '));
}

// The chain's head with its time: the history names when the restored data stops, not only a number.
function auditHeadAt(db: Db): AuditHeadAt {
  const row = db.prepare('SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | AuditHeadAt
    | undefined;
  return row ?? { seq: 0, hash: '0'.repeat(64), at: null };
}

/**
 * The restored database is older than the hub's view of this mission: its next hello says so, and
 * the hub resynchronises the channel and returns what was lost (PROTOCOL.md, "Going back in time").
 */
function markRestored(db: Db): void {
  db.prepare(`INSERT OR IGNORE INTO link_channel (peer) VALUES ('hub')`).run();
  db.prepare(`UPDATE link_channel SET restored = 1 WHERE peer = 'hub'`).run();
}

// A damaged page can surface anywhere SQLite reads one: at open (schema, migrations, the key's
// fingerprint), in quick_check, or in a later query. Each is the same fault for the referent.
async function asDamaged<T>(from: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isCorruption(error)) throw error;
    throw damaged(from, (error as Error).message, error);
  }
}

function isCorruption(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  return error.code.startsWith('SQLITE_CORRUPT') || error.code === 'SQLITE_NOTADB';
}

function damaged(from: string, detail: string, cause?: unknown): BackupError {
  return new BackupError(
    BackupErrorCode.Damaged,
    `${from} decrypts but the database in it is damaged (${detail}): nothing was changed; restore an ` +
      'earlier backup, or another copy of this one (the USB stick, the backups folder)',
    { cause },
  );
}
