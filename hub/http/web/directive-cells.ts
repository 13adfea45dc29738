import { type CellValue, formatCell } from '../../dashboards/format.js';
import type { DirectiveColumn } from '../../services/directives/directive-csv.js';

/** The cells of a row as a page shows them, in column order. */
export function pageCells(
  columns: readonly DirectiveColumn[],
  cells: Readonly<Record<string, CellValue>>,
): string[] {
  return columns.map((column) => formatCell(cells[column.key] ?? null, column.format));
}
