import type {
  AUDIT_CHECKPOINT,
  DIRECTIVE_ACK,
  DIRECTIVE_RECEIPT,
  KEY_ROTATION,
  OFFSITE_MANIFEST,
  REGISTRY_SUBMISSION,
  STATS_SNAPSHOT,
} from '../../../protocol/index.js';
import { type MessageBody, messageSchemas } from '../../../protocol/index.js';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { signalChange } from '../changes/change-signal.js';

/** Up messages other than event batches: each is sealed on its own, in the order written. */
export type PendingType =
  | typeof DIRECTIVE_RECEIPT
  | typeof DIRECTIVE_ACK
  | typeof AUDIT_CHECKPOINT
  | typeof STATS_SNAPSHOT
  | typeof REGISTRY_SUBMISSION
  | typeof KEY_ROTATION
  | typeof OFFSITE_MANIFEST;

/** A pending message read back. */
export interface PendingMessage {
  readonly id: number;
  readonly type: PendingType;
  readonly body: unknown;
}

/**
 * Queues a message for the hub. Call it inside the transaction of the change that makes it, so
 * the change and its message commit together. The body is validated now, so no message the hub
 * would refuse can ever block the channel; it is stored encrypted (registry submissions carry
 * identities).
 */
export function enqueueMessage<T extends PendingType>(store: Store, type: T, body: MessageBody<T>): number {
  const valid = messageSchemas[type].parse(body);
  const createdAt = new Date().toISOString();
  const insert = store.db.prepare('INSERT INTO link_pending (type, body, created_at) VALUES (?, ?, ?)');
  const id = Number(insert.run(type, new Uint8Array(0), createdAt).lastInsertRowid);
  const sealed = encryptField(store.keys.field, JSON.stringify(valid), binding(id));
  store.db.prepare('UPDATE link_pending SET body = ? WHERE id = ?').run(sealed, id);
  signalChange(store.db);
  return id;
}

/**
 * Messages queued after `afterId` and not sealed yet, in order: the change feed follows the
 * directive receipts and acknowledgements through them. A message the link has already sealed
 * and removed is not seen; the screens miss that notice only, never the change.
 */
export function readPendingAfter(store: Store, afterId: number, limit: number): PendingMessage[] {
  const rows = store.db
    .prepare('SELECT id, type, body FROM link_pending WHERE id > ? ORDER BY id LIMIT ?')
    .all(afterId, limit) as PendingRow[];
  return rows.map((row) => toPending(store, row));
}

interface PendingRow {
  id: number;
  type: PendingType;
  body: Uint8Array;
}

function toPending(store: Store, row: PendingRow): PendingMessage {
  return {
    id: row.id,
    type: row.type,
    body: JSON.parse(decryptField(store.keys.field, row.body, binding(row.id))),
  };
}

/** The oldest pending message, or undefined. */
export function firstPending(store: Store): PendingMessage | undefined {
  const row = store.db.prepare('SELECT id, type, body FROM link_pending ORDER BY id LIMIT 1').get() as
    | PendingRow
    | undefined;
  return row && toPending(store, row);
}

/** Removes a pending message once it is sealed and held. */
export function removePending(store: Store, id: number): void {
  store.db.prepare('DELETE FROM link_pending WHERE id = ?').run(id);
}

/** A sealed message's body, kept encrypted beside its envelope in link_sent (see resync.ts). */
export function sealSentBody(store: Store, seq: number, body: unknown): Uint8Array {
  return encryptField(store.keys.field, JSON.stringify(body), sentBinding(seq));
}

/** Reads back a body kept by {@link sealSentBody}. */
export function openSentBody(store: Store, seq: number, sealed: Uint8Array): unknown {
  return JSON.parse(decryptField(store.keys.field, sealed, sentBinding(seq)));
}

/**
 * Puts messages back at the head of the queue, before everything waiting, in the order given: a
 * resync numbers again what the hub never acknowledged, and it must leave in its first order.
 */
export function requeueFirst(store: Store, messages: readonly { type: PendingType; body: unknown }[]): void {
  const first = store.db.prepare('SELECT min(id) AS id FROM link_pending').get() as { id: number | null };
  let id = (first.id ?? 1) - messages.length;
  const insert = store.db.prepare(
    'INSERT INTO link_pending (id, type, body, created_at) VALUES (?, ?, ?, ?)',
  );
  for (const message of messages) {
    const sealed = encryptField(store.keys.field, JSON.stringify(message.body), binding(id));
    insert.run(id, message.type, sealed, new Date().toISOString());
    id += 1;
  }
}

/** How many messages wait to be sealed. */
export function pendingCount(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM link_pending').get() as { n: number }).n;
}

function sentBinding(seq: number): FieldBinding {
  return { table: 'link_sent', column: 'body', rowId: String(seq) };
}

function binding(id: number): FieldBinding {
  return { table: 'link_pending', column: 'body', rowId: String(id) };
}
