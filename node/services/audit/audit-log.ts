import type { Db } from '../../db/db.js';
import { transaction } from '../../db/transaction.js';
import { AUDIT_HASH_VERSION, type AuditEntry, GENESIS_HASH, hashAuditEntry } from './audit-hash.js';

/** What a change contributes to the audit log; seq, hashes and (by default) time are filled in. */
export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly beforeDigest?: string | null;
  readonly afterDigest?: string | null;
  /** RFC 3339 UTC instant; now when absent. */
  readonly at?: string;
}

/** The head of the chain: its length and the hash of its last entry (zeros when empty). */
export interface AuditHead {
  readonly length: number;
  readonly headHash: string;
}

/**
 * Appends one entry to the hash chain. Call it inside the transaction of the change it records:
 * then the change and its audit entry commit together or not at all. Nested in a savepoint so it
 * is atomic on its own too.
 */
export function appendAudit(db: Db, input: AuditInput): AuditEntry {
  return transaction(db, () => {
    const head = auditHead(db);
    const unhashed = {
      seq: head.length + 1,
      at: input.at ?? new Date().toISOString(),
      actor: input.actor,
      action: input.action,
      entity: input.entity,
      entityId: input.entityId,
      beforeDigest: input.beforeDigest ?? null,
      afterDigest: input.afterDigest ?? null,
      version: AUDIT_HASH_VERSION,
      prevHash: head.headHash,
    };
    const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
    insertEntry(db, entry);
    return entry;
  });
}

/** The current head of the chain, as an audit.checkpoint reports it. */
export function auditHead(db: Db): AuditHead {
  const row = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined;
  return row ? { length: row.seq, headHash: row.hash } : { length: 0, headHash: GENESIS_HASH };
}

function insertEntry(db: Db, entry: AuditEntry): void {
  db.prepare(
    `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_digest, after_digest, hash_version, prev_hash, hash)
     VALUES (@seq, @at, @actor, @action, @entity, @entityId, @beforeDigest, @afterDigest, @version, @prevHash, @hash)`,
  ).run(entry);
}
