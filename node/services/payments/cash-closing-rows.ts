import { decryptOptional, encryptOptional, type FieldBinding } from '../../crypto/field-cipher.js';
import type { PaymentContext } from './payment-context.js';

/** A recorded closing; `discrepancy` ones carry the note that explains them. */
export interface CashClosing {
  readonly id: string;
  readonly businessDate: string;
  readonly currency: string;
  readonly cashbox: string;
  readonly expectedMinor: number;
  readonly countedMinor: number;
  readonly differenceMinor: number;
  readonly status: 'balanced' | 'discrepancy';
  readonly note: string | undefined;
  readonly closedBy: string;
  readonly closedAt: string;
}

interface ClosingRow {
  id: string;
  business_date: string;
  currency: string;
  cashbox: string;
  expected_minor: number;
  counted_minor: number;
  status: 'balanced' | 'discrepancy';
  note_enc: Uint8Array | null;
  closed_by: string;
  closed_at: string;
}

/** Closings matching a WHERE clause (with its ORDER BY and LIMIT), notes decrypted. */
export function selectClosings(ctx: PaymentContext, where: string, params: unknown[]): CashClosing[] {
  const rows = ctx.store.db
    .prepare(`SELECT * FROM cash_closings WHERE ${where}`)
    .all(...params) as ClosingRow[];
  return rows.map((row) => ({
    id: row.id,
    businessDate: row.business_date,
    currency: row.currency,
    cashbox: row.cashbox,
    expectedMinor: row.expected_minor,
    countedMinor: row.counted_minor,
    differenceMinor: row.counted_minor - row.expected_minor,
    status: row.status,
    note: decryptOptional(ctx.store.keys.field, row.note_enc, noteBinding(row.id)),
    closedBy: row.closed_by,
    closedAt: row.closed_at,
  }));
}

/** Inserts a closing, its note encrypted and bound to the row. */
export function insertClosing(ctx: PaymentContext, closing: CashClosing): void {
  ctx.store.db
    .prepare(
      `INSERT INTO cash_closings (id, business_date, currency, cashbox, expected_minor, counted_minor, status,
         note_enc, closed_by, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      closing.id,
      closing.businessDate,
      closing.currency,
      closing.cashbox,
      closing.expectedMinor,
      closing.countedMinor,
      closing.status,
      encryptOptional(ctx.store.keys.field, closing.note, noteBinding(closing.id)),
      closing.closedBy,
      closing.closedAt,
    );
}

function noteBinding(id: string): FieldBinding {
  return { table: 'cash_closings', column: 'note_enc', rowId: id };
}
