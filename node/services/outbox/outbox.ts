import {
  type EventKind,
  eventDataSchemas,
  eventSchema,
  isEventKind,
  type MissionEvent,
  utf8,
} from '../../../protocol/index.js';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { signalChange } from '../changes/change-signal.js';

/** An event read back from the outbox with its position. */
export interface OutboxItem {
  readonly seq: number;
  readonly event: MissionEvent;
}

/** What is still to deliver. */
export interface OutboxBacklog {
  readonly count: number;
  readonly oldestSeq: number | null;
  /** `at` of the oldest undelivered event. */
  readonly oldestAt: string | null;
}

/** Bounds of one {@link readBatch}. */
export interface BatchLimits {
  readonly limit: number;
  /** Budget in bytes of the events' JSON; one event is always returned, however large. */
  readonly maxBytes: number;
  /** Only events after this seq (default 0): the link reads past what it sealed and awaits the ack of. */
  readonly afterSeq?: number;
}

/** Builds an event of the protocol's vocabulary with a fresh id; `at` defaults to now. */
export function newEvent(
  fields: Pick<MissionEvent, 'entity' | 'entityId' | 'data'> & { kind: EventKind; at?: string },
): MissionEvent {
  const { kind, entity, entityId, data } = fields;
  return { id: newRowId(), kind, entity, entityId, at: fields.at ?? new Date().toISOString(), data };
}

/**
 * Validates an event against protocol's schemas (the envelope's, and its kind's data) and writes it to the outbox. Call it inside the
 * transaction of the change, so that the change and its event commit together or not at all.
 * The `data` column is encrypted with the field key: events that carry identity fields to the hub
 * (registrations, civil status) must not leave them in clear in the database file. kind, entity,
 * entity id and time stay clear: they hold no personal data and the link needs them to route.
 * Returns the event's seq.
 */
export function appendEvent(store: Store, event: MissionEvent): number {
  const valid = eventSchema.parse(event);
  // The data of a kind the protocol names must be what the hub reads of it (protocol/messages/event-kinds.ts).
  if (isEventKind(valid.kind)) eventDataSchemas[valid.kind].parse(valid.data);
  const json = JSON.stringify(valid);
  const result = store.db
    .prepare(
      `INSERT INTO outbox (id, kind, entity, entity_id, at, data, size)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      valid.id,
      valid.kind,
      valid.entity,
      valid.entityId,
      valid.at,
      encryptField(store.keys.field, JSON.stringify(valid.data), dataBinding(valid.id)),
      utf8(json).length,
    );
  signalChange(store.db);
  return Number(result.lastInsertRowid);
}

/** The oldest undelivered events, in seq order, within a count and a byte budget. */
export function readBatch(store: Store, limits: BatchLimits): OutboxItem[] {
  const rows = store.db
    .prepare(
      `SELECT seq, id, kind, entity, entity_id, at, data, size FROM outbox
       WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
    )
    .all(limits.afterSeq ?? 0, Math.max(0, Math.trunc(limits.limit))) as OutboxRow[];
  const items: OutboxItem[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (items.length > 0 && bytes + row.size > limits.maxBytes) break;
    bytes += row.size;
    items.push({ seq: row.seq, event: toEvent(store, row) });
  }
  return items;
}

/**
 * Events written after `afterSeq`, delivered or not, in seq order: what the change feed follows.
 * Read outside a transaction, it sees committed events only.
 */
export function readEventsAfter(store: Store, afterSeq: number, limit: number): OutboxItem[] {
  const rows = store.db
    .prepare(
      `SELECT seq, id, kind, entity, entity_id, at, data, size FROM outbox
       WHERE seq > ? ORDER BY seq LIMIT ?`,
    )
    .all(afterSeq, limit) as OutboxRow[];
  return rows.map((row) => ({ seq: row.seq, event: toEvent(store, row) }));
}

/** The seq of the last event ever written (kept by AUTOINCREMENT, even once pruned); 0 for none. */
export function lastEventSeq(store: Store): number {
  return lastRowNumber(store, 'outbox');
}

/** The last number an AUTOINCREMENT table gave, even if its row is gone; 0 for none. */
export function lastRowNumber(store: Store, table: 'outbox' | 'link_pending'): number {
  const row = store.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as
    | { seq: number }
    | undefined;
  return row?.seq ?? 0;
}

/** Marks every event up to and including `upToSeq` as delivered; returns how many changed. */
export function markDelivered(store: Store, upToSeq: number, at: string = new Date().toISOString()): number {
  return store.db
    .prepare('UPDATE outbox SET delivered_at = ? WHERE seq <= ? AND delivered_at IS NULL')
    .run(at, upToSeq).changes;
}

/**
 * How many events wait, and since when: for /metrics and the hub's mission status. With
 * `afterSeq`, only those after that outbox seq (what is left once the envelopes sealed up to it
 * are applied).
 */
export function outboxBacklog(store: Store, afterSeq = 0): OutboxBacklog {
  const row = store.db
    .prepare(
      `SELECT count(*) AS count, min(seq) AS oldestSeq,
              (SELECT at FROM outbox WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT 1) AS oldestAt
       FROM outbox WHERE delivered_at IS NULL AND seq > ?`,
    )
    .get(afterSeq, afterSeq) as OutboxBacklog;
  return row;
}

interface OutboxRow {
  seq: number;
  id: string;
  kind: string;
  entity: string;
  entity_id: string;
  at: string;
  data: Uint8Array;
  size: number;
}

function toEvent(store: Store, row: OutboxRow): MissionEvent {
  const data = JSON.parse(
    decryptField(store.keys.field, row.data, dataBinding(row.id)),
  ) as MissionEvent['data'];
  return { id: row.id, kind: row.kind, entity: row.entity, entityId: row.entity_id, at: row.at, data };
}

function dataBinding(eventId: string): FieldBinding {
  return { table: 'outbox', column: 'data', rowId: eventId };
}
