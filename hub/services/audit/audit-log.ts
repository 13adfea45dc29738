import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.js';

/** One entry of the hub's audit trail, as appended. */
export interface AuditEntry {
  readonly at: Date;
  /** Who did it: `officer:<username>`, or `rule` for the reconciliation's own decisions. */
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Appends an entry to hub_audit_log in the caller's transaction. The head row is locked first, so
 * concurrent appenders queue and the chain has no gap or fork; the database refuses any later
 * change to an entry (trigger of migration 007). Returns the entry's sequence number.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<number> {
  const [head] = await tx.query<{ seq: number; hash: Uint8Array }>(
    'SELECT seq, hash FROM hub_audit_head WHERE id = 1 FOR UPDATE',
  );
  if (!head) throw new TypeError('hub_audit_head is missing: migration 007 not applied');
  const seq = Number(head.seq) + 1;
  const hash = chainHash(head.hash, seq, entry);
  await tx.query(
    `INSERT INTO hub_audit_log (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
    [
      seq,
      entry.at,
      entry.actor,
      entry.action,
      entry.entity,
      entry.entityId,
      json(entry.before),
      json(entry.after),
      head.hash,
      hash,
    ],
  );
  await tx.query('UPDATE hub_audit_head SET seq = $1, hash = $2 WHERE id = 1', [seq, hash]);
  return seq;
}

/** Walks the chain from the start; returns the first sequence number whose hash is wrong, or null. */
export async function verifyAuditChain(db: Queryable): Promise<number | null> {
  const rows = await db.query<{
    seq: number;
    at: Date;
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    before: unknown;
    after: unknown;
    prev_hash: Uint8Array;
    hash: Uint8Array;
  }>('SELECT * FROM hub_audit_log ORDER BY seq');
  let previous: Uint8Array = new Uint8Array(32);
  for (const [index, row] of rows.entries()) {
    const entry = { ...row, entityId: row.entity_id, at: new Date(row.at) };
    const expected = chainHash(previous, index + 1, entry);
    const linked = Buffer.from(row.prev_hash).equals(Buffer.from(previous));
    if (Number(row.seq) !== index + 1 || !linked || !Buffer.from(row.hash).equals(expected)) {
      return Number(row.seq);
    }
    previous = row.hash;
  }
  return null;
}

function chainHash(previous: Uint8Array, seq: number, entry: AuditEntry): Buffer {
  const canonical = canonicalJson({
    seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
  return createHash('sha256').update(previous).update(canonical).digest();
}

// jsonb reorders keys: the hash is over keys sorted at every level, so a stored entry rehashes equal.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
