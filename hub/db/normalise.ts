import { HubError, HubErrorCode } from '../errors.js';

/** PostgreSQL's type OID of int8 (bigint, count(*)). */
const INT8_OID = 20;

/** A column description as both pg and PGlite report it. */
export interface FieldInfo {
  readonly name: string;
  readonly dataTypeID: number;
}

/**
 * The one place where 64-bit integers become numbers: pg returns them as strings, PGlite as
 * numbers (or bigint). Every count and sequence of the hub stays far below 2^53, so a value past
 * it is a corrupted row, not a big number: it throws rather than rounds.
 */
export function normaliseRows<T>(rows: readonly unknown[], fields: readonly FieldInfo[]): T[] {
  const int8 = fields.filter((field) => field.dataTypeID === INT8_OID).map((field) => field.name);
  if (int8.length === 0) return rows as T[];
  for (const row of rows as Record<string, unknown>[]) {
    for (const name of int8) row[name] = toSafeNumber(row[name], name);
  }
  return rows as T[];
}

function toSafeNumber(value: unknown, column: string): unknown {
  if (value === null || value === undefined || typeof value === 'number') return value;
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new HubError(HubErrorCode.IntegerOverflow, `column ${column} holds ${String(value)}`);
  }
  return number;
}
