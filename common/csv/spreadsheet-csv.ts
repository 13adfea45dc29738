import { stringify } from 'csv-stringify/sync';

// A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ start one, and a tab
// or carriage return can hide the sign from a reader while the spreadsheet still sees it.
const FORMULA_START = /^[=+\-@\t\r]/;
// A plain number is data, never a formula: "-1500" and "-12.5" stay numbers in the sheet.
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/**
 * A cell as a spreadsheet will read it: text that would start a formula is prefixed with an
 * apostrophe, which spreadsheets show as text and do not evaluate. Missions write free text that
 * reaches these files (a directive's acknowledgement comment, a name), so none of it may run.
 */
export function neutraliseCell(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * A table as CSV for spreadsheet software: RFC 4180 (comma, CRLF, quotes where needed), a
 * byte-order mark so the accents read as UTF-8, every cell neutralised ({@link neutraliseCell}).
 */
export function spreadsheetCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = [header, ...rows].map((row) => row.map(neutraliseCell));
  return `\uFEFF${stringify(table, { record_delimiter: 'windows' })}`;
}
