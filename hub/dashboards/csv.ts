import { stringify } from 'csv-stringify/sync';
import { csvCell } from './format.js';
import type { DashboardTable } from './tables.js';

/**
 * A table as CSV (RFC 4180: comma, CRLF, quotes where needed), headed by the column labels.
 * Starts with a byte-order mark so that spreadsheet software reads the accents as UTF-8.
 */
export function tableCsv(table: DashboardTable): string {
  // Durations are written in days with decimals: say so, since the page shows hours or days.
  const header = table.columns.map((c) =>
    c.format === 'hours' || c.format === 'days' ? `${c.label} (jours)` : c.label,
  );
  const rows = table.rows.map((row) =>
    table.columns.map((column) => csvCell(row[column.key] ?? null, column.format)),
  );
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: 'windows' })}`;
}
