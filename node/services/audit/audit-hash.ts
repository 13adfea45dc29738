import { canonicalJson, sodium, utf8 } from '../../../protocol/index.js';

/** prev_hash of the first entry, and the head hash of an empty chain (as in audit.checkpoint). */
export const GENESIS_HASH = '0'.repeat(64);

/** One entry of the audit log as stored. */
export interface AuditEntry {
  readonly seq: number;
  /** RFC 3339 UTC instant. */
  readonly at: string;
  /** Who: a staff username, `applicant:<id>`, `system:<job>`, … */
  readonly actor: string;
  /** What, as `<entity>.<verb>`: `person.created`, `payment.refunded`, … */
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  /** Keyed digest of the record before the change (null on creation). */
  readonly beforeDigest: string | null;
  /** Keyed digest of the record after the change (null on deletion). */
  readonly afterDigest: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Hex BLAKE2b-256 of the canonical JSON of an entry without its own hash. The seq and the previous
 * hash are inside, so editing, deleting or reordering any entry changes every hash after it.
 */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = canonicalJson({
    v: 1,
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    beforeDigest: entry.beforeDigest,
    afterDigest: entry.afterDigest,
    prevHash: entry.prevHash,
  });
  return sodium.crypto_generichash(32, utf8(canonical), null, 'hex');
}

/**
 * Keyed digest (hex BLAKE2b-256 with the audit subkey) of a record's state. It shows that a record
 * changed and lets anyone holding the key check a state against the log, while the log itself
 * holds no personal value — and, being keyed, cannot be reversed by hashing guessed values.
 */
export function digestRecord(auditKey: Uint8Array, record: unknown): string {
  return sodium.crypto_generichash(32, utf8(canonicalJson(record)), auditKey, 'hex');
}
