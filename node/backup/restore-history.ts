import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../../common/fs/durable-files.js';

/** The file of a data directory that lists the backups restored into it, one JSON object a line. */
export const RESTORE_HISTORY_FILE = 'restore-history.jsonl';

/** The last entry of a backup's audit log: how far the mission's history had gone when it was taken. */
export interface AuditHeadAt {
  readonly seq: number;
  readonly hash: string;
  /** When that entry was written (RFC 3339 UTC); null for an empty log. */
  readonly at: string | null;
}

/** One restore, as the history records it. */
export interface RestoreRecord {
  readonly restoredAt: string;
  /** The backup file's name, not its path: the USB stick it came from mounts elsewhere next time. */
  readonly backup: string;
  readonly auditHead: AuditHeadAt;
  /** The off-site generation restored, for a restore from the hub (node/backup/offsite). */
  readonly offsiteGeneration?: number;
}

/** The restores recorded in a data directory, oldest first; none when it has no history. */
export async function readRestoreHistory(dir: string): Promise<RestoreRecord[]> {
  return parseHistory(await readHistoryText(dir));
}

/**
 * The restore that brought the directory furthest in the mission's history: the highest audit head,
 * which is not always the last line (a referent may have gone back on purpose since).
 */
export function newestRestored(history: readonly RestoreRecord[]): RestoreRecord | undefined {
  let newest: RestoreRecord | undefined;
  for (const record of history) {
    if (newest === undefined || record.auditHead.seq > newest.auditHead.seq) newest = record;
  }
  return newest;
}

/**
 * Appends a restore to the history, mode 0600. The whole file is written again under a temporary
 * name and renamed (common/fs/durable-files.ts): a power cut leaves the old history or the new one,
 * never a torn last line. The lines already there are kept as they are, even those this code does
 * not read.
 */
export async function recordRestore(dir: string, record: RestoreRecord): Promise<void> {
  const text = await readHistoryText(dir);
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFileDurably(historyPath(dir), `${text}${separator}${JSON.stringify(record)}\n`, 0o600);
}

function historyPath(dir: string): string {
  return join(dir, RESTORE_HISTORY_FILE);
}

async function readHistoryText(dir: string): Promise<string> {
  return readFile(historyPath(dir), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
}

// A line that does not read as a restore is passed over rather than refused: the history guards
// against restoring the wrong backup by mistake, not against someone who can edit the data
// directory (they could replace the database itself), and a referent must not be stuck on it.
function parseHistory(text: string): RestoreRecord[] {
  const records: RestoreRecord[] = [];
  for (const line of text.split('\n')) {
    const record = parseLine(line);
    if (record) records.push(record);
  }
  return records;
}

function parseLine(line: string): RestoreRecord | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isRestoreRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRestoreRecord(value: unknown): value is RestoreRecord {
  const record = value as Partial<RestoreRecord> | null;
  const head = record?.auditHead as Partial<AuditHeadAt> | undefined;
  return (
    typeof record?.restoredAt === 'string' &&
    typeof record.backup === 'string' &&
    Number.isInteger(head?.seq) &&
    typeof head?.hash === 'string'
  );
}
