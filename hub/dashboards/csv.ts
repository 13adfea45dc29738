import { spreadsheetCsv } from '../../common/csv/spreadsheet-csv.js';
import { csvCell } from './format.js';
import type { DashboardTable } from './tables.js';

/**
 * A table as CSV for spreadsheets (common/csv: RFC 4180, byte-order mark, no cell that runs as a
 * formula), headed by the column labels.
 */
export function tableCsv(table: DashboardTable): string {
  // Durations are written in days with decimals: say so, since the page shows hours or days.
  const header = table.columns.map((c) =>
    c.format === 'hours' || c.format === 'days' ? `${c.label} (jours)` : c.label,
  );
  const rows = table.rows.map((row) =>
    table.columns.map((column) => csvCell(row[column.key] ?? null, column.format)),
  );
  return spreadsheetCsv(header, rows);
}
