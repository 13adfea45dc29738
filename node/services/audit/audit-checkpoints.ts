import { MAX_AUDIT_DIGESTS } from '../../../protocol/index.js';
import type { Db } from '../../db/db.js';
import { auditEntryDigest, GENESIS_HASH } from './audit-hash.js';
import { type AuditHead, auditHead } from './audit-log.js';
import { type AuditRow, entryFromRow } from './audit-verify.js';

/**
 * A head to report to the hub and, when the node can, the proof that it extends the previous one:
 * the digests of the entries from `since` on, from which the hub recomputes the chain.
 */
export interface PlannedCheckpoint extends AuditHead {
  readonly since?: AuditHead;
  readonly digests?: string[];
}

/**
 * The checkpoints that take the hub from the last head the node sent to the current head. The
 * digests come from the entries as stored now and the base from `audit_checkpoints` as stored now:
 * the node proves nothing to itself. If either was rewritten since the base was sent, the digests
 * no longer lead from the head the hub holds to the head reported, and the hub sees it.
 *
 * Entries of hash version 1 cannot be recomputed from a digest: a range holding some is reported
 * up to its last one without proof (the hub keeps it unverified), then the version-2 entries
 * after it with proof, at most {@link MAX_AUDIT_DIGESTS} a checkpoint.
 */
export function planAuditCheckpoints(db: Db, maxDigests = MAX_AUDIT_DIGESTS): PlannedCheckpoint[] {
  const head = auditHead(db);
  let since = lastSentCheckpoint(db);
  // A chain shorter than what the hub was told, or with holes: nothing to prove, the hub sees it.
  if (since.length > head.length || !isContiguous(db, since.length, head.length)) return [head];
  const planned: PlannedCheckpoint[] = [];
  const lastVersion1 = lastVersion1After(db, since.length);
  if (lastVersion1 !== undefined) {
    since = { length: lastVersion1.seq, headHash: lastVersion1.hash };
    planned.push(since);
  }
  let digests: string[] = [];
  const rows = db
    .prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq')
    .iterate(since.length) as IterableIterator<AuditRow>;
  for (const row of rows) {
    digests.push(auditEntryDigest(entryFromRow(row)));
    if (digests.length === maxDigests) {
      planned.push({ length: row.seq, headHash: row.hash, since, digests });
      since = { length: row.seq, headHash: row.hash };
      digests = [];
    }
  }
  if (digests.length > 0 || planned.length === 0) planned.push({ ...head, since, digests });
  return planned;
}

/** Keeps a head the node queued for the hub: the base of the next, and for `audit verify`. */
export function recordAuditCheckpoint(db: Db, at: string, head: AuditHead): void {
  db.prepare('INSERT INTO audit_checkpoints (at, length, head_hash) VALUES (?, ?, ?)').run(
    at,
    head.length,
    head.headHash,
  );
}

/** The head the node last queued for the hub, or the empty chain's before the first. */
function lastSentCheckpoint(db: Db): AuditHead {
  const row = db
    .prepare('SELECT length, head_hash AS headHash FROM audit_checkpoints ORDER BY id DESC LIMIT 1')
    .get() as AuditHead | undefined;
  return row ?? { length: 0, headHash: GENESIS_HASH };
}

function isContiguous(db: Db, after: number, upTo: number): boolean {
  const { n } = db
    .prepare('SELECT count(*) AS n FROM audit_log WHERE seq > ? AND seq <= ?')
    .get(after, upTo) as {
    n: number;
  };
  return n === upTo - after;
}

function lastVersion1After(db: Db, after: number): { seq: number; hash: string } | undefined {
  return db
    .prepare('SELECT seq, hash FROM audit_log WHERE seq > ? AND hash_version = 1 ORDER BY seq DESC LIMIT 1')
    .get(after) as { seq: number; hash: string } | undefined;
}
