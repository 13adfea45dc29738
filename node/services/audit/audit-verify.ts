import type { Db } from '../../db/db.js';
import { type AuditEntry, GENESIS_HASH, hashAuditEntry } from './audit-hash.js';

/** Why the chain is broken at `firstBadSeq`. */
export type AuditFault =
  /** The entry expected at this seq is missing (deleted), or entries were renumbered. */
  | 'missing_entry'
  /** The entry's content does not match its own hash: it was edited. */
  | 'altered_entry'
  /** The entry does not follow its predecessor: an entry before it was replaced or reordered. */
  | 'broken_link';

/** The verdict of {@link verifyAuditChain}. */
export type AuditVerdict =
  | { readonly ok: true; readonly length: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly firstBadSeq: number;
      readonly reason: AuditFault;
      readonly detail: string;
    };

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before_digest: string | null;
  after_digest: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * Walks the whole chain from seq 1 and names the first entry that is not where, or what, it should
 * be. Removing entries from the end leaves a valid shorter chain: that is caught by comparing the
 * head with the last checkpoint sent to the hub.
 */
export function verifyAuditChain(db: Db): AuditVerdict {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>;
  for (const row of rows) {
    const fault = checkEntry(toEntry(row), expectedSeq, prevHash);
    if (fault) return { ok: false, firstBadSeq: expectedSeq, ...fault };
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, length: expectedSeq - 1, headHash: prevHash };
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

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    beforeDigest: row.before_digest,
    afterDigest: row.after_digest,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
