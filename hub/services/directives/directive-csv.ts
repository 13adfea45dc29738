import { spreadsheetCsv } from '../../../common/csv/spreadsheet-csv.js';
import { type CellFormat, type CellValue, csvCell } from '../../dashboards/format.js';

/** A column of a directive table: the key of its cell, its header and how its value reads. */
export interface DirectiveColumn {
  readonly key: string;
  readonly label: string;
  readonly format: CellFormat;
}

/**
 * Rows as CSV for spreadsheets, headed by the column labels, as the dashboards' CSV
 * (common/csv: RFC 4180, byte-order mark, no cell that runs as a formula — a mission's free-text
 * acknowledgement comment lands here).
 */
export function directiveCsv(
  columns: readonly DirectiveColumn[],
  rows: readonly { readonly cells: Readonly<Record<string, CellValue>> }[],
): string {
  const lines = rows.map((row) =>
    columns.map((column) => csvCell(row.cells[column.key] ?? null, column.format)),
  );
  return spreadsheetCsv(
    columns.map((column) => column.label),
    lines,
  );
}
