import type { Store } from '../../db/store.js';
import { readCalendar } from '../appointments/calendar.js';
import { placesTaken } from '../appointments/slots.js';
import { raiseNumber } from '../payments/number-series.js';
import { type CopiedRecord, type CopiedRow, fromCopied } from './record-copies.js';
import { type ChildRows, type Freshness, type RecordShape, restoreRank, shapeOf } from './record-shapes.js';

/**
 * What became of one recovered record:
 * - `restored`: put back as the hub's copy held it;
 * - `overbooked`: put back, but its slot now holds more bookings than places (the node booked the
 *   place again after the restore): an agent calls one of the applicants;
 * - `kept_local`: this node changed the record after the restore; its own version stands;
 * - `already_here`: the node holds it as recent as the copy;
 * - `number_taken`: the node gave its receipt or voucher number to another payment after the
 *   restore: not put back, the consul settles which document stands;
 * - `failed`: the copy could not be written (a record it needs is missing): an agent re-enters it.
 */
export type RecordOutcome =
  | 'restored'
  | 'overbooked'
  | 'kept_local'
  | 'already_here'
  | 'number_taken'
  | 'failed';

/** Outcomes by `entity:id`. */
export type RecordOutcomes = Map<string, RecordOutcome>;

export const recordKey = (entity: string, id: string): string => `${entity}:${id}`;

/**
 * Puts back the records of copies the hub returned after a resync, in the receiving transaction.
 * When a record comes in several copies (several batches changed it), the last one is the most
 * recent. Records are written parents first; each in a savepoint of its own, so that one that
 * cannot be written leaves the others. Idempotent: copies taken twice find their records
 * `already_here`.
 */
export function restoreRecords(store: Store, copies: readonly CopiedRecord[], now: Date): RecordOutcomes {
  const latest = new Map<string, CopiedRecord>();
  for (const copy of copies) latest.set(recordKey(copy.entity, copy.id), copy);
  const ordered = [...latest.values()]
    .filter((copy) => shapeOf(copy.entity) !== undefined)
    .sort((a, b) => restoreRank(a.entity) - restoreRank(b.entity));
  const outcomes: RecordOutcomes = new Map();
  const writer = new RowWriter(store);
  for (const copy of ordered) {
    const shape = shapeOf(copy.entity) as RecordShape;
    let outcome: RecordOutcome;
    try {
      outcome = store.db.transaction(() => restoreOne(store, writer, shape, copy, now))();
    } catch {
      outcome = 'failed';
    }
    outcomes.set(recordKey(copy.entity, copy.id), outcome);
  }
  return outcomes;
}

function restoreOne(
  store: Store,
  writer: RowWriter,
  shape: RecordShape,
  copy: CopiedRecord,
  now: Date,
): RecordOutcome {
  const root = copy.rows[shape.table]?.[0];
  if (!root || root.id !== copy.id) return 'failed';
  const local = store.db.prepare(`SELECT * FROM ${shape.table} WHERE id = ?`).get(copy.id) as
    | Record<string, unknown>
    | undefined;
  if (local) {
    const fresher = compare(shape.freshness, root, local);
    if (fresher !== 'copy') return fresher === 'same' ? 'already_here' : 'kept_local';
  }
  for (const column of shape.numbered ?? []) {
    const taken = store.db
      .prepare(`SELECT 1 FROM ${shape.table} WHERE ${column} = ? AND id <> ?`)
      .get(fromCopied(root[column] ?? null), copy.id);
    if (taken) return 'number_taken';
  }
  writer.upsert(shape.table, root);
  for (const child of shape.children) {
    for (const row of copy.rows[child.table] ?? []) writer.insertMissing(child, row);
  }
  for (const column of shape.numbered ?? []) {
    const number = root[column];
    if (typeof number === 'string') raiseNumber(store, number);
  }
  return shape.entity === 'appointment' && overbooked(store, root, now) ? 'overbooked' : 'restored';
}

/** Which is the more recent of the copy and the node's own row. */
function compare(
  freshness: Freshness,
  copy: CopiedRow,
  local: Record<string, unknown>,
): 'copy' | 'local' | 'same' {
  switch (freshness.by) {
    case 'version': {
      const [mine, theirs] = [String(local[freshness.column]), String(copy[freshness.column])];
      return theirs > mine ? 'copy' : theirs === mine ? 'same' : 'local';
    }
    case 'state': {
      const [mine, theirs] = [local[freshness.column], copy[freshness.column]];
      if (mine === theirs) return 'same';
      return mine === freshness.initial ? 'copy' : 'local';
    }
    case 'written_once':
      return 'same';
  }
}

/** True when the slot of a restored booking holds more bookings than it has places. */
function overbooked(store: Store, booking: CopiedRow, now: Date): boolean {
  const serviceCode = String(booking.service_code);
  const slotStart = String(booking.slot_start);
  // Without a calendar of its own a service has one place per slot (the cautious reading).
  const { capacity } = readCalendar(store.db, serviceCode, { slotMinutes: 0, capacity: 1 });
  return placesTaken(store.db, serviceCode, slotStart, now) > capacity;
}

/** Writes copied rows, with only the columns the table has today (the copy may be older). */
class RowWriter {
  private readonly columns = new Map<string, Set<string>>();

  constructor(private readonly store: Store) {}

  /** The root row, inserted or replaced column by column (its id stays). */
  upsert(table: string, row: CopiedRow): void {
    const columns = this.known(table, row, []);
    const updates = columns
      .filter((column) => column !== 'id')
      .map((column) => `${column} = excluded.${column}`);
    this.store.db
      .prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
      )
      .run(...columns.map((column) => fromCopied(row[column] ?? null)));
  }

  /** A child row, unless the node holds one with the same identity (history is append-only). */
  insertMissing(child: ChildRows, row: CopiedRow): void {
    const { db } = this.store;
    const match = child.identity.map((column) => `${column} IS ?`).join(' AND ');
    const present = db
      .prepare(`SELECT 1 FROM ${child.table} WHERE ${match}`)
      .get(...child.identity.map((column) => fromCopied(row[column] ?? null)));
    if (present) return;
    const columns = this.known(child.table, row, child.omit ?? []);
    db.prepare(
      `INSERT INTO ${child.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...columns.map((column) => fromCopied(row[column] ?? null)));
  }

  private known(table: string, row: CopiedRow, omit: readonly string[]): string[] {
    let columns = this.columns.get(table);
    if (!columns) {
      const info = this.store.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as {
        name: string;
      }[];
      columns = new Set(info.map((column) => column.name));
      this.columns.set(table, columns);
    }
    const known = columns;
    return Object.keys(row).filter((column) => known.has(column) && !omit.includes(column));
  }
}
