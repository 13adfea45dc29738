import type { Db } from '../../db/db.js';
import { type AuditEntry, GENESIS_HASH, hashAuditEntry } from './audit-hash.js';

/** Why the chain is broken at `firstBadSeq`. */
export type AuditFault =
  /** The entry expected at this seq is missing (deleted), or entries were renumbered. */
  | 'missing_entry'
  /** The entry's content does not match its own hash: it was edited. */
  | 'altered_entry'
  /** The entry does not follow its predecessor: an entry before it was replaced or reordered. */
  | 'broken_link'
  /** The chain is shorter than a head recorded earlier: entries were removed from its end. */
  | 'truncated'
  /** The chain no longer leads to a head recorded earlier: changed, then rehashed from there on. */
  | 'rewritten';

/** The verdict of {@link verifyAuditChain}. */
export type AuditVerdict =
  | { readonly ok: true; readonly length: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly firstBadSeq: number;
      readonly reason: AuditFault;
      readonly detail: string;
    };

/** An audit_log row as SQLite returns it (`hash_version` absent before migration 016: version 1). */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before_digest: string | null;
  after_digest: string | null;
  hash_version?: number;
  prev_hash: string;
  hash: string;
}

interface Checkpoint {
  at: string;
  length: number;
  head_hash: string;
}

/**
 * Walks the whole chain from seq 1 and names the first entry that is not where, or what, it should
 * be; then checks it against every head the node recorded when it sent one to the hub
 * (`audit_checkpoints`). Removing entries from the end leaves a valid shorter chain, and so does
 * editing an entry and rehashing every one after it: only a head recorded before shows either.
 */
export function verifyAuditChain(db: Db): AuditVerdict {
  const checkpoints = recordedCheckpoints(db);
  const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.length));
  const hashAt = new Map<number, string>([[0, GENESIS_HASH]]);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let newestVersion = 1;
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>;
  for (const row of rows) {
    const fault = checkVersion(row, newestVersion) ?? checkEntry(entryFromRow(row), expectedSeq, prevHash);
    if (fault) return { ok: false, firstBadSeq: expectedSeq, ...fault };
    if (wanted.has(row.seq)) hashAt.set(row.seq, row.hash);
    newestVersion = row.hash_version ?? 1;
    prevHash = row.hash;
    expectedSeq += 1;
  }
  const length = expectedSeq - 1;
  return checkAgainst(checkpoints, hashAt, length) ?? { ok: true, length, headHash: prevHash };
}

/** The heads recorded, by length; none in a database older than migration 013 (read-only here). */
function recordedCheckpoints(db: Db): Checkpoint[] {
  const table = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_checkpoints'")
    .get();
  if (!table) return [];
  return db
    .prepare('SELECT at, length, head_hash FROM audit_checkpoints ORDER BY length, id')
    .all() as Checkpoint[];
}

function checkAgainst(
  checkpoints: readonly Checkpoint[],
  hashAt: ReadonlyMap<number, string>,
  length: number,
): AuditVerdict | undefined {
  let lastGood = 0;
  for (const checkpoint of checkpoints) {
    if (checkpoint.length > length) {
      const detail =
        `the chain ends at entry ${length}, but the checkpoint of ${checkpoint.at} counted ` +
        `${checkpoint.length}: the entries after ${length} were removed`;
      return { ok: false, firstBadSeq: length + 1, reason: 'truncated', detail };
    }
    if (hashAt.get(checkpoint.length) !== checkpoint.head_hash) {
      const detail =
        `entries ${lastGood + 1} to ${checkpoint.length} no longer lead to the head the checkpoint of ` +
        `${checkpoint.at} recorded: one of them was changed and the chain rehashed after it`;
      return { ok: false, firstBadSeq: lastGood + 1, reason: 'rewritten', detail };
    }
    lastGood = checkpoint.length;
  }
  return undefined;
}

/**
 * An entry's stored version chooses how its hash is checked, so it is checked too: versions only
 * go up along the chain (entries are written by the code of their day), and an entry turned back
 * to version 1 after version-2 ones is one rewritten to escape the hub's recomputation, which needs
 * version 2 (PROTOCOL.md, "The audit log anchored at HQ").
 */
function checkVersion(
  row: AuditRow,
  newestVersion: number,
): { reason: AuditFault; detail: string } | undefined {
  const version = row.hash_version ?? 1;
  if (version !== 1 && version !== 2) {
    return { reason: 'altered_entry', detail: `entry ${row.seq} has an unknown hash version ${version}` };
  }
  if (version < newestVersion) {
    const detail = `entry ${row.seq} has hash version ${version} after entries of version ${newestVersion}`;
    return { reason: 'altered_entry', detail };
  }
  return undefined;
}

function checkEntry(
  entry: AuditEntry,
  expectedSeq: number,
  prevHash: string,
): { reason: AuditFault; detail: string } | undefined {
  if (entry.seq !== expectedSeq) {
    return { reason: 'missing_entry', detail: `expected entry ${expectedSeq}, found ${entry.seq}` };
  }
  if (entry.prevHash !== prevHash) {
    return {
      reason: 'broken_link',
      detail: `entry ${entry.seq} does not follow the hash of entry ${entry.seq - 1}`,
    };
  }
  const { hash, ...unhashed } = entry;
  if (hashAuditEntry(unhashed) !== hash) {
    return { reason: 'altered_entry', detail: `entry ${entry.seq} does not match its hash` };
  }
  return undefined;
}

/** An entry as stored, from its row. */
export function entryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    beforeDigest: row.before_digest,
    afterDigest: row.after_digest,
    version: row.hash_version === 2 ? 2 : 1,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
