import { AUDIT_GENESIS_HASH, auditChainStep, canonicalJson, sodium, utf8 } from '../../../protocol/index.js';

/** prev_hash of the first entry, and the head hash of an empty chain (as in audit.checkpoint). */
export const GENESIS_HASH = AUDIT_GENESIS_HASH;

/**
 * How an entry's hash is made, stored with it (`audit_log.hash_version`, migration 016):
 * 1 — BLAKE2b-256 of the canonical JSON of the whole entry, previous hash inside (entries written
 *     before migration 016; they stay as they are, the log being append-only);
 * 2 — BLAKE2b-256(prevHash ‖ entry digest) (protocol/audit-chain.ts), so that the hub can recompute
 *     the chain from the entries' digests alone, and no field of any entry travels.
 */
export type AuditHashVersion = 1 | 2;

/** The version new entries are written with. */
export const AUDIT_HASH_VERSION: AuditHashVersion = 2;

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
  /** How `hash` is made: see {@link AuditHashVersion}. */
  readonly version: AuditHashVersion;
  readonly prevHash: string;
  readonly hash: string;
}

/** An entry's fields an entry digest covers: all but its version, its previous hash and its hash. */
export type AuditEntryFields = Omit<AuditEntry, 'version' | 'prevHash' | 'hash'>;

/**
 * The entry's hash by its version. Either way the seq and the previous hash are covered (version 2
 * through the digest and the chaining), so editing, deleting or reordering any entry changes every
 * hash after it.
 */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  if (entry.version === 1) return hashVersion1(entry);
  return auditChainStep(entry.prevHash, auditEntryDigest(entry));
}

/**
 * Hex BLAKE2b-256 of the canonical JSON of an entry without its previous hash: what a version-2
 * hash chains, and what an audit.checkpoint carries for each entry instead of the entry itself.
 * `v` keeps it apart from a version-1 preimage.
 */
export function auditEntryDigest(entry: AuditEntryFields): string {
  return blake2bHex(canonicalJson({ v: 2, ...entryFields(entry) }));
}

function hashVersion1(entry: Omit<AuditEntry, 'hash' | 'version'>): string {
  return blake2bHex(canonicalJson({ v: 1, ...entryFields(entry), prevHash: entry.prevHash }));
}

// What both versions hash of an entry (canonical JSON sorts the keys: the order here is free).
function entryFields(entry: AuditEntryFields) {
  const { seq, at, actor, action, entity, entityId, beforeDigest, afterDigest } = entry;
  return { seq, at, actor, action, entity, entityId, beforeDigest, afterDigest };
}

function blake2bHex(text: string): string {
  return sodium.crypto_generichash(32, utf8(text), null, 'hex');
}

/**
 * Keyed digest (hex BLAKE2b-256 with the audit subkey) of a record's state. It shows that a record
 * changed and lets anyone holding the key check a state against the log, while the log itself
 * holds no personal value — and, being keyed, cannot be reversed by hashing guessed values.
 */
export function digestRecord(auditKey: Uint8Array, record: unknown): string {
  return sodium.crypto_generichash(32, utf8(canonicalJson(record)), auditKey, 'hex');
}
