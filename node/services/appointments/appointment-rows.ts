import { blindIndex, idNumberIndex } from '../../crypto/blind-index.js';
import type { DataKeys } from '../../crypto/data-keys.js';
import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import type { Db } from '../../db/db.js';
import type { Language } from '../catalogue/catalogue-schema.js';

/** Where a booking stands. */
export type AppointmentState = 'held' | 'confirmed' | 'cancelled' | 'expired' | 'checked_in' | 'no_show';

/** A row of `appointments` as SQLite returns it. */
export interface AppointmentRow {
  id: string;
  reference: string;
  service_code: string;
  slot_start: string;
  slot_end: string;
  state: AppointmentState;
  person_id: string;
  phone_enc: Uint8Array;
  phone_bidx: Uint8Array;
  document_enc: Uint8Array;
  document_bidx: Uint8Array;
  lang: Language;
  code_hash: Uint8Array | null;
  code_attempts: number;
  hold_expires_at: string | null;
  waitlist_id: string | null;
  reminder_queued_at: string | null;
  checked_in_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Phone (E.164) and identity document number given with a booking or a waiting-list entry. */
export interface Contact {
  readonly phone: string;
  readonly documentNumber: string;
}

/** Encrypted and indexed columns of a contact. */
export interface ContactColumns {
  phone_enc: Uint8Array;
  phone_bidx: Uint8Array;
  document_enc: Uint8Array;
  document_bidx: Uint8Array;
}

/** Blind indexes of a contact, for the anti-hoarding limits and the check at the counter. */
export function contactIndexes(keys: DataKeys, contact: Contact) {
  return {
    phone_bidx: blindIndex(keys.index, 'phone', contact.phone),
    // The schema refuses document numbers that normalise to nothing, so the index always exists.
    document_bidx: idNumberIndex(keys.index, contact.documentNumber) ?? new Uint8Array(32),
  };
}

/** Encrypts a contact for a row of `table` (bound to the row, as every personal field). */
export function encodeContact(
  keys: DataKeys,
  table: string,
  rowId: string,
  contact: Contact,
): ContactColumns {
  return {
    phone_enc: encryptField(keys.field, contact.phone, { table, column: 'phone_enc', rowId }),
    document_enc: encryptField(keys.field, contact.documentNumber, { table, column: 'document_enc', rowId }),
    ...contactIndexes(keys, contact),
  };
}

/** Decrypts a contact stored by {@link encodeContact}. */
export function decodeContact(keys: DataKeys, table: string, row: { id: string } & ContactColumns): Contact {
  return {
    phone: decryptField(keys.field, row.phone_enc, { table, column: 'phone_enc', rowId: row.id }),
    documentNumber: decryptField(keys.field, row.document_enc, {
      table,
      column: 'document_enc',
      rowId: row.id,
    }),
  };
}

/** The booking with this reference. */
export function selectByReference(db: Db, reference: string): AppointmentRow | undefined {
  return db.prepare('SELECT * FROM appointments WHERE reference = ?').get(reference) as
    | AppointmentRow
    | undefined;
}

/** The booking with this id. */
export function selectById(db: Db, id: string): AppointmentRow | undefined {
  return db.prepare('SELECT * FROM appointments WHERE id = ?').get(id) as AppointmentRow | undefined;
}

/**
 * Changes some columns of a booking; `updated_at` is always set. Column names come from the row
 * type in this module's callers, never from input; the filter keeps even a mistake out of the SQL.
 */
export function updateAppointment(db: Db, id: string, changes: Partial<AppointmentRow>, at: string): void {
  const columns = Object.keys(changes).filter((column) => /^[a-z_]+$/.test(column));
  const assignments = [...columns.map((column) => `${column} = @${column}`), 'updated_at = @updated_at'];
  db.prepare(`UPDATE appointments SET ${assignments.join(', ')} WHERE id = @id`).run({
    ...changes,
    updated_at: at,
    id,
  });
}

/** Bytes equality, for comparing blind indexes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
