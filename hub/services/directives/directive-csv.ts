import { stringify } from 'csv-stringify/sync';
import { type CellFormat, type CellValue, csvCell } from '../../dashboards/format.js';

/** A column of a directive table: the key of its cell, its header and how its value reads. */
export interface DirectiveColumn {
  readonly key: string;
  readonly label: string;
  readonly format: CellFormat;
}

/**
 * Rows as CSV (RFC 4180: comma, CRLF, quotes where needed) headed by the column labels, with a
 * byte-order mark so that spreadsheet software reads the accents as UTF-8 — as the dashboards' CSV.
 */
export function directiveCsv(
  columns: readonly DirectiveColumn[],
  rows: readonly { readonly cells: Readonly<Record<string, CellValue>> }[],
): string {
  const lines = rows.map((row) =>
    columns.map((column) => csvCell(row.cells[column.key] ?? null, column.format)),
  );
  return `\uFEFF${stringify([columns.map((column) => column.label), ...lines], { record_delimiter: 'windows' })}`;
}
