import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { fromUtf8, MAX_RECORD_COPIES_CHARS, type MissionEvent, utf8 } from '../../../protocol/index.js';
import { decryptFieldBytes, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { type RecordShape, shapeOf } from './record-shapes.js';

/** A column's value as SQLite gives it, blobs as `{ b: base64 }` once serialised. */
export type CopiedValue = string | number | null | { readonly b: string };
export type CopiedRow = Readonly<Record<string, CopiedValue>>;

/** One record as it stood when its event was sealed: its rows, table by table. */
export interface CopiedRecord {
  readonly entity: string;
  readonly id: string;
  /** `rows[shape.table]` holds the root row alone; the other tables its children. */
  readonly rows: Readonly<Record<string, readonly CopiedRow[]>>;
}

/** A copy never inflates past this: what a batch of 500 events' records could reasonably hold. */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
/** The copies are sealed as one field of a table that does not exist: the binding names the format. */
const BINDING: FieldBinding = { table: 'record_copies', column: 'records', rowId: 'v1' };

/**
 * The records the events of a batch changed, as they stand now, with the records they point at:
 * read in the transaction that seals the batch, so each copy is at least as recent as its event.
 * Entities that are not records to restore (a directive, a staff account) add nothing; a record
 * purged since (retention) is skipped.
 */
export function copyRecords(store: Store, events: readonly MissionEvent[]): CopiedRecord[] {
  const copied = new Map<string, CopiedRecord>();
  const statements = new Map<string, ReturnType<Store['db']['prepare']>>();
  const read = (sql: string, id: string): Record<string, unknown>[] => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = store.db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement.all(id) as Record<string, unknown>[];
  };
  const visit = (entity: string, id: string): void => {
    const shape = shapeOf(entity);
    const key = `${entity}:${id}`;
    if (!shape || copied.has(key)) return;
    const [root] = read(`SELECT * FROM ${shape.table} WHERE id = ?`, id);
    if (!root) return;
    const rows: Record<string, CopiedRow[]> = { [shape.table]: [toCopied(root)] };
    copied.set(key, { entity, id, rows });
    followPointers(shape.pointsAt, root, visit);
    for (const child of shape.children) {
      // In the order they were written: a history put back elsewhere keeps its order.
      const childRows = read(`SELECT * FROM ${child.table} WHERE ${child.where} ORDER BY rowid`, id);
      rows[child.table] = childRows.map(toCopied);
      for (const row of childRows) followPointers(child.pointsAt ?? {}, row, visit);
    }
  };
  for (const event of events) visit(event.entity, event.entityId);
  return [...copied.values()];
}

/**
 * Seals copies with the mission's records key: deflated JSON, then XChaCha20-Poly1305. Returns the
 * base64 the batch carries, or undefined when there is nothing to copy or the copies would pass
 * the protocol's bound (those events then come back without their records, for staff to re-enter).
 */
export function sealRecordCopies(store: Store, records: readonly CopiedRecord[]): string | undefined {
  if (records.length === 0) return undefined;
  const json = utf8(JSON.stringify({ v: 1, records }));
  const sealed = encryptField(store.keys.records, deflateRawSync(json, { level: 1 }), BINDING);
  const base64 = Buffer.from(sealed).toString('base64');
  return base64.length > MAX_RECORD_COPIES_CHARS ? undefined : base64;
}

/**
 * Opens sealed copies returned by the hub. Throws when they do not authenticate with this mission's
 * key (another mission's, or altered on the way) or do not have the expected form.
 */
export function openRecordCopies(store: Store, sealed: string): CopiedRecord[] {
  const deflated = decryptFieldBytes(store.keys.records, Buffer.from(sealed, 'base64'), BINDING);
  const json = inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED_BYTES });
  return copiesSchema.parse(JSON.parse(fromUtf8(json))).records;
}

/** A copied value as SQLite takes it back. */
export function fromCopied(value: CopiedValue): string | number | null | Buffer {
  return value !== null && typeof value === 'object' ? Buffer.from(value.b, 'base64') : value;
}

function toCopied(row: Record<string, unknown>): CopiedRow {
  const copy: Record<string, CopiedValue> = {};
  for (const [column, value] of Object.entries(row)) {
    copy[column] =
      value instanceof Uint8Array ? { b: Buffer.from(value).toString('base64') } : (value as CopiedValue);
  }
  return copy;
}

function followPointers(
  pointsAt: RecordShape['pointsAt'],
  row: Record<string, unknown>,
  visit: (entity: string, id: string) => void,
): void {
  for (const [column, entity] of Object.entries(pointsAt)) {
    const target = row[column];
    if (typeof target === 'string') visit(entity, target);
  }
}

const valueSchema = z.union([z.string(), z.number(), z.null(), z.strictObject({ b: z.base64() })]);
const copiesSchema = z.object({
  v: z.literal(1),
  records: z.array(
    z.object({
      entity: z.string(),
      id: z.string(),
      rows: z.record(z.string(), z.array(z.record(z.string(), valueSchema))),
    }),
  ),
});
