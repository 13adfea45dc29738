import type { Db } from '../../node/db/db.js';
import { GENESIS_HASH, hashAuditEntry } from '../../node/services/audit/audit-hash.js';
import { auditHead } from '../../node/services/audit/audit-log.js';
import { type AuditRow, entryFromRow } from '../../node/services/audit/audit-verify.js';

/**
 * Appends an entry as the code before migration 016 wrote it: a version-1 hash, and no
 * `hash_version` (the column, where it exists, defaults to 1). Works on a schema of any age.
 */
export function appendVersion1(db: Db, entityId: string): void {
  const head = auditHead(db);
  const unhashed = {
    seq: head.length + 1,
    at: new Date().toISOString(),
    actor: 'agent:amina',
    action: 'payment.recorded',
    entity: 'payment',
    entityId,
    beforeDigest: null,
    afterDigest: 'ab'.repeat(32),
    version: 1 as const,
    prevHash: head.headHash,
  };
  db.prepare(
    `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_digest, after_digest, prev_hash, hash)
     VALUES (@seq, @at, @actor, @action, @entity, @entityId, @beforeDigest, @afterDigest, @prevHash, @hash)`,
  ).run({ ...unhashed, hash: hashAuditEntry(unhashed) });
}

// What someone editing the file directly can do: the triggers are part of the file too.
export function dropAuditGuards(db: Db): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

/**
 * Changes entry `from` and recomputes its hash and every later one, each by its own version, as a
 * careful forger holding the file would (after {@link dropAuditGuards}).
 */
export function rehashFrom(db: Db, from: number, change: { actor: string }): void {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as AuditRow[];
  let prevHash = rows[0]?.prev_hash ?? GENESIS_HASH;
  for (const row of rows) {
    const { hash: _old, ...stored } = entryFromRow(row);
    const entry = { ...stored, actor: row.seq === from ? change.actor : row.actor, prevHash };
    const hash = hashAuditEntry(entry);
    db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(
      entry.actor,
      prevHash,
      hash,
      row.seq,
    );
    prevHash = hash;
  }
}
