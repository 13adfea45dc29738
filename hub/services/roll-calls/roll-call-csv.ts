import { spreadsheetCsv } from '../../../common/csv/spreadsheet-csv.js';
import { type CellFormat, type CellValue, csvCell } from '../../dashboards/format.js';
import type { RollCallDetail } from './roll-call-read.js';

/** The columns of a roll-call's counts per mission, as the page and its CSV show them. */
export const ROLL_CALL_COLUMNS: readonly { key: string; label: string; format: CellFormat }[] = [
  { key: 'mission', label: 'Mission', format: 'text' },
  { key: 'name', label: 'Nom', format: 'text' },
  { key: 'state', label: 'État', format: 'text' },
  { key: 'people', label: 'Personnes', format: 'int' },
  { key: 'reached', label: 'Joints', format: 'int' },
  { key: 'safe', label: 'En sécurité', format: 'int' },
  { key: 'needHelp', label: "Besoin d'aide", format: 'int' },
  { key: 'notInZone', label: 'Hors zone', format: 'int' },
  { key: 'noAnswer', label: 'Sans réponse', format: 'int' },
  { key: 'countedAt', label: 'Compté le', format: 'instant' },
];

/** How a mission's roll-call reads: its state, or how far the directive went. */
export function missionStateLabel(mission: RollCallDetail['missions'][number]): string {
  if (mission.state === 'open') return 'ouvert';
  if (mission.state === 'closed') return 'clos';
  return mission.receivedAt === null ? 'non reçu' : 'reçu, sans compte';
}

/** One row per target mission, then the network's total: the cells of the page and the CSV. */
export function rollCallRows(detail: RollCallDetail): Record<string, CellValue>[] {
  const rows: Record<string, CellValue>[] = detail.missions.map((mission) => ({
    mission: mission.missionId,
    name: mission.missionName,
    state: missionStateLabel(mission),
    ...(mission.counts ?? {}),
    countedAt: mission.countedAt === null ? null : new Date(mission.countedAt),
  }));
  rows.push({
    mission: 'Total',
    name: `${detail.reporting}/${detail.missionCount} missions`,
    ...detail.totals,
  });
  return rows;
}

/**
 * A roll-call's counts per mission and network-wide as CSV for spreadsheets (common/csv: RFC 4180
 * through csv-stringify, byte-order mark, no cell that runs as a formula: titles and mission names
 * land here). Counts only: no person.
 */
export function rollCallCsv(detail: RollCallDetail): string {
  const lines = rollCallRows(detail).map((row) =>
    ROLL_CALL_COLUMNS.map((column) => csvCell(row[column.key] ?? null, column.format)),
  );
  return spreadsheetCsv(
    ROLL_CALL_COLUMNS.map((column) => column.label),
    lines,
  );
}
