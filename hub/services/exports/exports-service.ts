import { tableCsv } from '../../dashboards/csv.js';
import { dayOf, lastDayOf, type PeriodFilter } from '../../dashboards/period.js';
import { dashboardTable, type TableId } from '../../dashboards/tables.js';
import type { Queryable } from '../../db/database.js';
import type { DashboardService } from '../dashboard/dashboard-service.js';
import { directiveCsv } from '../directives/directive-csv.js';
import { loadDirectiveDetail, MISSION_COLUMNS } from '../directives/directive-detail.js';
import { LIST_COLUMNS, loadDirectiveList } from '../directives/directive-list.js';

/** A CSV file to download: its name (with `.csv`) and its text. */
export interface CsvFile {
  readonly fileName: string;
  readonly body: string;
}

/** What the exports read. */
export interface ExportsServiceOptions {
  readonly db: Queryable;
  readonly dashboard: DashboardService;
  readonly now: () => Date;
}

/** The CSV files behind the pages' "export" links: the same rows as the page they come from. */
export interface ExportsService {
  /** A table of a dashboard over the filter's period, of the network or one mission. */
  dashboardTable(id: TableId, filter: PeriodFilter, missionId?: string): Promise<CsvFile>;
  /** The directives list with its counts, named after today. */
  directives(): Promise<CsvFile>;
  /** One directive's state at each target mission, or undefined. */
  directive(directiveId: string): Promise<CsvFile | undefined>;
}

/** Wires the exports service. */
export function createExportsService(options: ExportsServiceOptions): ExportsService {
  const { db, now } = options;
  return {
    async dashboardTable(id, filter, missionId) {
      const dashboard = await options.dashboard.load(filter, missionId);
      const { period } = dashboard;
      const name = [id, missionId, dayOf(period.from), lastDayOf(period)].filter(Boolean).join('_');
      return { fileName: `${name}.csv`, body: tableCsv(dashboardTable(dashboard, id)) };
    },
    async directives() {
      // One instant for the rows and the file's name.
      const at = now();
      const rows = await loadDirectiveList(db, at);
      return { fileName: `directives_${dayOf(at)}.csv`, body: directiveCsv(LIST_COLUMNS, rows) };
    },
    async directive(directiveId) {
      const detail = await loadDirectiveDetail(db, directiveId, now());
      if (!detail) return undefined;
      return { fileName: `directive_${detail.id}.csv`, body: directiveCsv(MISSION_COLUMNS, detail.missions) };
    },
  };
}
